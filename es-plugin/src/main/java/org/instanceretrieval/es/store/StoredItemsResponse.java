package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * The response of a GET on stored items ({@link GetStoredItemsAction}) and of the writes that answer with the
 * item: one item in full, or every item as compact rows under {@code count} and the kind's
 * {@link StoredItemKind#listField}.
 */
public final class StoredItemsResponse<M extends StoredItem> extends ActionResponse implements ToXContentObject {
    private final String listField;
    private final M single;
    private final List<M> list;

    private StoredItemsResponse(String listField, M single, List<M> list) {
        this.listField = listField;
        this.single = single;
        this.list = list == null ? null : List.copyOf(list);
    }

    public StoredItemsResponse(StoredItemKind<M> kind, StreamInput in) throws IOException {
        this.listField = kind.listField();
        this.single = in.readBoolean() ? kind.reader().read(in) : null;
        this.list = single == null ? in.readCollectionAsList(kind.reader()) : null;
    }

    /** One item in full. */
    public static <M extends StoredItem> StoredItemsResponse<M> single(M item) {
        return new StoredItemsResponse<>(null, item, null);
    }

    /** Every item, as compact rows. */
    public static <M extends StoredItem> StoredItemsResponse<M> list(StoredItemKind<M> kind, List<M> items) {
        return new StoredItemsResponse<>(kind.listField(), null, items);
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
