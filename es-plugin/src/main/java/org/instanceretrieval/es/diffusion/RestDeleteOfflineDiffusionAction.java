package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.instanceretrieval.es.rest.RequestParams;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** {@code DELETE {index}/_retrieval/diffusion}: deletes the index's offline diffusion builds. */
public final class RestDeleteOfflineDiffusionAction extends RetrievalRestHandler {

    public RestDeleteOfflineDiffusionAction() {
        super("retrieval_delete_diffusion", RestRequest.Method.DELETE, "/{index}/_retrieval/diffusion");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        var delete = DeleteOfflineDiffusionAction.ID.request(request.param("index"), RequestParams.NONE);
        return channel -> client.execute(DeleteOfflineDiffusionAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
