package org.instanceretrieval.es.model;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** {@code GET _retrieval/model/{model_id}/_stats}. */
public final class RestGetModelStatsAction extends RetrievalRestHandler {

    public RestGetModelStatsAction() {
        super("retrieval_get_model_stats", RestRequest.Method.GET, "/_retrieval/model/{model_id}/_stats");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ItemNodesRequest stats = new ItemNodesRequest(ModelIndex.KIND, ModelIds.validate("model_id", request.param("model_id")));
        return channel -> client.execute(GetModelStatsAction.INSTANCE, stats, new RestToXContentListener<>(channel));
    }
}
