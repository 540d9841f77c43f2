package org.instanceretrieval.diffusion;

import java.util.Arrays;

/**
 * The nearest neighbours of one vector: database indices and their similarities, ordered by
 * the deterministic rule of the retrieval definitions (similarity descending, then index
 * ascending). Immutable; the accessors return copies.
 */
public final class Neighbours {

    private final int[] ids;
    private final float[] scores;

    /**
     * @param ids    neighbour indices, already in ranking order
     * @param scores their similarities, same length as {@code ids}
     * @throws IllegalArgumentException if the lengths differ or the order is not the deterministic one
     */
    public Neighbours(int[] ids, float[] scores) {
        if (ids.length != scores.length) {
            throw new IllegalArgumentException(
                "neighbour ids have length [" + ids.length + "] but scores have length [" + scores.length + "]");
        }
        for (int t = 1; t < ids.length; t++) {
            if (TopK.ranksBefore(scores[t], ids[t], scores[t - 1], ids[t - 1])) {
                throw new IllegalArgumentException(
                    "neighbours are not ordered by score descending, index ascending at position [" + t + "]");
            }
        }
        this.ids = ids.clone();
        this.scores = scores.clone();
    }

    /** Trusted constructor for arrays built in ranking order by this package; no copy. */
    static Neighbours ofOwned(int[] ids, float[] scores) {
        return new Neighbours(ids, scores, true);
    }

    private Neighbours(int[] ids, float[] scores, boolean owned) {
        this.ids = ids;
        this.scores = scores;
    }

    /** Number of neighbours. */
    public int size() {
        return ids.length;
    }

    /** Index of the neighbour at rank {@code t} (0-based). */
    public int id(int t) {
        return ids[t];
    }

    /** Similarity of the neighbour at rank {@code t} (0-based). */
    public float score(int t) {
        return scores[t];
    }

    /** Copy of the neighbour indices in ranking order. */
    public int[] ids() {
        return ids.clone();
    }

    /** Copy of the similarities in ranking order. */
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public String toString() {
        return "Neighbours" + Arrays.toString(ids);
    }
}
