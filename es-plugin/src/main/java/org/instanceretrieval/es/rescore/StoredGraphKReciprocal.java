package org.instanceretrieval.es.rescore;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.instanceretrieval.es.diffusion.StoredGraphWindow;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.graph.WindowNeighbours;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.rerank.KReciprocal;
import org.instanceretrieval.rerank.KReciprocalDistances;

import java.io.IOException;

/**
 * The {@code k_reciprocal} rescorer on the index's stored neighbour graph, for one shard's window of R hits: the window's ids
 * and stored lists are read as the {@code diffusion} rescorer reads them ({@link StoredGraphWindow#read}: the first
 * {@code storedK} entries of each list, entries naming documents outside the window dropped), the query's row is
 * s(q, i) = q̂ · x_i (q̂ the unit query vector, x_i the indexed vector: R dot products), and lucene-ext's stored-list entry
 * point ({@link KReciprocal#distances(double[], int[][], float[][], Runnable)}) does the rest in O(R L) for lists of L
 * entries. No vector-vector products over the window.
 *
 * <p>Memory ({@link #estimatedBytes}) is reserved on the {@code retrieval} breaker before anything is read, the window's ids
 * ({@link StoredGraphWindow#idBytes}) once they are read; both are released when the distances are computed. Stateless.
 */
final class StoredGraphKReciprocal {

    private StoredGraphKReciprocal() {}

    /**
     * Upper estimate of the heap for a window of {@code r} hits, lists of the first {@code storedK} entries and a query of
     * {@code dims}: lucene-ext's {@link KReciprocal#estimatedStoredListBytes} for lists of L = min(storedK, r - 1) entries,
     * plus 16 r L for the resolved lists and their copies, 96 r for the window's sort keys, similarities and id table, and
     * 8 dims + 1024. Ids excepted.
     */
    static long estimatedBytes(KReciprocal reranking, int r, int storedK, int dims) {
        long l = Math.min(storedK, Math.max(r - 1, 0));
        return reranking.estimatedStoredListBytes(r, (int) l) + 16L * r * l + 96L * r + 8L * dims + 1024;
    }

    /**
     * The distances of the window's hits, in window order.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException when the window does not fit the breaker (429)
     * @throws IllegalArgumentException if the field holds byte vectors or vectors of another dimension than the query's
     * @throws IllegalStateException if a stored list is malformed (naming the document)
     */
    static KReciprocalDistances distances(ScoreDoc[] window, IndexSearcher searcher, String field, float[] query,
                                          KReciprocal reranking, int storedK, MemoryBudget memory, SegmentIdCache segmentIds,
                                          Runnable checkCancelled) throws IOException {
        int r = window.length;
        long bytes = estimatedBytes(reranking, r, storedK, query.length);
        try (Reservation reserved = memory.reserve(bytes, "<" + KReciprocalRescorerBuilder.NAME + " stored-graph window of " + r
            + ", stored k " + storedK + ", k1 " + reranking.k1() + ">")) {
            StoredGraphWindow.StoredLists lists = StoredGraphWindow.read(window, searcher, field, unit(query), storedK,
                KReciprocalRescorerBuilder.NAME, segmentIds, reserved, checkCancelled);
            WindowNeighbours resolved = lists.neighbours();
            double[] querySimilarities = new double[r];
            int[][] neighbours = new int[r][];
            float[][] similarities = new float[r][];
            for (int i = 0; i < r; i++) {
                querySimilarities[i] = lists.similarities()[i];
                neighbours[i] = resolved.neighbours(i);
                similarities[i] = resolved.neighbourSimilarities(i);
            }
            return reranking.distances(querySimilarities, neighbours, similarities, checkCancelled);
        }
    }

    private static float[] unit(float[] x) {
        double norm = 0;
        for (float f : x) {
            norm += (double) f * f;
        }
        float[] u = new float[x.length];
        if (norm > 0) {
            double scale = 1 / Math.sqrt(norm);
            for (int t = 0; t < x.length; t++) {
                u[t] = (float) (x[t] * scale);
            }
        }
        return u;
    }
}
