package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.DeleteWhiteningAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code DELETE _retrieval/whitening/{whitening_id}}. */
public final class RestDeleteWhiteningAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_delete_whitening";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_retrieval/whitening/{whitening_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        DeleteWhiteningAction.Request delete = new DeleteWhiteningAction.Request(ModelIds.validate("whitening_id", request.param("whitening_id")));
        return channel -> client.execute(DeleteWhiteningAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
