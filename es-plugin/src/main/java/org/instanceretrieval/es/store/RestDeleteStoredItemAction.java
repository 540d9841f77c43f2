package org.instanceretrieval.es.store;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

/** {@code DELETE _retrieval/<type>/{<type>_id}} of one {@link StoredItemKind}. */
public final class RestDeleteStoredItemAction extends BaseRestHandler {

    private final StoredItemKind<?> kind;

    public RestDeleteStoredItemAction(StoredItemKind<?> kind) {
        this.kind = kind;
    }

    @Override
    public String getName() {
        return "retrieval_delete_" + kind.type();
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, kind.path() + "/{" + kind.idParameter() + "}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = ModelIds.validate(kind.idParameter(), request.param(kind.idParameter()));
        DeleteStoredItemAction.Request delete = new DeleteStoredItemAction.Request(kind, id);
        return channel -> client.execute(DeleteStoredItemAction.type(kind), delete, new RestToXContentListener<>(channel));
    }
}
