package org.instanceretrieval.neighbours;

import java.util.Arrays;
import org.instanceretrieval.math.RankingOrder;
import org.instanceretrieval.math.TopK;
import org.instanceretrieval.math.VectorMath;

/**
 * The ranked neighbours of one vector: ids into a vector collection and their similarity
 * scores, in the ranking order of the retrieval definitions ("Determinism",
 * {@link RankingOrder}): score descending, then id ascending. The order is validated so that
 * everything built on a list (query expansion, database-side augmentation, the diffusion
 * graph and query vector) is deterministic. Immutable; the array accessors return copies.
 */
public final class Neighbours {

    private final int[] ids;
    private final float[] scores;

    /**
     * @param ids    neighbour ids, each {@code >= 0}, no duplicates; copied
     * @param scores similarity of each neighbour, finite, same length as {@code ids}; copied
     * @throws IllegalArgumentException on a null array, a length mismatch, a negative or
     *     repeated id, a non-finite score, or entries not in ranking order
     */
    public Neighbours(int[] ids, float[] scores) {
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
            if (k > 0 && RankingOrder.ranksBefore(scores[k - 1], ids[k - 1], scores[k], ids[k]) == false) {
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

    /** Trusted: arrays built in ranking order with distinct ids by this package; not copied. */
    private Neighbours(int[] ids, float[] scores, boolean trusted) {
        this.ids = ids;
        this.scores = scores;
    }

    /**
     * The {@code k} best entries of a score row (index = id), in ranking order.
     *
     * @param scores one similarity per item, finite
     * @param k number of neighbours, {@code >= 0}; all items when the row is shorter
     * @return the {@code min(k, scores.length)} best items and their scores
     * @throws IllegalArgumentException if {@code scores} is null or holds a non-finite value,
     *     or {@code k < 0}
     */
    public static Neighbours top(float[] scores, int k) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        VectorMath.requireFinite(scores, "score row");
        if (k < 0) {
            throw new IllegalArgumentException("number of neighbours must be >= 0 but was [" + k + "]");
        }
        TopK top = new TopK(Math.min(k, scores.length));
        for (int j = 0; j < scores.length; j++) {
            top.offer(j, scores[j]);
        }
        return drain(top);
    }

    /** Drains a selector (distinct ids, finite scores) into a list without re-validation. */
    static Neighbours drain(TopK top) {
        int[] ids = new int[top.size()];
        float[] scores = new float[ids.length];
        top.drainInto(ids, scores);
        return new Neighbours(ids, scores, true);
    }

    /** @return the number of neighbours */
    public int size() {
        return ids.length;
    }

    /**
     * @param k 0-based rank, {@code < size()}
     * @return the id of the neighbour at rank {@code k}
     */
    public int id(int k) {
        return ids[k];
    }

    /**
     * @param k 0-based rank, {@code < size()}
     * @return the similarity of the neighbour at rank {@code k}
     */
    public float score(int k) {
        return scores[k];
    }

    /** @return a copy of the ids, in ranking order */
    public int[] ids() {
        return ids.clone();
    }

    /** @return a copy of the scores, in ranking order */
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Neighbours
            && Arrays.equals(ids, ((Neighbours) o).ids)
            && Arrays.equals(scores, ((Neighbours) o).scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Neighbours[");
        for (int k = 0; k < ids.length; k++) {
            b.append(k == 0 ? "" : ", ").append(ids[k]).append(':').append(scores[k]);
        }
        return b.append(']').toString();
    }
}
