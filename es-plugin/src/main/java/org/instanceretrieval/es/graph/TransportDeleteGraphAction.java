package org.instanceretrieval.es.graph;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** Removes the marker, clears the lists of its field, refreshes ({@link DeleteGraphAction}). */
public final class TransportDeleteGraphAction extends HandledTransportAction<GraphIndexRequest, JobResponse> {

    private final Client client;

    @Inject
    public TransportDeleteGraphAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(DeleteGraphAction.NAME, transportService, actionFilters, GraphIndexRequest::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, GraphIndexRequest request, ActionListener<JobResponse> listener) {
        GraphIndexRequest.concreteIndex(client, request.index(), listener.delegateFailureAndWrap((l, index) ->
            IndexMetaMarker.read(client, index, GraphMarker.KEY, l.delegateFailureAndWrap((l1, stored) -> {
                if (stored == null) {
                    throw TransportGetGraphAction.noGraph(index);
                }
                IndexMetaMarker.resolve(client, stored, l1.delegateFailureAndWrap((l2, marker) -> {
                    if (IndexMetaMarker.RUNNING.equals(marker.get("state"))) {
                        throw new ElasticsearchStatusException("a neighbour-graph build (task [{}]) is running on index [{}]; cancel it "
                            + "with POST _tasks/{}/_cancel before deleting the graph", RestStatus.CONFLICT, marker.get("task"), index,
                            marker.get("task"));
                    }
                    String field = (String) marker.get("field");
                    IndexMetaMarker.write(client, index, GraphMarker.KEY, null, l2.delegateFailureAndWrap((l3, v) ->
                        new GraphListCleaner(client, index, field).clear(null, l3.delegateFailureAndWrap((l4, cleared) ->
                            client.admin().indices().refresh(new RefreshRequest(index), l4.map(r -> {
                                Map<String, Object> result = new LinkedHashMap<>();
                                result.put("acknowledged", true);
                                result.put("index", index);
                                result.put("field", field);
                                result.put("lists_cleared", cleared);
                                return new JobResponse(result);
                            }))))));
                }));
            }))));
    }
}
