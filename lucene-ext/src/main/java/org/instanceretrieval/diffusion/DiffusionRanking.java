package org.instanceretrieval.diffusion;

import org.instanceretrieval.math.TopK;

/**
 * Candidate selection for diffusion's early truncation. The ranking of diffusion scores itself
 * is {@link org.instanceretrieval.math.RankingOrder#rank(double[])} (score descending, then
 * index ascending; after diffusion most items score exactly 0, so the rule decides the tail).
 */
public final class DiffusionRanking {

    private DiffusionRanking() {}

    /**
     * The {@code r} best indices of a first-stage score row, in ranking order: the candidate set
     * of early truncation (definitions: "restrict to the top R by the first-stage score").
     *
     * @param r number of candidates, {@code >= 1}; fewer when the row is shorter
     * @throws IllegalArgumentException if {@code r < 1} or a score is not finite
     */
    public static int[] top(float[] firstStageScores, int r) {
        if (r < 1) {
            throw new IllegalArgumentException("early truncation [R] must be >= 1 but was [" + r + "]");
        }
        org.instanceretrieval.math.VectorMath.requireFinite(firstStageScores, "first-stage scores");
        return TopK.select(firstStageScores, r);
    }
}
