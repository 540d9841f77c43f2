package org.instanceretrieval.es.model;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

import java.io.IOException;
import java.util.Map;

/** {@code PUT _retrieval/model/{model_id}} with the model's configuration as the body. */
public final class RestPutModelAction extends RetrievalRestHandler {

    public RestPutModelAction() {
        super("retrieval_put_model", RestRequest.Method.PUT, "/_retrieval/model/{model_id}");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String modelId = ModelIds.validate("model_id", request.param("model_id"));
        Map<String, Object> body;
        try (XContentParser parser = request.contentParser()) {
            body = parser.map();
        }
        var put = PutModelAction.ID.request(modelId, new PutModelAction.Params(ModelConfig.parse(body)));
        return channel -> client.execute(PutModelAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
