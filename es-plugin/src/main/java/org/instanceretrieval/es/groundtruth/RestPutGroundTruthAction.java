package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

import java.util.Map;

/** {@code PUT _retrieval/ground_truth/{ground_truth_id}[?index=...]}. */
public final class RestPutGroundTruthAction extends RetrievalRestHandler {

    public RestPutGroundTruthAction() {
        super("retrieval_put_ground_truth", RestRequest.Method.PUT, "/_retrieval/ground_truth/{ground_truth_id}");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        Map<String, Object> body = request.hasContent()
            ? XContentHelper.convertToMap(request.requiredContent(), false, request.getXContentType()).v2()
            : Map.of();
        var put = PutGroundTruthAction.parse(request.param("ground_truth_id"), body, request.param("index"));
        return channel -> client.execute(PutGroundTruthAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
