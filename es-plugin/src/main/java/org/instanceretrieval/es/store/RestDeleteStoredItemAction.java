package org.instanceretrieval.es.store;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** {@code DELETE _retrieval/<type>/{<type>_id}} of one {@link StoredItemKind}. */
public final class RestDeleteStoredItemAction extends RetrievalRestHandler {

    private final StoredItemKind<?> kind;

    public RestDeleteStoredItemAction(StoredItemKind<?> kind) {
        super("retrieval_delete_" + kind.type(), RestRequest.Method.DELETE, kind.path() + "/{" + kind.idParameter() + "}");
        this.kind = kind;
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = ModelIds.validate(kind.idParameter(), request.param(kind.idParameter()));
        var delete = DeleteStoredItemAction.request(kind, id);
        return channel -> client.execute(DeleteStoredItemAction.type(kind), delete, new RestToXContentListener<>(channel));
    }
}
