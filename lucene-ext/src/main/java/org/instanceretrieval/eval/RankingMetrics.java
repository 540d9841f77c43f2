package org.instanceretrieval.eval;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * Per-query quantities read off a ranking (retrieval definitions, "Evaluation protocols").
 * A ranking is an {@code int[]} of document indices, best first, possibly shorter than the
 * collection (documents absent from it were not retrieved).
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    /**
     * Junk-free 0-based positions of the positives in {@code ranking}: the ranking is walked,
     * junk documents are skipped entirely (they do not occupy a position), and the position of
     * each positive among the remaining documents is recorded. This is exactly revisitop's
     * "decrease positions of positives by the number of junk images before them".
     *
     * @param ranking document indices in ranking order
     * @param isPositive whether a document is a positive of the query
     * @param isJunk whether a document is junk for the query (never tested for positives'
     *     documents when the sets are disjoint, as {@link QueryGroundTruth} guarantees)
     * @return the positions, strictly ascending, suitable for {@link AveragePrecision}
     */
    public static int[] junkFreePositivePositions(int[] ranking, IntPredicate isPositive, IntPredicate isJunk) {
        if (ranking == null) {
            throw new IllegalArgumentException("ranking must not be null");
        }
        int[] positions = new int[8];
        int found = 0;
        int position = 0;
        for (int document : ranking) {
            if (isJunk.test(document)) {
                continue;
            }
            if (isPositive.test(document)) {
                if (found == positions.length) {
                    positions = Arrays.copyOf(positions, 2 * found);
                }
                positions[found++] = position;
            }
            position++;
        }
        return Arrays.copyOf(positions, found);
    }

    /** {@link #junkFreePositivePositions(int[], IntPredicate, IntPredicate)} for a query's ground truth. */
    public static int[] junkFreePositivePositions(int[] ranking, QueryGroundTruth query) {
        return junkFreePositivePositions(ranking, query::isPositive, query::isJunk);
    }

    /**
     * Precision at k as revisitop defines it for mP@k: with 1-based junk-free positions p_j of
     * the retrieved positives, kq = min(last retrieved positive position, k) and
     * P@k = #{j : p_j &lt;= kq} / kq. When no positive was retrieved (only possible with a
     * truncated ranking; revisitop assumes full rankings) the value is 0.
     *
     * @param positivePositions junk-free 0-based positions, strictly ascending (as returned by
     *     {@link #junkFreePositivePositions})
     * @param k the cut-off, at least 1
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public static double precisionAtK(int[] positivePositions, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got [" + k + "]");
        }
        if (positivePositions.length == 0) {
            return 0.0;
        }
        int lastPosition = positivePositions[positivePositions.length - 1] + 1;
        int kq = Math.min(lastPosition, k);
        int count = 0;
        for (int p : positivePositions) {
            if (p + 1 <= kq) {
                count++;
            }
        }
        return (double) count / kq;
    }

    /**
     * Checks a ranking: not null, every index in {@code [0, numDocuments)}, no index twice
     * (a repeated positive would be counted twice and could push AP above 1).
     *
     * @throws IllegalArgumentException naming the query and the offending index
     */
    public static void requireValidRanking(int[] ranking, int numDocuments, String queryId) {
        if (ranking == null) {
            throw new IllegalArgumentException("query [" + queryId + "]: ranking must not be null");
        }
        BitSet seen = new BitSet(numDocuments);
        for (int i = 0; i < ranking.length; i++) {
            int document = ranking[i];
            if (document < 0 || document >= numDocuments) {
                throw new IllegalArgumentException(
                    "query [" + queryId + "]: ranking position [" + i + "] holds document [" + document
                        + "], out of range for [" + numDocuments + "] documents");
            }
            if (seen.get(document)) {
                throw new IllegalArgumentException(
                    "query [" + queryId + "]: document [" + document + "] appears twice in the ranking");
            }
            seen.set(document);
        }
    }
}
