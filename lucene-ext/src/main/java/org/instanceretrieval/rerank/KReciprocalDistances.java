package org.instanceretrieval.rerank;

import org.instanceretrieval.math.RankingOrder;

/**
 * The distances {@link KReciprocal} computes from a query to each item of a window, in window order: the Jaccard distance
 * of their k-reciprocal encodings, the original distance (row-normalised squared Euclidean distance of the L2-normalised
 * vectors) and the final distance {@code (1 - lambda) jaccard + lambda original}. Immutable (the arrays are copied out).
 */
public final class KReciprocalDistances {

    private final double[] jaccard;
    private final double[] original;
    private final double[] distance;

    KReciprocalDistances(double[] jaccard, double[] original, double[] distance) {
        this.jaccard = jaccard;
        this.original = original;
        this.distance = distance;
    }

    /** The number of window items. */
    public int size() {
        return distance.length;
    }

    /** Jaccard distance of the query's and item i's k-reciprocal encodings, in [0, 1]. */
    public double jaccard(int i) {
        return jaccard[i];
    }

    /** The original distance of item i to the query, normalised by the query row's largest distance, in [0, 1]. */
    public double original(int i) {
        return original[i];
    }

    /** The final distance of item i: {@code (1 - lambda) jaccard(i) + lambda original(i)}. */
    public double distance(int i) {
        return distance[i];
    }

    /** The final distances, a copy. */
    public double[] distances() {
        return distance.clone();
    }

    /** Window indices by final distance ascending, ties by window index ascending. */
    public int[] ranking() {
        double[] negated = new double[distance.length];
        for (int i = 0; i < negated.length; i++) {
            negated[i] = -distance[i];
        }
        return RankingOrder.rank(negated);
    }
}
