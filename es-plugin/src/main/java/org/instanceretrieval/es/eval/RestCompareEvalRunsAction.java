package org.instanceretrieval.es.eval;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RecordRequest;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** {@code GET _retrieval_eval/runs/_compare?ids=a,b[&size=10]}. */
public final class RestCompareEvalRunsAction extends RetrievalRestHandler {

    public RestCompareEvalRunsAction() {
        super("retrieval_eval_runs_compare", RestRequest.Method.GET, "/_retrieval_eval/runs/_compare");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        var compare = new RecordRequest<>(CompareEvalRunsAction.Params.parse(request.param("ids"),
            request.paramAsInt("size", CompareEvalRunsAction.DEFAULT_SIZE)));
        return channel -> client.execute(CompareEvalRunsAction.INSTANCE, compare, new RestToXContentListener<>(channel));
    }
}
