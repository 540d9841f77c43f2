package org.instanceretrieval.es.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.action.DeleteModelAction;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code DELETE _retrieval/model/{model_id}}. */
public final class RestDeleteModelAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_delete_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_retrieval/model/{model_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        DeleteModelAction.Request delete = new DeleteModelAction.Request(ModelIds.validate("model_id", request.param("model_id")));
        return channel -> client.execute(DeleteModelAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
