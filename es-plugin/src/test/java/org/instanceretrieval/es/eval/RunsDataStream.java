package org.instanceretrieval.es.eval;

import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.ClusterStateUpdateTask;
import org.elasticsearch.cluster.metadata.DataStream;
import org.elasticsearch.cluster.metadata.MetadataDataStreamsService;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.Settings;

import java.util.Set;

/** The evaluation runs' data stream in internal test clusters, which lack the data-streams module that deletes it. */
final class RunsDataStream {

    private RunsDataStream() {}

    /** Deletes the runs data stream (if any) through a cluster state update on {@code master}, and waits for it. */
    static void delete(ClusterService master) throws Exception {
        PlainActionFuture<Void> done = new PlainActionFuture<>();
        master.submitUnbatchedStateUpdateTask("delete " + EvalRuns.DATA_STREAM, new ClusterStateUpdateTask() {
            @Override
            public ClusterState execute(ClusterState state) {
                DataStream stream = state.metadata().dataStreams().get(EvalRuns.DATA_STREAM);
                return stream == null ? state : MetadataDataStreamsService.deleteDataStreams(state, Set.of(stream), Settings.EMPTY);
            }

            @Override
            public void onFailure(Exception e) {
                done.onFailure(e);
            }

            @Override
            public void clusterStateProcessed(ClusterState oldState, ClusterState newState) {
                done.onResponse(null);
            }
        });
        done.get();
    }
}
