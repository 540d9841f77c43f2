package org.instanceretrieval.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * Ground truth of one query: its positive documents, its junk documents (skipped entirely
 * when a ranking is scored) and optionally its bounding box. Document ids are 0-based indices
 * into the collection; their upper bound is checked by {@link GroundTruth}.
 *
 * <p>Validation (retrieval definitions, "Determinism"): a document in both the positive and
 * the junk set can push AP above 1 in the reference code, so such ground truth is rejected,
 * as are duplicates and negative ids. Every message names the query and the offending id.
 * A query may have no positives: the protocols exclude it from the means.
 */
public final class QueryGroundTruth {

    private final String queryId;
    private final int[] positives;
    private final int[] junk;
    private final BoundingBox boundingBox;

    /**
     * @param queryId name of the query, used in results and error messages; not null
     * @param positives documents relevant to the query (any order, no duplicates)
     * @param junk documents removed from the ranking before scoring (no duplicates, disjoint
     *     from {@code positives}); an empty array when the protocol has none
     * @param boundingBox the query's box, or null if it has none
     * @throws IllegalArgumentException on null sets, negative or duplicate ids, or an id in
     *     both sets
     */
    public QueryGroundTruth(String queryId, int[] positives, int[] junk, BoundingBox boundingBox) {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        this.positives = DocumentSets.sortedUniqueCopy(positives, queryId, "positives");
        this.junk = DocumentSets.sortedUniqueCopy(junk, queryId, "junk");
        DocumentSets.requireDisjoint(this.positives, "positives", this.junk, "junk", queryId);
        this.boundingBox = boundingBox;
    }

    /** Ground truth without junk and without bounding box. */
    public static QueryGroundTruth withoutJunk(String queryId, int[] positives) {
        return new QueryGroundTruth(queryId, positives, new int[0], null);
    }

    /** Name of the query. */
    public String queryId() {
        return queryId;
    }

    /** The positives, sorted ascending (a new array). */
    public int[] positives() {
        return positives.clone();
    }

    /** The junk documents, sorted ascending (a new array). */
    public int[] junk() {
        return junk.clone();
    }

    /** Number of positives (the AP denominator); 0 means the query is excluded from means. */
    public int numPositives() {
        return positives.length;
    }

    /** Whether {@code document} is a positive (binary search, O(log n)). */
    public boolean isPositive(int document) {
        return DocumentSets.contains(positives, document);
    }

    /** Whether {@code document} is junk (binary search, O(log n)). */
    public boolean isJunk(int document) {
        return DocumentSets.contains(junk, document);
    }

    /** The query's bounding box, if the ground truth has one. */
    public Optional<BoundingBox> boundingBox() {
        return Optional.ofNullable(boundingBox);
    }

    /** Largest document id referenced, or -1 if none. */
    int maxDocumentId() {
        int max = -1;
        if (positives.length > 0) {
            max = positives[positives.length - 1];
        }
        if (junk.length > 0) {
            max = Math.max(max, junk[junk.length - 1]);
        }
        return max;
    }

    @Override
    public String toString() {
        return "QueryGroundTruth[" + queryId + ", positives=" + positives.length + ", junk=" + junk.length + "]";
    }
}
