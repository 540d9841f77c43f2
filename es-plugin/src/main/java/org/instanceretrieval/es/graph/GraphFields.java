package org.instanceretrieval.es.graph;

import java.util.Map;

/**
 * Where an index keeps its neighbour graph (issue 13): with each document, in its shard, as binary doc values.
 *
 * <p>For a {@code dense_vector} field {@code f}, document d's top-k neighbour list is the {@code binary} field
 * {@link #neighbours neighbours(f)} = {@code retrieval_graph.<f>} ({@code doc_values: true}) holding
 * {@code NeighbourListCodec.encode(list)}: d's k most similar <em>other</em> documents of the field (d itself is never listed),
 * identified by {@code _id}, with the similarity the build computed (the dot product of the indexed float vectors), ranked by
 * similarity descending, then {@code _id} ascending ({@link String#compareTo}). Because the ids, not shard positions, identify
 * neighbours and break ties, the lists do not depend on how the index is split into shards.
 *
 * <p>Yang et al.'s offline diffusion rows live the same way in {@link #offlineRows offlineRows(f)} =
 * {@code retrieval_offline.<f>}, in the same codec (the row's document ids with their values, value descending, then id).
 *
 * <p>Which graph an index holds, and whether it may be used, is its {@link GraphMarker} in the mapping's {@code _meta}.
 */
public final class GraphFields {

    /** Object under which the neighbour lists live, one binary field per vector field. */
    public static final String NEIGHBOURS_ROOT = "retrieval_graph";
    /** Object under which the offline diffusion rows live, one binary field per vector field. */
    public static final String OFFLINE_ROOT = "retrieval_offline";

    private GraphFields() {}

    /** The binary doc-values field of the neighbour lists of {@code vectorField}. */
    public static String neighbours(String vectorField) {
        return NEIGHBOURS_ROOT + "." + vectorField;
    }

    /** The binary doc-values field of the offline diffusion rows of {@code vectorField}. */
    public static String offlineRows(String vectorField) {
        return OFFLINE_ROOT + "." + vectorField;
    }

    /** The mapping of such a field: {@code {"type": "binary", "doc_values": true}}. */
    public static Map<String, Object> binaryDocValuesMapping() {
        return Map.of("type", "binary", "doc_values", true);
    }
}
