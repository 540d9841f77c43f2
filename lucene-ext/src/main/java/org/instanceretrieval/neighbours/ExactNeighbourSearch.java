package org.instanceretrieval.neighbours;

import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.math.TopK;
import org.instanceretrieval.math.VectorMath;

/**
 * Exact (exhaustive) {@link NeighbourSearch}: every similarity is computed, by the blocked
 * SIMD {@link ScoreKernel} of the {@code math} package ({@link ScoreKernels#best()} by default),
 * and each query row's {@code k} best are selected with a bounded heap ({@link TopK}).
 *
 * <p>{@link #prepare} copies the database once into the kernel's layout (and keeps a row-major
 * copy as the queries of all-vs-all search: two copies in all). A single query
 * ({@link NeighbourSearch.Prepared#nearest}) scores one row against it; all-vs-all
 * ({@link NeighbourSearch.Prepared#allNearest}: the diffusion graph with self excluded, alpha-DBA with
 * self included) scores blocks of {@value #QUERY_BLOCK} database rows at a time (fewer when a
 * block's scores would exceed {@link ParallelBlocks#MAX_BLOCK_SCORES}), the blocks
 * spread over {@code threads} dedicated threads or, by default, the common fork-join pool
 * plus the calling thread ({@link ParallelBlocks}). Cost {@code O(N d)} per query,
 * {@code O(N^2 d)} for all-vs-all.
 *
 * <p>Determinism: each row's neighbours depend only on that row's scores, and each score
 * {@code dot(query, row)} is computed the same way whatever the block or the thread (the
 * kernels accumulate each pair in a fixed order), so the result is independent of the
 * schedule and exact ties (duplicate vectors) resolve to the lower index. Scores agree with
 * {@code VectorUtil.dotProduct} up to float rounding; {@code -0.0f} is stored as
 * {@code 0.0f}. Immutable and thread-safe.
 */
public final class ExactNeighbourSearch implements NeighbourSearch {

    /** Database rows scored together per task in all-vs-all search. */
    public static final int QUERY_BLOCK = 64;
    /**
     * Largest database whose single-threaded all-vs-all search scores only the upper triangle
     * and mirrors it (an n x n float matrix: 16 MiB at this size); e.g. the diffusion
     * rescorer's window graph. Larger or multi-threaded searches score every pair.
     */
    public static final int SYMMETRIC_MAX_ROWS = 2048;

    private final ScoreKernel kernel;
    private final int threads;

