package org.instanceretrieval.es.graph;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** Removes the marker, clears the lists of its field, refreshes ({@link DeleteGraphAction}). */
public final class TransportDeleteGraphAction extends TransportGraphMarkerAction {

    @Inject
    public TransportDeleteGraphAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(DeleteGraphAction.NAME, transportService, actionFilters, client);
    }

    @Override
    protected void onMarker(String index, Map<String, Object> marker, ActionListener<JobResponse> listener) {
        if (IndexMetaMarker.RUNNING.equals(marker.get("state"))) {
            throw new ElasticsearchStatusException("a neighbour-graph build (task [{}]) is running on index [{}]; cancel it "
                + "with POST _tasks/{}/_cancel before deleting the graph", RestStatus.CONFLICT, marker.get("task"), index,
                marker.get("task"));
        }
        String field = (String) marker.get("field");
        IndexMetaMarker.write(client, index, GraphMarker.KEY, null, listener.delegateFailureAndWrap((l, v) ->
            new GraphListCleaner(client, index, field).clear(null, l.delegateFailureAndWrap((l1, cleared) ->
                client.admin().indices().refresh(new RefreshRequest(index), l1.map(r -> {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("acknowledged", true);
                    result.put("index", index);
                    result.put("field", field);
                    result.put("lists_cleared", cleared);
                    return new JobResponse(result);
                }))))));
    }
}
