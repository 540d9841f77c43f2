package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoredItem;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.format.GroundTruthJson;
import org.instanceretrieval.es.store.OrderedMaps;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET _retrieval/ground_truth/{id}} shows of a ground truth: id, format, protocol,
 * id field and counts, and, when asked for, the canonical JSON itself.
 *
 * @param queries number of queries; for class labels, the number of labelled images (each one
 *     is a query)
 * @param database number of database images, or -1 when the ground truth lists no collection
 * @param classes number of distinct class labels (0 for query lists)
 * @param groundTruth the canonical JSON ({@link GroundTruthJson}), or null when not asked for
 */
public record GroundTruthMetadata(
    String id,
    String format,
    String protocol,
    String idField,
    int queries,
    int database,
    int classes,
    long createdMillis,
    Map<String, Object> groundTruth
) implements StoredItem {

    public GroundTruthMetadata {
        Objects.requireNonNull(id);
        Objects.requireNonNull(format);
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(idField);
    }

    /** The metadata of a stored ground truth, with its canonical JSON when {@code includeGroundTruth}. */
    public static GroundTruthMetadata of(StoredGroundTruth stored, boolean includeGroundTruth) {
        NamedGroundTruth gt = stored.groundTruth();
        int queries = gt.isClassLabels() ? gt.classes().size() : gt.queries().size();
        int classes = gt.isClassLabels() ? new HashSet<>(gt.classes().values()).size() : 0;
        return new GroundTruthMetadata(
            stored.id(),
            stored.format(),
            stored.protocol(),
            stored.idField(),
            queries,
            gt.database() == null ? -1 : gt.database().size(),
            classes,
            stored.createdMillis(),
            includeGroundTruth ? GroundTruthJson.toMap(gt) : null
        );
    }

    /** Reads what {@link #writeTo} wrote: the fields of the stored document, and the canonical JSON when present. */
    public static GroundTruthMetadata readFrom(StreamInput in) throws IOException {
        return fromSource(in.readGenericMap());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        Map<String, Object> fields = sourceFields();
        if (groundTruth != null) {
            fields.put(GroundTruthIndex.GROUND_TRUTH_FIELD, groundTruth);
        }
        out.writeGenericMap(fields);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        fields(builder);
        builder.field("created_time", Instant.ofEpochMilli(createdMillis).toString());
        if (groundTruth != null) {
            builder.field("ground_truth", groundTruth);
        }
        return builder.endObject();
    }

    /** The fields shared by the full form, the list rows and the response of a PUT, written into the current object. */
    public void fields(XContentBuilder builder) throws IOException {
        builder.field("ground_truth_id", id);
        builder.field("format", format);
        builder.field("protocol", protocol);
        builder.field("id_field", idField);
        builder.startObject("counts");
        builder.field("queries", queries);
        if (database >= 0) {
            builder.field("database", database);
        }
        builder.field("classes", classes);
        builder.endObject();
    }

    @Override
    public XContentBuilder toCompactXContent(XContentBuilder builder) throws IOException {
        builder.startObject();
        fields(builder);
        return builder.endObject();
    }

    /** The metadata fields of the stored document (see {@link GroundTruthIndex}). */
    Map<String, Object> sourceFields() {
        return OrderedMaps.of("ground_truth_id", id, "format", format, "protocol", protocol, "id_field", idField, "counts",
            OrderedMaps.of("queries", queries, "database", database, "classes", classes), "created_time", createdMillis);
    }

    /** Reads {@link #sourceFields()} (and the canonical JSON, when fetched) back from a stored document. */
    @SuppressWarnings("unchecked")
    static GroundTruthMetadata fromSource(Map<String, Object> doc) {
        Map<String, Object> counts = (Map<String, Object>) doc.get("counts");
        return new GroundTruthMetadata(
            (String) doc.get("ground_truth_id"),
            (String) doc.get("format"),
            (String) doc.get("protocol"),
            (String) doc.get("id_field"),
            ((Number) counts.get("queries")).intValue(),
            ((Number) counts.get("database")).intValue(),
            ((Number) counts.get("classes")).intValue(),
            ((Number) doc.get("created_time")).longValue(),
            (Map<String, Object>) doc.get(GroundTruthIndex.GROUND_TRUTH_FIELD)
        );
    }
}
