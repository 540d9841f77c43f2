package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.GetWhiteningAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code GET _retrieval/whitening} and {@code GET _retrieval/whitening/{whitening_id}}. */
public final class RestGetWhiteningAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_get_whitening";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.GET, "/_retrieval/whitening"),
            new Route(RestRequest.Method.GET, "/_retrieval/whitening/{whitening_id}")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param("whitening_id");
        if (id != null) {
            ModelIds.validate("whitening_id", id);
        }
        GetWhiteningAction.Request get = new GetWhiteningAction.Request(id);
        return channel -> client.execute(GetWhiteningAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
