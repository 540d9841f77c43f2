package org.instanceretrieval.es.model;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.store.ModelIds;

import java.util.List;

/** {@code GET _retrieval/model/{model_id}/_stats}. */
public final class RestGetModelStatsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_get_model_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_retrieval/model/{model_id}/_stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        GetModelStatsAction.Request stats = new GetModelStatsAction.Request(ModelIds.validate("model_id", request.param("model_id")));
        return channel -> client.execute(GetModelStatsAction.INSTANCE, stats, new RestToXContentListener<>(channel));
    }
}
