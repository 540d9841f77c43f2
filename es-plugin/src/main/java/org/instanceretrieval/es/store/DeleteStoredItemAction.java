package org.instanceretrieval.es.store;

import org.instanceretrieval.es.model.ClearModelCacheAction;
import org.instanceretrieval.es.model.ItemNodesRequest;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.tasks.Task;
import org.instanceretrieval.es.rest.RequestParams;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.model.ModelIndex;


/**
 * The DELETE endpoint of a {@link StoredItemKind}: {@code DELETE _retrieval/<type>/{<type>_id}}
 * deletes the item (404 if unknown), then drops it from the cache of every node with
 * {@link ClearModelCacheAction}. {@code acknowledged} is true when every node confirmed. The action
 * name is {@link StoredItemKind#deleteActionName}, under {@code cluster:admin/} ({@code manage}
 * privilege). Each kind declares its transport action as a subclass of {@link Transport}.
 */
public final class DeleteStoredItemAction {

    private DeleteStoredItemAction() {}

    public static ActionType<AcknowledgedResponse> type(StoredItemKind<?> kind) {
        return new ActionType<>(kind.deleteActionName());
    }

    /** The delete of item {@code id}. */
    public static StoredItemRequest<RequestParams.None> request(StoredItemKind<?> kind, String id) {
        return id(kind).request(id, RequestParams.NONE);
    }

    private static StoredItemRequest.Id id(StoredItemKind<?> kind) {
        return new StoredItemRequest.Id(kind.idParameter(), false);
    }

    /** Deletes through the node's store ({@link CachingItemStore#delete}), then broadcasts the cache invalidation. */
    public abstract static class Transport extends HandledTransportAction<StoredItemRequest<RequestParams.None>, AcknowledgedResponse> {

        private static final Logger logger = LogManager.getLogger(DeleteStoredItemAction.class);

        private final CachingItemStore<?, ?> store;
        private final Client client;

        protected Transport(TransportService transportService, ActionFilters actionFilters, CachingItemStore<?, ?> store, Client client) {
            super(store.kind().deleteActionName(), transportService, actionFilters, id(store.kind()).reader(RequestParams::readNone),
                EsExecutors.DIRECT_EXECUTOR_SERVICE);
            this.store = store;
            // The broadcast is part of the delete the caller was allowed to do: it runs as the plugin.
            this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
        }

        @Override
        protected void doExecute(Task task, StoredItemRequest<RequestParams.None> request,
            ActionListener<AcknowledgedResponse> listener) {
            String id = request.id();
            String name = store.kind().displayName();
            store.delete(id, listener.delegateFailureAndWrap((l, deleted) -> client.execute(ClearModelCacheAction.INSTANCE,
                new ItemNodesRequest(store.kind(), id), ActionListener.wrap(cleared -> {
                    if (cleared.hasFailures()) {
                        logger.warn("{} [{}] deleted, but some nodes did not confirm dropping it: {}", name, id, cleared.failures());
                    }
                    l.onResponse(AcknowledgedResponse.of(cleared.hasFailures() == false));
                }, e -> {
                    logger.warn(() -> name + " [" + id + "] deleted, but the cache broadcast failed", e);
                    l.onResponse(AcknowledgedResponse.FALSE);
                }))));
        }
    }
}
