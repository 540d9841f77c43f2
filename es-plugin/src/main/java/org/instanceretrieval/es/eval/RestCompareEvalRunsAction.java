package org.instanceretrieval.es.eval;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

/** {@code GET _retrieval_eval/runs/_compare?ids=a,b[&size=10]}. */
public final class RestCompareEvalRunsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_eval_runs_compare";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_retrieval_eval/runs/_compare"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        CompareEvalRunsAction.Request compare = CompareEvalRunsAction.Request.parse(request.param("ids"),
            request.paramAsInt("size", CompareEvalRunsAction.DEFAULT_SIZE));
        return channel -> client.execute(CompareEvalRunsAction.INSTANCE, compare, new RestToXContentListener<>(channel));
    }
}
