package org.instanceretrieval.expansion;

import org.apache.lucene.util.VectorUtil;
import org.instanceretrieval.math.VectorMath;

import java.util.PriorityQueue;

/**
 * Exact (brute-force) nearest neighbours by dot product, the similarity of L2-normalised
 * descriptors, computed with Lucene's {@link VectorUtil#dotProduct(float[], float[])}. Results
 * are in the ranking order of the retrieval definitions: score descending, then id ascending.
 * Cost {@code O(N d)} per query, {@code O(N^2 d)} for {@link #ofEachItem}: meant for small
 * collections and as the reference for approximate searches.
 */
public final class ExactNeighbours {

    private ExactNeighbours() {}

    /**
     * The {@code min(k, N)} database vectors most similar to {@code query}.
     *
     * @param database vectors, all of the query's dimension, finite (may be empty: no neighbours); not modified
     * @param query    the query vector, finite
     * @param k        number of neighbours, {@code >= 0}
     * @throws IllegalArgumentException on a negative {@code k}, a dimension mismatch or a non-finite value
     */
    public static NeighbourList search(float[][] database, float[] query, int k) {
        requireDatabase(database);
        if (query == null) {
            throw new IllegalArgumentException("query vector is null");
        }
        if (database.length > 0) {
            VectorMath.requireSameDimension(query, database[0], "query", "database vectors");
        }
        VectorMath.requireFinite(query, "query");
        if (k < 0) {
            throw new IllegalArgumentException("number of neighbours must be >= 0 but was [" + k + "]");
        }
        return topK(database, query, k);
    }

    /**
     * The {@code min(k, N)} nearest neighbours of every database vector among the database
     * itself; the item itself is not excluded (for L2-normalised vectors it is normally first,
     * with score 1, unless an exact duplicate with a lower id ties with it).
     *
     * @param database vectors of one dimension, finite (may be empty); not modified
     * @param k        number of neighbours per item, {@code >= 0}
     * @return one list per database vector, in database order
     * @throws IllegalArgumentException on a negative {@code k}, a ragged database or a non-finite value
     */
    public static NeighbourList[] ofEachItem(float[][] database, int k) {
        requireDatabase(database);
        if (k < 0) {
            throw new IllegalArgumentException("number of neighbours must be >= 0 but was [" + k + "]");
        }
        NeighbourList[] lists = new NeighbourList[database.length];
        for (int i = 0; i < database.length; i++) {
            lists[i] = topK(database, database[i], k);
        }
        return lists;
    }

    private static NeighbourList topK(float[][] database, float[] query, int k) {
        int size = Math.min(k, database.length);
        float[] scores = new float[database.length];
        for (int i = 0; i < database.length; i++) {
            // + 0f turns -0f into 0f, so equal scores compare equal in the ranking order
            scores[i] = VectorUtil.dotProduct(query, database[i]) + 0f;
        }
        // min-heap of the current best, worst (lowest score, then highest id) on top
        PriorityQueue<Integer> best = new PriorityQueue<>(Math.max(1, size), (a, b) -> {
            int byScore = Float.compare(scores[a], scores[b]);
            return byScore != 0 ? byScore : Integer.compare(b, a);
        });
        for (int i = 0; i < database.length && size > 0; i++) {
            if (best.size() < size) {
                best.add(i);
            } else {
                int worst = best.peek();
                // i is larger than every id seen so far, so on a tie it loses
                if (scores[i] > scores[worst]) {
                    best.poll();
                    best.add(i);
                }
            }
        }
        int[] ids = new int[best.size()];
        float[] top = new float[ids.length];
        for (int r = ids.length - 1; r >= 0; r--) {
            ids[r] = best.poll();
            top[r] = scores[ids[r]];
        }
        return new NeighbourList(ids, top);
    }

    static void requireDatabase(float[][] database) {
        if (database == null) {
            throw new IllegalArgumentException("database is null");
        }
        for (int i = 0; i < database.length; i++) {
            if (database[i] == null) {
                throw new IllegalArgumentException("database vector " + i + " is null");
            }
            VectorMath.requireSameDimension(database[i], database[0], "database vector " + i, "database vector 0");
            VectorMath.requireFinite(database[i], "database vector " + i);
        }
    }
}
