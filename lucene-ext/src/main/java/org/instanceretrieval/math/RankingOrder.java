package org.instanceretrieval.math;

import java.util.Arrays;
import org.apache.lucene.util.NumericUtils;

/**
 * The project's deterministic ranking rule (retrieval definitions, "Determinism"): documents
 * are ordered by <b>score descending, then document index ascending</b>, i.e. a stable sort
 * on descending score. numpy's default {@code argsort} is not stable, so with tied scores
 * (common after diffusion, where most items score exactly 0) the public evaluators disagree;
 * this rule removes the ambiguity. This class is the single definition of the rule: full
 * rankings ({@link #rank(float[])}, {@link #rank(double[])}), pairwise comparison
 * ({@link #ranksBefore(float, int, float, int)}) for heaps and order checks, and through it
 * {@link TopK}.
 *
 * <p>{@code -0.0} and {@code 0.0} are equal scores (they tie and are ordered by index).
 * Infinite scores are allowed and sort like any other value; NaN scores are rejected by
 * {@code rank} and must not be passed to {@code ranksBefore}.
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

    /**
     * Ranks all documents by double scores (e.g. diffusion's f), same rule as
     * {@link #rank(float[])}.
     *
     * @param scores one score per document (index = document position); not null, no NaN
     * @return the document indices in ranking order: score descending, then index ascending;
     *     a new array of length {@code scores.length} (empty for empty input)
     * @throws IllegalArgumentException if {@code scores} is null or holds a NaN
     */
    public static int[] rank(double[] scores) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        int n = scores.length;
        Integer[] ids = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score of document [" + i + "] is NaN");
            }
            ids[i] = i;
        }
        // A double and its index do not fit one long key: sort boxed indices with the rule.
        Arrays.sort(ids, (a, b) -> ranksBefore(scores[a], a, scores[b], b) ? -1 : ranksBefore(scores[b], b, scores[a], a) ? 1 : 0);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /**
     * True when the entry (scoreA, indexA) ranks strictly before (scoreB, indexB): a higher
     * score, or an equal score (numerically: {@code -0.0f == 0.0f}) and a lower index.
     *
     * @param scoreA score of the first entry, not NaN
     * @param indexA index of the first entry
     * @param scoreB score of the second entry, not NaN
     * @param indexB index of the second entry
     * @return whether the first entry comes first in the ranking
     */
    public static boolean ranksBefore(float scoreA, int indexA, float scoreB, int indexB) {
        return scoreA > scoreB || (scoreA == scoreB && indexA < indexB);
    }

    /**
     * As {@link #ranksBefore(float, int, float, int)} for double scores.
     *
     * @param scoreA score of the first entry, not NaN
     * @param indexA index of the first entry
     * @param scoreB score of the second entry, not NaN
     * @param indexB index of the second entry
     * @return whether the first entry comes first in the ranking
     */
    public static boolean ranksBefore(double scoreA, int indexA, double scoreB, int indexB) {
        return scoreA > scoreB || (scoreA == scoreB && indexA < indexB);
    }
}
