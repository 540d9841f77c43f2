package org.instanceretrieval.diffusion;

import java.util.Arrays;

/**
 * The deterministic ranking rule of the retrieval definitions applied to diffusion scores:
 * score descending, then index ascending (a stable order). After diffusion most items score
 * exactly 0, so this rule decides the tail of the ranking; -0.0 and 0.0 count as equal.
 */
public final class DiffusionRanking {

    private DiffusionRanking() {}

    /**
     * All indices of {@code scores} in ranking order.
     *
     * @throws IllegalArgumentException if a score is NaN
     */
    public static int[] order(double[] scores) {
        int n = scores.length;
        Integer[] ids = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score at index " + i + " is NaN");
            }
            ids[i] = i;
        }
        // comparison operators (not Double.compare) so that -0.0 ties with 0.0
        Arrays.sort(ids, (a, b) -> scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : Integer.compare(a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids[i];
        }
        return out;
    }

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
        TopK top = new TopK(Math.min(r, firstStageScores.length));
        for (int j = 0; j < firstStageScores.length; j++) {
            top.offer(j, firstStageScores[j]);
        }
        return top.drain().ids();
    }
}
