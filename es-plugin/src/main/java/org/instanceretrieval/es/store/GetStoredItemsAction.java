package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.tasks.Task;
import org.instanceretrieval.es.rest.RequestParams;
import org.elasticsearch.transport.TransportService;

import java.io.IOException;

/**
 * The GET endpoint of a {@link StoredItemKind}: {@code GET _retrieval/<type>} (every item, as
 * compact rows under {@code count} and {@code <type>s}) and {@code GET _retrieval/<type>/{<type>_id}}
 * (one item's metadata in full; with {@code include}, where the kind has it, its payload too).
 * Both read the index, never a cache. The action name is {@link StoredItemKind#getActionName}, under
 * {@code cluster:monitor/}: the {@code monitor} cluster privilege covers it. Each kind declares its
 * transport action as a subclass of {@link Transport} (one class per action name).
 */
public final class GetStoredItemsAction {

    private GetStoredItemsAction() {}

    public static <M extends StoredItem> ActionType<StoredItemsResponse<M>> type(StoredItemKind<M> kind) {
        return new ActionType<>(kind.getActionName());
    }

    /** Whether a single get returns the item's payload field too. */
    public record Params(boolean includePayload) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readBoolean());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBoolean(includePayload);
        }
    }

    /** A get of one item ({@code id}), or of all (null). */
    public static StoredItemRequest<Params> request(StoredItemKind<?> kind, String id, boolean includePayload) {
        return id(kind).request(id, new Params(includePayload));
    }

    /** Reads a get of {@code kind} from the wire. */
    public static Writeable.Reader<StoredItemRequest<Params>> reader(StoredItemKind<?> kind) {
        return id(kind).reader(Params::new);
    }

    private static StoredItemRequest.Id id(StoredItemKind<?> kind) {
        return new StoredItemRequest.Id(kind.idParameter(), true);
    }

    /** Reads one item's metadata ({@link IndexItemStore#getMetadata}) or lists all ({@link IndexItemStore#list}). */
    public abstract static class Transport<M extends StoredItem> extends HandledTransportAction<StoredItemRequest<Params>,
        StoredItemsResponse<M>> {

        private final IndexItemStore<?, M> store;

        protected Transport(TransportService transportService, ActionFilters actionFilters, IndexItemStore<?, M> store) {
            super(store.kind().getActionName(), transportService, actionFilters, reader(store.kind()),
                EsExecutors.DIRECT_EXECUTOR_SERVICE);
            this.store = store;
        }

        @Override
        protected void doExecute(Task task, StoredItemRequest<Params> request, ActionListener<StoredItemsResponse<M>> listener) {
            if (request.id() == null) {
                store.list(listener.map(items -> StoredItemsResponse.list(store.kind(), items)));
            } else {
                store.getMetadata(request.id(), request.params().includePayload(), listener.map(StoredItemsResponse::single));
            }
        }
    }
}
