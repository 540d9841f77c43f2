package org.instanceretrieval.math;

import java.util.Arrays;

/**
 * Validation of sets of item indices held as int arrays (a query's positives, junk, easy or
 * hard sets): the one implementation behind {@link PositiveRanks#checkGroundTruth} and the
 * ground-truth classes of the {@code eval} package. Messages name the set and the offending
 * index; callers add context (e.g. the query).
 */
public final class IndexSets {

    private IndexSets() {}

    /**
     * A sorted copy of {@code indices}, validated.
     *
     * @param indices the set, any order; not modified
     * @param size indices must lie in {@code [0, size)} ({@link Integer#MAX_VALUE}: only
     *     non-negative)
     * @param what name of the set in messages, e.g. {@code "positives"}
     * @return a new array holding the indices in ascending order
     * @throws IllegalArgumentException if {@code indices} is null, or holds a negative,
     *     out-of-range or repeated index
     */
    public static int[] sortedDistinct(int[] indices, int size, String what) {
        if (indices == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            if (sorted[k] < 0) {
                throw new IllegalArgumentException(what + " holds a negative index [" + sorted[k] + "]");
            }
            if (sorted[k] >= size) {
                throw new IllegalArgumentException(what + " holds index [" + sorted[k] + "], outside [0, " + size + ")");
            }
            if (k > 0 && sorted[k] == sorted[k - 1]) {
                throw new IllegalArgumentException(what + " holds index [" + sorted[k] + "] twice");
            }
        }
        return sorted;
    }

    /**
     * Rejects two sorted sets that share an index (e.g. an item both positive and junk, which
     * can push AP above 1 in the reference code; retrieval definitions, "Determinism").
     *
     * @param a first set, ascending
     * @param nameA its name in messages
     * @param b second set, ascending
     * @param nameB its name in messages
     * @throws IllegalArgumentException naming the first shared index and both sets
     */
    public static void requireDisjoint(int[] a, String nameA, int[] b, String nameB) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                throw new IllegalArgumentException("index [" + a[i] + "] is in both " + nameA + " and " + nameB);
            }
            if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
    }
}
