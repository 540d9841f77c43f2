package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

/** {@code DELETE {index}/_retrieval/diffusion}: deletes the index's offline diffusion builds. */
public final class RestDeleteOfflineDiffusionAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_delete_diffusion";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/{index}/_retrieval/diffusion"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        DeleteOfflineDiffusionAction.Request delete = new DeleteOfflineDiffusionAction.Request(request.param("index"));
        return channel -> client.execute(DeleteOfflineDiffusionAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
