package org.instanceretrieval.es.whitening;

import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoreIndices;
import org.instanceretrieval.es.store.StoredItemKind;

import java.io.IOException;
import java.util.Map;

import static org.elasticsearch.xcontent.XContentFactory.jsonBuilder;

/**
 * The hidden system index that holds learned whitenings: one document per whitening, its id the
 * whitening id, holding the metadata of {@link StoredWhitening} and the {@code WhiteningFormat}
 * bytes (versioned, with a CRC) in the {@code binary} field {@code whitening}. Same shape and
 * access rules as the model index (see {@link StoreIndices#descriptor}); snapshots include it
 * in the feature state {@code instance_retrieval}.
 */
public final class WhiteningIndex {

    public static final String INDEX = ".retrieval-whitening-1";
    public static final String INDEX_PATTERN = ".retrieval-whitening-*";
    public static final int MAPPINGS_VERSION = 1;
    /** The field holding the serialised whitening. */
    public static final String WHITENING_FIELD = "whitening";
    /** The family of whitenings: {@code GET} and {@code DELETE _retrieval/whitening/{whitening_id}}, created by {@code _learn}. */
    public static final StoredItemKind<StoredWhitening> KIND = new StoredItemKind<>("whitening", INDEX, "learn", null, StoredWhitening::readFrom);

    private WhiteningIndex() {}

    public static SystemIndexDescriptor descriptor() {
        return StoreIndices.descriptor(INDEX_PATTERN, INDEX, "Instance retrieval: learned whitenings", MAPPINGS_VERSION, b -> {
            b.startObject("whitening_id").field("type", "keyword").endObject();
            b.startObject("method").field("type", "keyword").endObject();
            b.startObject("input_dimension").field("type", "integer").endObject();
            b.startObject("output_dimension").field("type", "integer").endObject();
            b.startObject("power").field("type", "double").endObject();
            b.startObject("shrinkage").field("type", "double").endObject();
            b.startObject("source").field("type", "object").field("enabled", false).endObject();
            b.startObject("created_time").field("type", "date").field("format", "epoch_millis").endObject();
            b.startObject(WHITENING_FIELD).field("type", "binary").endObject();
        });
    }

    /** The source of a whitening document. */
    static XContentBuilder source(StoredWhitening metadata, byte[] whiteningBytes) throws IOException {
        Map<String, Object> fields = metadata.sourceFields();
        fields.put(WHITENING_FIELD, whiteningBytes);
        return jsonBuilder().map(fields);
    }
}
