package org.instanceretrieval.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * Ground truth of one query of Revisited Oxford/Paris (Radenovic et al. 2018): its easy,
 * hard and junk documents and its bounding box. The three sets must be pairwise disjoint
 * (each message names the query and the offending id). How they become positives and junk
 * for each protocol is defined once, in {@link RevisitedProtocol.Difficulty}.
 */
public final class RevisitedQueryGroundTruth {

    private final String queryId;
    private final int[] easy;
    private final int[] hard;
    private final int[] junk;
    private final BoundingBox boundingBox;

    /**
     * @param queryId query name; not null
     * @param easy easy positives (no duplicates)
     * @param hard hard positives (no duplicates)
     * @param junk junk documents (no duplicates)
     * @param boundingBox the query's box, or null
     * @throws IllegalArgumentException on null sets, negative or duplicate ids, or an id in two sets
     */
    public RevisitedQueryGroundTruth(String queryId, int[] easy, int[] hard, int[] junk, BoundingBox boundingBox) {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        this.easy = DocumentSets.sortedUniqueCopy(easy, queryId, "easy");
        this.hard = DocumentSets.sortedUniqueCopy(hard, queryId, "hard");
        this.junk = DocumentSets.sortedUniqueCopy(junk, queryId, "junk");
        DocumentSets.requireDisjoint(this.easy, "easy", this.hard, "hard", queryId);
        DocumentSets.requireDisjoint(this.easy, "easy", this.junk, "junk", queryId);
        DocumentSets.requireDisjoint(this.hard, "hard", this.junk, "junk", queryId);
        this.boundingBox = boundingBox;
    }

    /** Name of the query. */
    public String queryId() {
        return queryId;
    }

    /** Easy positives, sorted (a new array). */
    public int[] easy() {
        return easy.clone();
    }

    /** Hard positives, sorted (a new array). */
    public int[] hard() {
        return hard.clone();
    }

    /** Junk documents, sorted (a new array). */
    public int[] junk() {
        return junk.clone();
    }

    /** The query's bounding box, if any. */
    public Optional<BoundingBox> boundingBox() {
        return Optional.ofNullable(boundingBox);
    }
}