    /**
     * @param kernel the scoring kernel, not null (e.g. {@link ScoreKernels#scalar()})
     * @param threads {@link ParallelBlocks#COMMON_POOL} (0) for the common fork-join pool, or the
     *     number of dedicated threads for all-vs-all search (1 runs in the calling thread)
     * @throws IllegalArgumentException if {@code kernel} is null or {@code threads < 0}
     */
    public ExactNeighbourSearch(ScoreKernel kernel, int threads) {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel must not be null");
        }
        if (threads < 0) {
            throw new IllegalArgumentException(
                "threads must be at least 1, or " + ParallelBlocks.COMMON_POOL + " for the common pool, got [" + threads + "]");
        }
        this.kernel = kernel;
        this.threads = threads;
    }

    /**
     * The default search: the fastest kernel of this JVM ({@link ScoreKernels#best()}),
     * all-vs-all search on the common fork-join pool.
     *
     * @return a new search
     */
    public static ExactNeighbourSearch defaults() {
        return new ExactNeighbourSearch(ScoreKernels.best(), ParallelBlocks.COMMON_POOL);
    }

    @Override
    public Prepared prepare(float[][] database) {
        VectorMath.requireFiniteRows(database, "database vector");
        int n = database.length;
        // Zero-dimensional vectors score 0 against everything, as zeros of dimension 1 do:
        // the kernels need a dimension of at least 1.
        int dim = n == 0 ? 0 : Math.max(1, database[0].length);
        if ((long) n * dim > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("database of [" + n + "] vectors of dimension [" + dim + "] exceeds an array's capacity");
        }
        float[] flat = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(database[i], 0, flat, i * dim, database[i].length);
        }
        ScoreKernel.Prepared prepared = n > 0 ? kernel.prepare(flat, n, dim) : null;
        return new PreparedDatabase(flat, n, n == 0 ? 0 : database[0].length, prepared);
    }

    @Override
    public String toString() {
        return "ExactNeighbourSearch[" + kernel + ", threads=" + (threads == ParallelBlocks.COMMON_POOL ? "common pool" : threads) + "]";
    }

    private final class PreparedDatabase implements Prepared {
        /** The rows, row-major (the queries of all-vs-all search). */
        private final float[] flat;
        private final int n;
        /** The vectors' dimension as given (the kernel's is at least 1). */
        private final int dim;
        /** The kernel's layout; null for an empty database. */
        private final ScoreKernel.Prepared prepared;

        PreparedDatabase(float[] flat, int n, int dim, ScoreKernel.Prepared prepared) {
            this.flat = flat;
            this.n = n;
            this.dim = dim;
            this.prepared = prepared;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Neighbours nearest(float[] query, int k) {
            if (query == null) {
                throw new IllegalArgumentException("query vector is null");
            }
            if (n > 0 && query.length != dim) {
                throw new IllegalArgumentException("query has dimension [" + query.length + "] but database vectors have dimension [" + dim + "]");
            }
            VectorMath.requireFinite(query, "query");
            requireK(k);
            float[] scores = new float[n];
            if (prepared != null) {
                kernel.scoreBlock(dim == 0 ? new float[1] : query, 0, 1, prepared, scores);
            }
            return select(scores, 0, -1, Math.min(k, n));
        }

        @Override
        public Neighbours[] allNearest(int k, Self self) {
            requireK(k);
            if (self == null) {
                throw new IllegalArgumentException("self treatment must not be null");
            }
            boolean excludeSelf = self == Self.EXCLUDED;
            int kept = Math.max(0, Math.min(k, excludeSelf ? n - 1 : n));
            Neighbours[] result = new Neighbours[n];
            if (n > 0 && threads == 1 && n <= SYMMETRIC_MAX_ROWS) {
                float[] scores = symmetricScores();
                for (int row = 0; row < n; row++) {
                    result[row] = select(scores, row * n, excludeSelf ? row : -1, kept);
                }
            } else if (n > 0) {
                ParallelBlocks.scoreRows(kernel, flat, n, prepared, QUERY_BLOCK, threads, "exact-neighbour-search",
                    (row, scores, offset) -> result[row] = select(scores, offset, excludeSelf ? row : -1, kept));
            }
            return result;
        }

        /**
         * The full n x n score matrix from its upper triangle: block by block, each block of
         * rows scored against the rows from its first one on, every score mirrored. Exact:
         * the kernels compute score(a, b) and score(b, a) with the same sequence of
         * fused multiply-adds (multiplication commutes), so the matrix equals the one of
         * scoring every pair, at half the work.
         */
        private float[] symmetricScores() {
            float[] scores = new float[n * n];
            int block = ParallelBlocks.rowsPerBlock(QUERY_BLOCK, n);
            float[] buffer = new float[block * n];
            for (int first = 0; first < n; first += block) {
                int count = Math.min(block, n - first);
                kernel.scoreBlockFrom(flat, first, count, prepared, buffer, first);
                for (int q = 0; q < count; q++) {
                    int row = first + q;
                    for (int j = first; j < n; j++) {
                        float s = buffer[q * n + j];
                        scores[row * n + j] = s;
                        scores[j * n + row] = s;
                    }
                }
            }
            return scores;
        }

        /** Top {@code k} of the score row at {@code offset}, skipping index {@code skip} (-1: none). */
        private Neighbours select(float[] scores, int offset, int skip, int k) {
            TopK top = new TopK(k);
            for (int j = 0; j < n; j++) {
                if (j != skip) {
                    // + 0f turns -0f into 0f (equal scores, one representation)
                    top.offer(j, scores[offset + j] + 0f);
                }
            }
            return Neighbours.drain(top);
        }
    }

    private static void requireK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("number of neighbours must be >= 0 but was [" + k + "]");
        }
    }
}
