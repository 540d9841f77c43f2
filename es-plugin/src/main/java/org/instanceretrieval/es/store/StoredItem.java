package org.instanceretrieval.es.store;

import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * What the GET endpoint of a {@link StoredItemKind} shows of an item (a model, a whitening's or a
 * ground truth's metadata): written in full for a single GET and as a compact row in listings.
 */
public interface StoredItem extends ToXContentObject, Writeable {

    /** The item as one row of a {@code GET} listing (a {@code _cat}-style subset of its fields). */
    XContentBuilder toCompactXContent(XContentBuilder builder) throws IOException;
}
