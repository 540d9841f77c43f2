package org.instanceretrieval.es.eval;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

/** {@code GET _retrieval_eval/runs[?name=&index=&ground_truth=&size=]}. */
public final class RestEvalRunsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "retrieval_eval_runs";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_retrieval_eval/runs"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        EvalRunsAction.Request runs = new EvalRunsAction.Request(request.param("name"), request.param("index"), request.param("ground_truth"),
            request.paramAsInt("size", 100));
        return channel -> client.execute(EvalRunsAction.INSTANCE, runs, new RestToXContentListener<>(channel));
    }
}
