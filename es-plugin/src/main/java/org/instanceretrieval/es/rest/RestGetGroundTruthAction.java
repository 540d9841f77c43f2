package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.GetGroundTruthAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/**
 * {@code GET _retrieval/ground_truth} and {@code GET _retrieval/ground_truth/{ground_truth_id}}
 * ({@code include=ground_truth} adds the canonical JSON to a single get).
 */
public final class RestGetGroundTruthAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_get_ground_truth";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.GET, "/_retrieval/ground_truth"),
            new Route(RestRequest.Method.GET, "/_retrieval/ground_truth/{ground_truth_id}")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param("ground_truth_id");
        if (id != null) {
            ModelIds.validate("ground_truth_id", id);
        }
        String include = request.param("include");
        if (include != null && include.equals("ground_truth") == false) {
            throw new IllegalArgumentException("[include] must be [ground_truth], got [" + include + "]");
        }
        if (include != null && id == null) {
            throw new IllegalArgumentException("[include] applies to a single ground truth, not to the list");
        }
        GetGroundTruthAction.Request get = new GetGroundTruthAction.Request(id, include != null);
        return channel -> client.execute(GetGroundTruthAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
