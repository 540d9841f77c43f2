package org.instanceretrieval.graph;

import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.math.TopK;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * The compute of the {@code exact} neighbour-graph build: every row's {@code k} most similar
 * other rows by inner product, all against all, over a collection that arrives in
 * {@link VectorBlock}s and is never held whole.
 *
 * <p>A block of query rows keeps one bounded top-k per row ({@link Rows}); each collection
 * block is scored against it with the blocked SIMD {@link ScoreKernel} and merged in, and
 * partial lists computed elsewhere (another node's shards) can be merged too. The result
 * lists hold global ordinals, in the global rule: similarity descending, then ordinal
 * ascending ({@link org.instanceretrieval.math.RankingOrder}, via {@link TopK}); a row never
 * lists its own ordinal, while exact duplicates at other ordinals are kept. Since the rule
 * is a total order on (similarity, ordinal) and each similarity is computed the same way in
 * any block (the kernels accumulate one pair in a fixed order), the result does not depend on
 * how the collection is split into blocks, their order or the thread schedule: it equals
 * {@link org.instanceretrieval.neighbours.ExactNeighbourSearch} with
 * {@code Self.EXCLUDED} over the whole matrix, ordinals as indices.
 *
 * <p>Memory while a query block of {@code q} rows meets a collection block of {@code c} rows:
 * the two blocks, {@code 8 q k} bytes of heaps, the kernel's copy of the collection block
 * (about {@code 4 c d}) and one score buffer of {@code 4 * 64 * c} bytes per thread. Cost
 * {@code O(N^2 d)} for N rows. Immutable and thread-safe; {@link Rows} is not.
 */
public final class BlockedKnnGraph {

    /** Query rows scored together by one task within a collection block. */
    public static final int ROWS_PER_TASK = 64;

    private final int k;
    private final ScoreKernel kernel;
    private final int threads;
    private final Executor executor;

    /**
     * @param k       neighbours per row, {@code >= 1}
     * @param kernel  scoring kernel, not null (e.g. {@link ScoreKernels#best()})
     * @param threads {@link ParallelBlocks#COMMON_POOL} (0) or the number of dedicated threads
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public BlockedKnnGraph(int k, ScoreKernel kernel, int threads) {
        if (k < 1) {
            throw new IllegalArgumentException("graph parameter [k] must be >= 1 but was [" + k + "]");
        }
        if (kernel == null) {
            throw new IllegalArgumentException("kernel must not be null");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be at least 1, or 0 for the common pool, got [" + threads + "]");
        }
        this.k = k;
        this.kernel = kernel;
        this.threads = threads;
        this.executor = null;
    }

    /**
     * Computes on the calling thread and up to {@code parallelism - 1} helpers of {@code executor} (a pool of the host, e.g. an
     * Elasticsearch thread pool; see {@link ParallelBlocks#run(int, Executor, int, java.util.function.Supplier)}).
     *
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public BlockedKnnGraph(int k, ScoreKernel kernel, Executor executor, int parallelism) {
        if (k < 1) {
            throw new IllegalArgumentException("graph parameter [k] must be >= 1 but was [" + k + "]");
        }
        if (kernel == null || executor == null) {
            throw new IllegalArgumentException("kernel and executor must not be null");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1 but was [" + parallelism + "]");
        }
        this.k = k;
        this.kernel = kernel;
        this.threads = parallelism;
        this.executor = executor;
    }

    /** The fastest kernel of this JVM on the common fork-join pool. */
    public static BlockedKnnGraph withDefaults(int k) {
        return new BlockedKnnGraph(k, ScoreKernels.best(), ParallelBlocks.COMMON_POOL);
    }

    /** Neighbours per row. */
    public int k() {
        return k;
    }

    /** Starts the lists of the rows of {@code queries}; feed it every collection block once. */
    public Rows start(VectorBlock queries) {
        if (queries == null) {
            throw new IllegalArgumentException("query block must not be null");
        }
        return new Rows(queries);
    }

    /** The collection as a sequence of blocks, loaded on demand (e.g. read from a shard). */
    public interface BlockSource {
        /** Number of blocks, {@code >= 0}. */
        int numBlocks();

        /** Block {@code b}; called several times per block, must return the same rows each time. */
        VectorBlock block(int b);
    }

    /** Receives the finished lists of one query block. */
    @FunctionalInterface
    public interface ResultSink {
        /**
         * @param queries the query block
         * @param lists   one list per row of {@code queries}, ids are global ordinals
         */
        void accept(VectorBlock queries, Neighbours[] lists);
    }

    /**
     * All against all over {@code source}: for each block as queries, every block (itself
     * included) is streamed through a {@link Rows}, and the lists go to {@code sink}, block by
     * block. Holds two blocks at a time, so {@code numBlocks^2} block loads.
     *
     * @throws IllegalArgumentException if blocks differ in dimension or an ordinal occurs in two
     *     blocks
     */
    public void build(BlockSource source, ResultSink sink) {
        int numBlocks = source.numBlocks();
        for (int qb = 0; qb < numBlocks; qb++) {
            Rows rows = start(source.block(qb));
            int[][] seen = qb == 0 ? new int[numBlocks][] : null;
            for (int cb = 0; cb < numBlocks; cb++) {
                VectorBlock collection = cb == qb ? rows.queries : source.block(cb);
                rows.add(collection);
                if (seen != null) {
                    seen[cb] = collection.ordinalsView();
                }
            }
            if (seen != null) {
                requireDistinctOrdinals(seen);
            }
            sink.accept(rows.queries, rows.finish());
        }
    }

    private static void requireDistinctOrdinals(int[][] blocks) {
        int total = 0;
        for (int[] b : blocks) {
            total += b.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (int b = 0; b < blocks.length; b++) {
            for (int ordinal : blocks[b]) {
                all[at++] = ((long) ordinal << 32) | b;
            }
        }
        Arrays.sort(all);
        for (int i = 1; i < total; i++) {
            if ((all[i] >>> 32) == (all[i - 1] >>> 32)) {
                throw new IllegalArgumentException("ordinal [" + (all[i] >>> 32) + "] occurs in blocks [" + (int) all[i - 1] + "] and ["
                    + (int) all[i] + "]");
            }
        }
    }

    /**
     * The running top-k lists of one query block. Add each collection block exactly once (a
     * block added twice repeats ordinals, refused by {@link #finish}). Mutable, not
     * thread-safe (it parallelises internally); dropped after {@link #finish}.
     */
    public final class Rows {
        private final VectorBlock queries;
        private final TopK[] tops;

        private Rows(VectorBlock queries) {
            this.queries = queries;
            this.tops = new TopK[queries.size()];
            for (int r = 0; r < tops.length; r++) {
                tops[r] = new TopK(k);
            }
        }

        /**
         * Scores every query row against {@code collection} and merges the results.
         *
         * @throws IllegalArgumentException if the dimensions differ
         */
        public void add(VectorBlock collection) {
            if (collection.dim() != queries.dim()) {
                throw new IllegalArgumentException("collection block has dimension [" + collection.dim() + "] but query block has ["
                    + queries.dim() + "]");
            }
            int n = collection.size();
            ScoreKernel.Prepared prepared = kernel.prepare(collection.vectorsView(), n, collection.dim());
            int[] ordinals = collection.ordinalsView();
            int[] queryOrdinals = queries.ordinalsView();
            float[] queryVectors = queries.vectorsView();
            int numQueries = queries.size();
            int block = ParallelBlocks.rowsPerBlock(ROWS_PER_TASK, n);
            int tasks = (numQueries + block - 1) / block;
            java.util.function.Supplier<java.util.function.IntConsumer> worker = () -> {
                float[] scores = new float[Math.min(block, numQueries) * n];
                return t -> {
                    int first = t * block;
                    int count = Math.min(block, numQueries - first);
                    kernel.scoreBlock(queryVectors, first, count, prepared, scores);
                    for (int q = 0; q < count; q++) {
                        TopK top = tops[first + q];
                        int self = queryOrdinals[first + q];
                        int offset = q * n;
                        for (int c = 0; c < n; c++) {
                            if (ordinals[c] != self) {
                                // + 0f turns -0f into 0f (equal scores, one representation)
                                top.offer(ordinals[c], scores[offset + c] + 0f);
                            }
                        }
                    }
                };
            };
            if (executor != null) {
                ParallelBlocks.run(tasks, executor, threads, worker);
            } else {
                ParallelBlocks.run(tasks, threads, "blocked-knn-graph", worker);
            }
        }

        /**
         * Merges a partial list of query row {@code row} (e.g. its top-k among another node's
         * shards, ids = global ordinals); an entry with the row's own ordinal is skipped.
         *
         * @throws IllegalArgumentException if {@code row} is out of range
         */
        public void merge(int row, Neighbours partial) {
            if (row < 0 || row >= tops.length) {
                throw new IllegalArgumentException("query row [" + row + "] is out of range [0, " + tops.length + ")");
            }
            int self = queries.ordinal(row);
            for (int t = 0; t < partial.size(); t++) {
                if (partial.id(t) != self) {
                    tops[row].offer(partial.id(t), partial.score(t) + 0f);
                }
            }
        }

        /**
         * The lists, one per query row in block order, and empties the heaps.
         *
         * @throws IllegalArgumentException if an ordinal was offered twice to one row
         */
        public Neighbours[] finish() {
            Neighbours[] lists = new Neighbours[tops.length];
            for (int r = 0; r < tops.length; r++) {
                int[] ids = new int[tops[r].size()];
                float[] sims = new float[ids.length];
                tops[r].drainInto(ids, sims);
                lists[r] = new Neighbours(ids, sims);
            }
            return lists;
        }
    }

    @Override
    public String toString() {
        return "BlockedKnnGraph[k=" + k + ", " + kernel + ", threads=" + (executor != null ? threads + " on " + executor
            : threads == ParallelBlocks.COMMON_POOL ? "common pool" : threads) + "]";
    }
}
