package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;

/** Reads one ground truth's metadata (and canonical JSON) or lists all, from the index. */
public final class TransportGetGroundTruthAction extends HandledTransportAction<GetGroundTruthAction.Request, GetGroundTruthAction.Response> {

    private final CachingGroundTruthStore store;

    @Inject
    public TransportGetGroundTruthAction(TransportService transportService, ActionFilters actionFilters, CachingGroundTruthStore store) {
        super(GetGroundTruthAction.NAME, transportService, actionFilters, GetGroundTruthAction.Request::new,
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, GetGroundTruthAction.Request request, ActionListener<GetGroundTruthAction.Response> listener) {
        if (request.groundTruthId() == null) {
            store.index().list(listener.map(GetGroundTruthAction.Response::list));
        } else {
            store.index().getMetadata(request.groundTruthId(), request.includeGroundTruth(),
                listener.map(GetGroundTruthAction.Response::single));
        }
    }
}
