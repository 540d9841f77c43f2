package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.instanceretrieval.diffusion.AffinityGraph;
import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.Diffusion;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;

/**
 * Diffusion of Iscen et al. over one window of hits, shared by the per-shard {@code diffusion}
 * rescorer and the global {@code diffusion} retriever so that both compute exactly the same
 * thing: node i is the i-th hit of the window in first-pass order, the affinity graph (k, gamma)
 * is built over the window's vectors, y holds max(s, 0)^gamma of the query's query_k most
 * similar window items, and (I - alpha S) f = y is solved by conjugate gradient (lucene-ext
 * {@link Diffusion}).
 *
 * <p>Memory: {@link #estimatedBytes} bounds what one diffusion holds on the heap (vectors,
 * neighbour lists, graph, solver vectors, one block of similarity scores); {@link #reserve}
 * accounts it on a circuit breaker (normally the request breaker) before the work starts, so a
 * window too large for the node's budget fails with a {@code CircuitBreakingException} (HTTP 429)
 * instead of exhausting the heap.
 */
public final class WindowDiffusion {

    /** Largest window (rescore window_size or retriever rank_window_size), as index.max_result_window's default. */
    public static final int MAX_WINDOW = 10_000;

    /**
     * Exact neighbour search in the calling thread: no fork-join pool behind Elasticsearch's
     * thread pools. Its results do not depend on the thread count.
     */
    private static final ExactNeighbourSearch SEARCH = new ExactNeighbourSearch(ScoreKernels.best(), 1);

    private WindowDiffusion() {}

    /**
     * Diffuses {@code query} over the window's vectors (one per hit, in first-pass order, all of
     * the query's dimension).
     */
    public static CgSolution diffuse(float[][] windowVectors, float[] query, DiffusionParameters p) {
        AffinityGraph graph = AffinityGraph.build(windowVectors, new GraphParameters(p.k(), p.gamma()), SEARCH);
        Diffusion diffusion = new Diffusion(windowVectors, graph, new QueryWeighting(p.queryK(), p.gamma()),
            new ConjugateGradient(p.alpha(), p.tolerance(), p.maxIterations()), SEARCH);
        return diffusion.diffuse(query);
    }

    /**
     * Upper estimate of the heap one diffusion over {@code n} window items of {@code dims}
     * dimensions with {@code k} neighbours holds: the vectors twice (as read and as prepared for
     * the search, 8 n dims), neighbour lists and the graph's CSR arrays (about 40 bytes per
     * edge, at most n min(k, n) edges), the solver's vectors (8 doubles per node) and one block
     * of {@value ExactNeighbourSearch#QUERY_BLOCK} rows of similarity scores (256 n).
     */
    public static long estimatedBytes(int n, int dims, int k) {
        long nodes = n;
        long edges = nodes * Math.min(k, Math.max(n - 1, 1));
        return 8L * nodes * dims + 40L * edges + 64L * nodes + 4L * ExactNeighbourSearch.QUERY_BLOCK * nodes + 1024;
    }

    /**
     * Accounts {@link #estimatedBytes} on {@code breaker}; close the result to release it.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException if the breaker's limit would be exceeded
     */
    public static Releasable reserve(CircuitBreaker breaker, int n, int dims, int k, String label) {
        long bytes = estimatedBytes(n, dims, k);
        breaker.addEstimateBytesAndMaybeBreak(bytes, "<" + label + " window of " + n + " x " + dims + ", k " + k + ">");
        return () -> breaker.addWithoutBreaking(-bytes);
    }
}
