package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.IndexItemStore;
import org.instanceretrieval.es.store.StoredItem;
import org.instanceretrieval.es.store.StoredItemKind;

import java.io.IOException;
import java.util.List;

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

    public static <M extends StoredItem> ActionType<Response<M>> type(StoredItemKind<M> kind) {
        return new ActionType<>(kind.getActionName());
    }

    public static class Request extends StoredItemRequest {
        private final String idParameter;
        private final boolean includePayload;

        /** @param id one item, or null for all */
        public Request(StoredItemKind<?> kind, String id, boolean includePayload) {
            super(id);
            this.idParameter = kind.idParameter();
            this.includePayload = includePayload;
        }

        public Request(StoredItemKind<?> kind, StreamInput in) throws IOException {
            super(in);
            this.idParameter = kind.idParameter();
            this.includePayload = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(includePayload);
        }

        @Override
        protected String idParameter() {
            return idParameter;
        }

        @Override
        protected boolean allowsAll() {
            return true;
        }

        /** Whether a single get returns the item's payload field too. */
        public boolean includePayload() {
            return includePayload;
        }
    }

    /** Either one item in full or every item as compact rows. */
    public static final class Response<M extends StoredItem> extends ActionResponse implements ToXContentObject {
        private final String listField;
        private final M single;
        private final List<M> list;

        private Response(String listField, M single, List<M> list) {
            this.listField = listField;
            this.single = single;
            this.list = list == null ? null : List.copyOf(list);
        }

        public Response(StoredItemKind<M> kind, StreamInput in) throws IOException {
            this.listField = kind.listField();
            this.single = in.readBoolean() ? kind.reader().read(in) : null;
            this.list = single == null ? in.readCollectionAsList(kind.reader()) : null;
        }

        /** The items of the response (one for a single get). */
        public List<M> items() {
            return single != null ? List.of(single) : list;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBoolean(single != null);
            if (single != null) {
                single.writeTo(out);
            } else {
                out.writeCollection(list);
            }
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (single != null) {
                return single.toXContent(builder, params);
            }
            builder.startObject();
            builder.field("count", list.size());
            builder.startArray(listField);
            for (M item : list) {
                item.toCompactXContent(builder);
            }
            builder.endArray();
            return builder.endObject();
        }
    }

    /** Reads one item's metadata ({@link IndexItemStore#getMetadata}) or lists all ({@link IndexItemStore#list}). */
    public abstract static class Transport<M extends StoredItem> extends HandledTransportAction<Request, Response<M>> {

        private final IndexItemStore<?, M> store;

        protected Transport(TransportService transportService, ActionFilters actionFilters, IndexItemStore<?, M> store) {
            super(store.kind().getActionName(), transportService, actionFilters, in -> new Request(store.kind(), in),
                EsExecutors.DIRECT_EXECUTOR_SERVICE);
            this.store = store;
        }

        @Override
        protected void doExecute(Task task, Request request, ActionListener<Response<M>> listener) {
            String listField = store.kind().listField();
            if (request.id() == null) {
                store.list(listener.map(items -> new Response<>(listField, null, items)));
            } else {
                store.getMetadata(request.id(), request.includePayload(), listener.map(item -> new Response<>(listField, item, null)));
            }
        }
    }
}
