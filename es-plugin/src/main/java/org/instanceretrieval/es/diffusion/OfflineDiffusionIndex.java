package org.instanceretrieval.es.diffusion;

import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoreIndices;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The hidden system index that holds offline diffusion builds ({@code POST {index}/_retrieval/diffusion/_build}):
 * one document per (index, field), its id {@code <index>#<field>} ({@code #} cannot occur in an
 * index name), holding the index's UUID (a build of a deleted index is never used for a new
 * index of the same name), the build's options, the number of items, the build time, and in the
 * {@code binary} field {@code data} the {@link OfflineDiffusionData} bytes: the documents'
 * {@code _id}s in node order and the offline rows. Same access rules as the model index
 * ({@link StoreIndices#descriptor}); snapshots include it in the feature state.
 */
public final class OfflineDiffusionIndex {

    public static final String INDEX = ".retrieval-diffusion-1";
    public static final String INDEX_PATTERN = ".retrieval-diffusion-*";
    public static final int MAPPINGS_VERSION = 1;
    public static final String DATA_FIELD = "data";

    private OfflineDiffusionIndex() {}

    /** The document id of the build of {@code field} of {@code index}. */
    public static String id(String index, String field) {
        return index + "#" + field;
    }

    public static SystemIndexDescriptor descriptor() {
        return StoreIndices.descriptor(INDEX_PATTERN, INDEX, "Instance retrieval: offline diffusion builds", mappings());
    }

    private static XContentBuilder mappings() {
        try {
            XContentBuilder b = StoreIndices.startStrictMappings(MAPPINGS_VERSION);
            b.startObject("index").field("type", "keyword").endObject();
            b.startObject("field").field("type", "keyword").endObject();
            b.startObject("index_uuid").field("type", "keyword").endObject();
            b.startObject("items").field("type", "integer").endObject();
            b.startObject("stored_entries").field("type", "long").endObject();
            b.startObject("parameters").field("type", "object").field("enabled", false).endObject();
            b.startObject("built_time").field("type", "date").field("format", "epoch_millis").endObject();
            b.startObject(DATA_FIELD).field("type", "binary").endObject();
            b.endObject();
            return b.endObject().endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
