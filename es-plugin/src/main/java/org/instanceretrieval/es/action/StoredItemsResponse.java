package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoredItem;

import java.io.IOException;
import java.util.List;

/**
 * The response of a {@code GET} on stored items: one item in full, or every item as compact
 * rows under {@code count} and a named array.
 */
public abstract class StoredItemsResponse<T extends StoredItem> extends ActionResponse implements ToXContentObject {

    private final T single;
    private final List<T> list;

    protected StoredItemsResponse(T single, List<T> list) {
        this.single = single;
        this.list = list == null ? null : List.copyOf(list);
    }

    protected StoredItemsResponse(StreamInput in, Writeable.Reader<T> reader) throws IOException {
        if (in.readBoolean()) {
            this.single = reader.read(in);
            this.list = null;
        } else {
            this.single = null;
            this.list = in.readCollectionAsList(reader);
        }
    }

    /** The name of the array of a listing ({@code models}, {@code whitenings}). */
    protected abstract String listField();

    /** The items of the response (one for a single get). */
    public List<T> items() {
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
        builder.startArray(listField());
        for (T item : list) {
            item.toCompactXContent(builder);
        }
        builder.endArray();
        return builder.endObject();
    }
}
