package org.instanceretrieval.math;

import java.util.Arrays;

/**
 * Where the positives of one query land in its ranking, without sorting the collection.
 *
 * <p>Ranking order (retrieval definitions, "Determinism"): score descending, then index
 * ascending; scores compare numerically ({@code -0.0f} ties with {@code 0.0f}). The position
 * of positive {@code p} is {@code #{i : s_i > s_p or (s_i == s_p and i < p)}} minus the junk
 * items counted in that set, i.e. its 0-based position once junk is removed from the ranking
 * (revisitop's AP skips junk entirely). This is exactly what a full stable sort followed by a
 * walk would give, in O(N * npos / lanes) for the counting plus O(npos * njunk) for the junk.
 */
public final class PositiveRanks {

    private PositiveRanks() {}

    /**
     * Junk-free 0-based positions of the positives of one query, ascending: the input of
     * {@code AveragePrecision}. Uses {@link ScoreKernels#best()}.
     *
     * @param scores one score per collection item (index = item position), no NaN
     * @param positives indices of the query's positives, distinct, in range; may be empty
     * @param junk indices of the items to ignore, distinct, in range, disjoint from the
     *     positives; may be empty or null
     * @return a new array of {@code positives.length} strictly ascending positions
     * @throws IllegalArgumentException on NaN scores or invalid ground truth (see
     *     {@link #checkGroundTruth})
     */
    public static int[] junkFreePositions(float[] scores, int[] positives, int[] junk) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        return junkFreePositions(ScoreKernels.best(), scores, 0, scores.length, positives, junk);
    }

    /**
     * As {@link #junkFreePositions(float[], int[], int[])}, for the score row
     * {@code scores[offset .. offset + length)} (e.g. one query of a scored block) and an
     * explicit kernel. Item indices are relative to the row.
     *
     * @param kernel the kernel that counts, not null
     * @param scores array holding the score row, no NaN within the row
     * @param offset start of the row in {@code scores}
     * @param length row length (the collection size)
     * @param positives row indices of the query's positives, distinct, in {@code [0, length)}
     * @param junk row indices to ignore, distinct, in range, disjoint from the positives; may
     *     be empty or null
     * @return a new array of {@code positives.length} strictly ascending junk-free positions
     * @throws IllegalArgumentException if the row does not fit the array, holds a NaN, or the
     *     ground truth is invalid
     */
    public static int[] junkFreePositions(ScoreKernel kernel, float[] scores, int offset, int length, int[] positives, int[] junk) {
        if (kernel == null || scores == null) {
            throw new IllegalArgumentException("kernel and scores must not be null");
        }
        if (offset < 0 || length < 0 || (long) offset + length > scores.length) {
            throw new IllegalArgumentException(
                "score row [" + offset + ", " + offset + " + " + length + ") does not fit an array of length [" + scores.length + "]");
        }
        checkGroundTruth(positives, junk, length);
        for (int i = 0; i < length; i++) {
            if (Float.isNaN(scores[offset + i])) {
                throw new IllegalArgumentException("score of item [" + i + "] is NaN");
            }
        }
        int[] positions = new int[positives.length];
        kernel.countAhead(scores, offset, length, positives, positions);
        if (junk != null && junk.length > 0) {
            for (int k = 0; k < positives.length; k++) {
                int p = positives[k];
                float sp = scores[offset + p];
                int junkAhead = 0;
                for (int j : junk) {
                    float sj = scores[offset + j];
                    if (sj > sp || (sj == sp && j < p)) {
                        junkAhead++;
                    }
                }
                positions[k] -= junkAhead;
            }
        }
        // Distinct items have distinct positions in a total order, so this is strictly ascending.
        Arrays.sort(positions);
        return positions;
    }

    /**
     * Validates one query's ground truth against a collection of {@code numItems} items:
     * positives non-null, every index in {@code [0, numItems)}, no index repeated within a
     * list, and no item both positive and junk (the reference code would then report an AP
     * above 1; retrieval definitions, "Determinism").
     *
     * @param positives positive indices, not null
     * @param junk junk indices, may be null
     * @param numItems collection size
     * @throws IllegalArgumentException naming the offending index
     */
    public static void checkGroundTruth(int[] positives, int[] junk, int numItems) {
        if (positives == null) {
            throw new IllegalArgumentException("positives must not be null");
        }
        int[] sortedPositives = sortedInRange(positives, numItems, "positive");
        if (junk == null) {
            return;
        }
        int[] sortedJunk = sortedInRange(junk, numItems, "junk");
        for (int j : sortedJunk) {
            if (Arrays.binarySearch(sortedPositives, j) >= 0) {
                throw new IllegalArgumentException("item [" + j + "] is both a positive and junk");
            }
        }
    }

    private static int[] sortedInRange(int[] indices, int numItems, String what) {
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            if (sorted[k] < 0 || sorted[k] >= numItems) {
                throw new IllegalArgumentException(what + " index [" + sorted[k] + "] is outside [0, " + numItems + ")");
            }
            if (k > 0 && sorted[k] == sorted[k - 1]) {
                throw new IllegalArgumentException(what + " index [" + sorted[k] + "] is listed twice");
            }
        }
        return sorted;
    }
}
