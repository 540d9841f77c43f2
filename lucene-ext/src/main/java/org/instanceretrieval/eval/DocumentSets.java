package org.instanceretrieval.eval;

import java.util.Arrays;
import org.instanceretrieval.math.IndexSets;

/** Validation and lookup helpers for sets of document indices held as sorted int arrays. */
final class DocumentSets {

    private DocumentSets() {}

    /**
     * Returns a sorted copy of {@code ids}, rejecting null, negative ids and duplicates
     * ({@link IndexSets#sortedDistinct}) with a message naming the query, the set and the id.
     */
    static int[] sortedUniqueCopy(int[] ids, String queryId, String setName) {
        try {
            return IndexSets.sortedDistinct(ids, Integer.MAX_VALUE, setName);
        } catch (IllegalArgumentException e) {
            throw forQuery(queryId, e);
        }
    }

    /** Throws if the two sorted sets share an id ({@link IndexSets#requireDisjoint}), naming the query, both sets and the id. */
    static void requireDisjoint(int[] a, String nameA, int[] b, String nameB, String queryId) {
        try {
            IndexSets.requireDisjoint(a, nameA, b, nameB);
        } catch (IllegalArgumentException e) {
            throw forQuery(queryId, e);
        }
    }

    private static IllegalArgumentException forQuery(String queryId, IllegalArgumentException e) {
        return new IllegalArgumentException("query [" + queryId + "]: " + e.getMessage(), e);
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
