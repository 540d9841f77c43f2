package org.instanceretrieval.eval;

import java.util.Arrays;
import org.apache.lucene.util.NumericUtils;

/**
 * The project's deterministic ranking rule (retrieval definitions, "Determinism"): documents
 * are ordered by <b>score descending, then document index ascending</b>, i.e. a stable sort
 * on descending score. numpy's default {@code argsort} is not stable, so with tied scores
 * (common after diffusion, where most items score exactly 0) the public evaluators disagree;
 * this rule removes the ambiguity.
 *
 * <p>{@code -0.0f} and {@code 0.0f} are equal scores (they tie and are ordered by index).
 * Infinite scores are allowed and sort like any other value; NaN scores are rejected.
 */
public final class RankingOrder {

    private RankingOrder() {}

    /**
     * Ranks all documents.
     *
     * @param scores one score per document (index = document position); not null, no NaN
     * @return the document indices in ranking order: score descending, then index ascending;
     *     a new array of length {@code scores.length} (empty for empty input)
     * @throws IllegalArgumentException if {@code scores} is null or holds a NaN
     */
    public static int[] rank(float[] scores) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("score of document [" + i + "] is NaN");
            }
            // + 0.0f turns -0.0f into 0.0f so that the two zeros tie.
            int sortable = NumericUtils.floatToSortableInt(s + 0.0f);
            // High word: ~sortable reverses the (signed) order -> descending score.
            // Low word: the index, non-negative -> ascending index among equal scores.
            keys[i] = ((long) ~sortable << 32) | (i & 0xFFFFFFFFL);
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }
}
