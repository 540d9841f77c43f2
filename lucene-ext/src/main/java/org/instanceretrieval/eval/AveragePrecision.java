package org.instanceretrieval.eval;

/**
 * Average precision of one query from the junk-free 0-based positions of its retrieved
 * positives (retrieval definitions, "Evaluation protocols"). The two published variants:
 *
 * <ul>
 *   <li>{@link #trapezoid}: revisitop's {@code compute_ap}, identical (to float precision) to
 *       the original Oxford {@code compute_ap} used for Oxford5k/Paris6k, ROxford/RParis,
 *       INSTRE and Holidays;
 *   <li>{@link #nonInterpolated}: the GPR1200 AP.
 * </ul>
 *
 * <p>Input contract shared by both: {@code positiveRanks} holds, strictly ascending, the
 * positions r_0 &lt; r_1 &lt; ... of the retrieved positives in the ranking <i>after junk
 * documents have been removed</i> (0-based). Positives that were never retrieved are simply
 * absent but are counted in {@code numPositives}. Queries without positives have no AP: the
 * caller excludes them, and {@code numPositives == 0} is rejected.
 */
public final class AveragePrecision {

    private AveragePrecision() {}

    /**
     * Trapezoidal AP (revisitop / Oxford {@code compute_ap}):
     * AP = (1/npos) * sum_j (P0 + P1) / 2 with P0 = 1 if r_j = 0 else j / r_j and
     * P1 = (j + 1) / (r_j + 1).
     *
     * @param positiveRanks junk-free 0-based positions of the retrieved positives, strictly
     *     ascending, non-negative
     * @param numPositives total number of positives of the query (retrieved or not), at least
     *     {@code positiveRanks.length} and at least 1
     * @return AP in [0, 1]
     * @throws IllegalArgumentException if {@code numPositives} is 0 or smaller than the number
     *     of ranks, or the ranks are negative or not strictly ascending
     */
    public static double trapezoid(int[] positiveRanks, int numPositives) {
        validate(positiveRanks, numPositives);
        double sum = 0.0;
        for (int j = 0; j < positiveRanks.length; j++) {
            int r = positiveRanks[j];
            // Precision just before (P0) and just after (P1) the j-th positive's position.
            double precisionBefore = r == 0 ? 1.0 : (double) j / r;
            double precisionAfter = (double) (j + 1) / (r + 1);
            sum += (precisionBefore + precisionAfter) / 2.0;
        }
        return sum / numPositives;
    }

    /**
     * Non-interpolated AP (GPR1200): AP = (1/npos) * sum_j (j + 1) / (r_j + 1), i.e. the mean
     * over all positives of (#positives so far) / (1-based rank), unretrieved positives
     * contributing 0.
     *
     * @param positiveRanks junk-free 0-based positions of the retrieved positives, strictly
     *     ascending, non-negative
     * @param numPositives total number of positives of the query, at least
     *     {@code positiveRanks.length} and at least 1
     * @return AP in [0, 1]
     * @throws IllegalArgumentException under the same conditions as {@link #trapezoid}
     */
    public static double nonInterpolated(int[] positiveRanks, int numPositives) {
        validate(positiveRanks, numPositives);
        double sum = 0.0;
        for (int j = 0; j < positiveRanks.length; j++) {
            sum += (double) (j + 1) / (positiveRanks[j] + 1);
        }
        return sum / numPositives;
    }

    private static void validate(int[] positiveRanks, int numPositives) {
        if (positiveRanks == null) {
            throw new IllegalArgumentException("positiveRanks must not be null");
        }
        if (numPositives <= 0) {
            throw new IllegalArgumentException(
                "numPositives must be positive (queries without positives have no AP), got [" + numPositives + "]");
        }
        if (positiveRanks.length > numPositives) {
            throw new IllegalArgumentException(
                "[" + positiveRanks.length + "] retrieved positives but numPositives is [" + numPositives + "]");
        }
        int previous = -1;
        for (int j = 0; j < positiveRanks.length; j++) {
            int r = positiveRanks[j];
            if (r <= previous) {
                throw new IllegalArgumentException(
                    "positiveRanks must be non-negative and strictly ascending, got [" + r + "] at index " + j
                        + (j > 0 ? " after [" + previous + "]" : ""));
            }
            previous = r;
        }
    }
}
