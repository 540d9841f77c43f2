package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoreIndices;
import org.instanceretrieval.es.store.StoredItemKind;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.format.GroundTruthJson;

import java.io.IOException;
import java.util.Map;

import static org.elasticsearch.xcontent.XContentFactory.jsonBuilder;

/**
 * The hidden system index that holds ground truths: one document per ground truth, its id the
 * ground truth id, holding the metadata of {@link GroundTruthMetadata} and the canonical JSON
 * ({@link GroundTruthJson}) in the non-indexed object {@code ground_truth}. Same shape and
 * access rules as the model index (see {@link StoreIndices#descriptor}); snapshots include it
 * in the feature state {@code instance_retrieval}.
 */
public final class GroundTruthIndex {

    public static final String INDEX = ".retrieval-ground-truth-1";
    public static final String INDEX_PATTERN = ".retrieval-ground-truth-*";
    public static final int MAPPINGS_VERSION = 1;
    /** The field holding the canonical JSON. */
    public static final String GROUND_TRUTH_FIELD = "ground_truth";
    /**
     * The family of ground truths: {@code GET} and {@code DELETE _retrieval/ground_truth/{ground_truth_id}}
     * ({@code include=ground_truth} adds the canonical JSON to a single get), created by {@code PUT}.
     */
    public static final StoredItemKind<GroundTruthMetadata> KIND = new StoredItemKind<>("ground_truth", INDEX, "put", GROUND_TRUTH_FIELD,
        GroundTruthMetadata::readFrom);

    private GroundTruthIndex() {}

    public static SystemIndexDescriptor descriptor() {
        return StoreIndices.descriptor(INDEX_PATTERN, INDEX, "Instance retrieval: evaluation ground truths", MAPPINGS_VERSION, b -> {
            for (String keyword : new String[] { "ground_truth_id", "format", "protocol", "id_field" }) {
                b.startObject(keyword).field("type", "keyword").endObject();
            }
            b.startObject("counts").startObject("properties");
            for (String count : new String[] { "queries", "database", "classes" }) {
                b.startObject(count).field("type", "integer").endObject();
            }
            b.endObject().endObject();
            b.startObject("created_time").field("type", "date").field("format", "epoch_millis").endObject();
            // Kept in _source only: names are looked up when an evaluation runs, never searched.
            b.startObject(GROUND_TRUTH_FIELD).field("type", "object").field("enabled", false).endObject();
        });
    }

    /** The source of a ground-truth document. */
    static XContentBuilder source(StoredGroundTruth stored) throws IOException {
        Map<String, Object> fields = GroundTruthMetadata.of(stored, false).sourceFields();
        fields.put(GROUND_TRUTH_FIELD, GroundTruthJson.toMap(stored.groundTruth()));
        return jsonBuilder().map(fields);
    }

    /** Reads a whole document back. */
    @SuppressWarnings("unchecked")
    static StoredGroundTruth parse(Map<String, Object> doc) {
        NamedGroundTruth groundTruth = GroundTruthJson.fromMap((Map<String, Object>) doc.get(GROUND_TRUTH_FIELD), null);
        return new StoredGroundTruth(
            (String) doc.get("ground_truth_id"),
            (String) doc.get("format"),
            (String) doc.get("id_field"),
            groundTruth,
            ((Number) doc.get("created_time")).longValue()
        );
    }
}
