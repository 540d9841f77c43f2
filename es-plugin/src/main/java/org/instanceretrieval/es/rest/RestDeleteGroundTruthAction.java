package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.DeleteGroundTruthAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code DELETE _retrieval/ground_truth/{ground_truth_id}}. */
public final class RestDeleteGroundTruthAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_delete_ground_truth";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_retrieval/ground_truth/{ground_truth_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        DeleteGroundTruthAction.Request delete = new DeleteGroundTruthAction.Request(
            ModelIds.validate("ground_truth_id", request.param("ground_truth_id")));
        return channel -> client.execute(DeleteGroundTruthAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
