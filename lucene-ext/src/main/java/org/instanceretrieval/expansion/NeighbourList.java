package org.instanceretrieval.expansion;

import java.util.Arrays;

/**
 * The ranked neighbours of one item: ids into a vector collection and their similarity scores,
 * in the ranking order of the retrieval definitions ("Determinism"): score descending, then id
 * ascending. Immutable; the order is validated so that every expansion built on it is
 * deterministic.
 */
public final class NeighbourList {

    private final int[] ids;
    private final float[] scores;

    /**
     * @param ids    neighbour ids, each {@code >= 0}, no duplicates; copied
     * @param scores similarity of each neighbour, finite, same length as {@code ids}; copied
     * @throws IllegalArgumentException on a length mismatch, a negative or repeated id, a
     *                                  non-finite score, or entries not in ranking order
     */
    public NeighbourList(int[] ids, float[] scores) {
        if (ids == null || scores == null) {
            throw new IllegalArgumentException("neighbour ids and scores must not be null");
        }
        if (ids.length != scores.length) {
            throw new IllegalArgumentException("[" + ids.length + "] neighbour ids but [" + scores.length + "] scores");
        }
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0) {
                throw new IllegalArgumentException("neighbour id [" + ids[k] + "] at rank " + k + " is negative");
            }
            if (Float.isFinite(scores[k]) == false) {
                throw new IllegalArgumentException("neighbour score [" + scores[k] + "] at rank " + k + " is not finite");
            }
            if (k > 0 && (scores[k] > scores[k - 1] || (scores[k] == scores[k - 1] && ids[k] <= ids[k - 1]))) {
                throw new IllegalArgumentException(
                    "neighbours not in ranking order (score descending, then id ascending) at rank " + k + ": id [" + ids[k - 1]
                        + "] score [" + scores[k - 1] + "] then id [" + ids[k] + "] score [" + scores[k] + "]");
            }
        }
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        for (int k = 1; k < sorted.length; k++) {
            if (sorted[k] == sorted[k - 1]) {
                throw new IllegalArgumentException("neighbour id [" + sorted[k] + "] occurs more than once");
            }
        }
        this.ids = ids.clone();
        this.scores = scores.clone();
    }

    /** Number of neighbours. */
    public int size() {
        return ids.length;
    }

    /** Id of the neighbour at 0-based rank {@code k}. */
    public int id(int k) {
        return ids[k];
    }

    /** Score of the neighbour at 0-based rank {@code k}. */
    public float score(int k) {
        return scores[k];
    }

    /** A copy of the ids, in ranking order. */
    public int[] ids() {
        return ids.clone();
    }

    /** A copy of the scores, in ranking order. */
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NeighbourList
            && Arrays.equals(ids, ((NeighbourList) o).ids)
            && Arrays.equals(scores, ((NeighbourList) o).scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("NeighbourList[");
        for (int k = 0; k < ids.length; k++) {
            b.append(k == 0 ? "" : ", ").append(ids[k]).append(':').append(scores[k]);
        }
        return b.append(']').toString();
    }
}
