package org.instanceretrieval.eval;

import java.util.Arrays;

/** Validation and lookup helpers for sets of document indices held as sorted int arrays. */
final class DocumentSets {

    private DocumentSets() {}

    /**
     * Returns a sorted copy of {@code ids}, rejecting null, negative ids and duplicates with a
     * message naming the query, the set and the offending id.
     */
    static int[] sortedUniqueCopy(int[] ids, String queryId, String setName) {
        if (ids == null) {
            throw new IllegalArgumentException("query [" + queryId + "]: " + setName + " must not be null");
        }
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) {
                throw new IllegalArgumentException(
                    "query [" + queryId + "]: " + setName + " holds a negative document id [" + sorted[i] + "]");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(
                    "query [" + queryId + "]: " + setName + " holds document id [" + sorted[i] + "] twice");
            }
        }
        return sorted;
    }

    /** Throws if the two sorted sets share an id, naming the query, both sets and the id. */
    static void requireDisjoint(int[] a, String nameA, int[] b, String nameB, String queryId) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                throw new IllegalArgumentException(
                    "query [" + queryId + "]: document id [" + a[i] + "] is in both " + nameA + " and " + nameB);
            }
            if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
    }

    /** Sorted union of two sorted, disjoint sets. */
    static int[] union(int[] a, int[] b) {
        int[] merged = new int[a.length + b.length];
        System.arraycopy(a, 0, merged, 0, a.length);
        System.arraycopy(b, 0, merged, a.length, b.length);
        Arrays.sort(merged);
        return merged;
    }

    static boolean contains(int[] sorted, int id) {
        return Arrays.binarySearch(sorted, id) >= 0;
    }
}
