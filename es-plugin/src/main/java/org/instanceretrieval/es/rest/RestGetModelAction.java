package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.GetModelAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code GET _retrieval/model} and {@code GET _retrieval/model/{model_id}}. */
public final class RestGetModelAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_get_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_retrieval/model"), new Route(RestRequest.Method.GET, "/_retrieval/model/{model_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String modelId = request.param("model_id");
        if (modelId != null) {
            ModelIds.validate("model_id", modelId);
        }
        GetModelAction.Request get = new GetModelAction.Request(modelId);
        return channel -> client.execute(GetModelAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
