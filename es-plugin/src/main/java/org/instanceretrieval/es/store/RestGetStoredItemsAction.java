package org.instanceretrieval.es.store;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/**
 * {@code GET _retrieval/<type>} and {@code GET _retrieval/<type>/{<type>_id}} of one
 * {@link StoredItemKind}; where the kind has a payload field, {@code include=<field>} adds it to a
 * single get (400 for another value, or on the list).
 */
public final class RestGetStoredItemsAction extends RetrievalRestHandler {

    private final StoredItemKind<?> kind;

    public RestGetStoredItemsAction(StoredItemKind<?> kind) {
        super("retrieval_get_" + kind.type(), new Route(RestRequest.Method.GET, kind.path()),
            new Route(RestRequest.Method.GET, kind.path() + "/{" + kind.idParameter() + "}"));
        this.kind = kind;
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param(kind.idParameter());
        if (id != null) {
            ModelIds.validate(kind.idParameter(), id);
        }
        String include = kind.include() == null ? null : request.param("include");
        if (include != null && include.equals(kind.include()) == false) {
            throw new IllegalArgumentException("[include] must be [" + kind.include() + "], got [" + include + "]");
        }
        if (include != null && id == null) {
            throw new IllegalArgumentException("[include] applies to a single " + kind.displayName() + ", not to the list");
        }
        var get = GetStoredItemsAction.request(kind, id, include != null);
        return channel -> client.execute(GetStoredItemsAction.type(kind), get, new RestToXContentListener<>(channel));
    }
}
