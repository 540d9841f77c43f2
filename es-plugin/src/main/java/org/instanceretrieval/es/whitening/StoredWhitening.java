package org.instanceretrieval.es.whitening;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.store.StoredItem;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.OrderedMaps;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the store knows about a whitening besides its matrix: how and from what it was learned.
 * Immutable; the matrix itself ({@code WhiteningFormat} bytes) is read only through
 * {@link WhiteningStore#getWhitening}.
 *
 * @param power       the PCA power (eigenvalues raised to {@code -power}); null for Lw
 * @param shrinkage   the PCA shrinkage; null for Lw
 * @param index       the index (or pattern, alias) the vectors came from
 * @param field       the {@code dense_vector} field read
 * @param sampleSize  the number of vectors the whitening was learned from
 * @param pairs       the number of matching pairs (Lw); 0 for PCA
 * @param createdMillis creation time, epoch milliseconds
 */
public record StoredWhitening(
    String whiteningId,
    WhiteningMethod method,
    int inputDimension,
    int outputDimension,
    Double power,
    Double shrinkage,
    String index,
    String field,
    long sampleSize,
    long pairs,
    long createdMillis
) implements StoredItem {

    public StoredWhitening {
        Objects.requireNonNull(whiteningId);
        Objects.requireNonNull(method);
        Objects.requireNonNull(index);
        Objects.requireNonNull(field);
    }

    /** Reads what {@link #writeTo} wrote: the fields of the stored document. */
    public static StoredWhitening readFrom(StreamInput in) throws IOException {
        return fromSource(in.readGenericMap());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeGenericMap(sourceFields());
    }

    /** The full metadata (the response of {@code GET _retrieval/whitening/{id}} and of {@code _learn}). */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        Map<String, Object> shown = sourceFields(); // the stored fields, but pairs only for Lw and the time as a date
        if (method != WhiteningMethod.LW) {
            ((Map<?, ?>) shown.get("source")).remove("pairs");
        }
        shown.put("created_time", Instant.ofEpochMilli(createdMillis).toString());
        return builder.map(shown);
    }

    /** One row of the list: id, method and dimensions. */
    @Override
    public XContentBuilder toCompactXContent(XContentBuilder builder) throws IOException {
        return builder.startObject()
            .field("whitening_id", whiteningId)
            .field("method", method.id())
            .field("input_dimension", inputDimension)
            .field("output_dimension", outputDimension)
            .endObject();
    }

    /** The metadata fields of the stored document (see {@link WhiteningIndex}). */
    Map<String, Object> sourceFields() {
        Map<String, Object> source = OrderedMaps.of("index", index, "field", field, "sample_size", sampleSize, "pairs", pairs);
        return OrderedMaps.withoutNulls("whitening_id", whiteningId, "method", method.id(), "input_dimension", inputDimension,
            "output_dimension", outputDimension, "power", power, "shrinkage", shrinkage, "source", source, "created_time", createdMillis);
    }

    /** Reads {@link #sourceFields()} back from a stored document. */
    @SuppressWarnings("unchecked")
    static StoredWhitening fromSource(Map<String, Object> doc) {
        Map<String, Object> source = (Map<String, Object>) doc.get("source");
        return new StoredWhitening(
            (String) doc.get("whitening_id"),
            WhiteningMethod.fromId((String) doc.get("method")),
            ((Number) doc.get("input_dimension")).intValue(),
            ((Number) doc.get("output_dimension")).intValue(),
            doc.get("power") == null ? null : ((Number) doc.get("power")).doubleValue(),
            doc.get("shrinkage") == null ? null : ((Number) doc.get("shrinkage")).doubleValue(),
            (String) source.get("index"),
            (String) source.get("field"),
            ((Number) source.get("sample_size")).longValue(),
            ((Number) source.get("pairs")).longValue(),
            ((Number) doc.get("created_time")).longValue()
        );
    }
}
