package org.instanceretrieval.eval;

import java.util.function.IntFunction;

/**
 * The original Oxford5k / Paris6k protocol (Philbin et al.; 55 queries over 5,063 / 6,392
 * images): positives are the {@code good} and {@code ok} images (the cirtorch pickles' {@code ok}
 * list already holds both), {@code junk} images are skipped, AP is the trapezoid AP of the
 * original {@code compute_ap}, and the result is the mAP over the queries. The query image is
 * in the database and in its own positive list; it is <b>not</b> removed from its ranking.
 * Optional mP@k (not part of the original protocol) can be requested.
 */
public final class OxfordParisProtocol {

    private final JunkAwareEvaluator evaluator;

    /** mAP only (the original protocol). */
    public OxfordParisProtocol(GroundTruth groundTruth) {
        this(groundTruth, new int[0]);
    }

    /**
     * @param groundTruth per-query positives (good + ok) and junk, indices into the image list
     * @param ks cut-offs for an additional mP@k report; empty for none
     */
    public OxfordParisProtocol(GroundTruth groundTruth, int[] ks) {
        this.evaluator = new JunkAwareEvaluator(groundTruth, ks);
    }

    /**
     * One query from the original ground-truth lists: positives = good + ok, junk = junk.
     *
     * @throws IllegalArgumentException if the lists overlap or hold duplicates or negative ids
     */
    public static QueryGroundTruth query(String queryId, int[] good, int[] ok, int[] junk, BoundingBox boundingBox) {
        int[] goodSet = DocumentSets.sortedUniqueCopy(good, queryId, "good");
        int[] okSet = DocumentSets.sortedUniqueCopy(ok, queryId, "ok");
        DocumentSets.requireDisjoint(goodSet, "good", okSet, "ok", queryId);
        return new QueryGroundTruth(queryId, DocumentSets.union(goodSet, okSet), junk, boundingBox);
    }

    /** The ground truth being scored. */
    public GroundTruth groundTruth() {
        return evaluator.groundTruth();
    }

    /**
     * @param rankingOfQuery full or truncated ranking of query q (index in the ground truth)
     * @return mAP (and mP@k if requested) with per-query APs
     */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        return evaluator.evaluate(rankingOfQuery);
    }
}
