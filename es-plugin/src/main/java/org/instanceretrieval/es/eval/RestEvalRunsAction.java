package org.instanceretrieval.es.eval;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RecordRequest;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** {@code GET _retrieval_eval/runs[?name=&index=&ground_truth=&size=]}. */
public final class RestEvalRunsAction extends RetrievalRestHandler {

    public RestEvalRunsAction() {
        super("retrieval_eval_runs", RestRequest.Method.GET, "/_retrieval_eval/runs");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        var runs = new RecordRequest<>(new EvalRunsAction.Params(request.param("name"), request.param("index"),
            request.param("ground_truth"), request.paramAsInt("size", 100)));
        return channel -> client.execute(EvalRunsAction.INSTANCE, runs, new RestToXContentListener<>(channel));
    }
}
