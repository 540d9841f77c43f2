package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.instanceretrieval.math.PositiveRanks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.math.VectorMath;

/**
 * Exhaustive evaluation: every query is scored (inner product) against every collection item,
 * the junk-free positions of its positives are found without sorting the collection
 * ({@link PositiveRanks}), and its AP is computed with the chosen {@link ApFormula}
 * ({@link AveragePrecision}). The ranking rule is {@link RankingOrder}'s: score descending,
 * then item index ascending. Results equal a full stable sort followed by the AP walk.
 *
 * <p>Queries are processed in blocks of {@link #DEFAULT_QUERY_BLOCK} (scored together by the
 * {@link ScoreKernel}; fewer when a block's scores would exceed {@link #MAX_BLOCK_SCORES}),
 * blocks in parallel on a fixed number of threads. Queries may be
 * collection items (GPR1200: the query stays in its own ranking; pass it as a positive).
 * Queries without positives have no AP: their entry is NaN and they are left out of the mean
 * (as revisitop does).
 *
 * <p>Immutable and thread-safe; each {@link #evaluate} call uses its own threads.
 */
public final class FullRankingEvaluator {

    /** Which average precision to compute per query. */
    public enum ApFormula {
        /** revisitop / Oxford {@code compute_ap}: {@link AveragePrecision#trapezoid}. */
        TRAPEZOID,
        /** GPR1200: {@link AveragePrecision#nonInterpolated}. */
        NON_INTERPOLATED
    }

    /** Queries scored together per task: 128 queries x 12,000 items is 6 MiB of scores. */
    public static final int DEFAULT_QUERY_BLOCK = 128;

    /**
     * Cap on one thread's score buffer (2^22 floats, 16 MiB): with large collections the
     * query block shrinks (to 1 query at the least) instead of the heap running out.
     */
    public static final int MAX_BLOCK_SCORES = 1 << 22;

    private final ApFormula formula;
    private final int threads;
    private final ScoreKernel kernel;
    private final int queryBlock;

    /**
     * An evaluator on all available processors with the fastest kernel
     * ({@link ScoreKernels#best()}) and the default query block.
     *
     * @param formula the AP formula, not null
     */
    public FullRankingEvaluator(ApFormula formula) {
        this(formula, Runtime.getRuntime().availableProcessors());
    }

    /**
     * An evaluator on {@code threads} threads with the fastest kernel
     * ({@link ScoreKernels#best()}) and the default query block.
     *
     * @param formula the AP formula, not null
     * @param threads worker threads, at least 1
     */
    public FullRankingEvaluator(ApFormula formula, int threads) {
        this(formula, threads, ScoreKernels.best(), DEFAULT_QUERY_BLOCK);
    }

    /**
     * @param formula the AP formula, not null
     * @param threads worker threads, at least 1 (1 runs in the calling thread)
     * @param kernel the scoring kernel, not null (e.g. {@link ScoreKernels#scalar()})
     * @param queryBlock queries per block, at least 1 (default {@link #DEFAULT_QUERY_BLOCK})
     * @throws IllegalArgumentException on a null or out-of-range argument
     */
    public FullRankingEvaluator(ApFormula formula, int threads, ScoreKernel kernel, int queryBlock) {
        if (formula == null || kernel == null) {
            throw new IllegalArgumentException("formula and kernel must not be null");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got [" + threads + "]");
        }
        if (queryBlock < 1) {
            throw new IllegalArgumentException("queryBlock must be at least 1, got [" + queryBlock + "]");
        }
        this.formula = formula;
        this.threads = threads;
        this.kernel = kernel;
        this.queryBlock = queryBlock;
    }

    /** Per-query AP and their mean. */
    public static final class Result {
        private final double[] perQueryAp;
        private final double meanAp;
        private final int numEvaluated;

        private Result(double[] perQueryAp) {
            this.perQueryAp = perQueryAp;
            double sum = 0.0;
            int n = 0;
            for (double ap : perQueryAp) {
                if (Double.isNaN(ap) == false) {
                    sum += ap;
                    n++;
                }
            }
            this.numEvaluated = n;
            this.meanAp = n == 0 ? Double.NaN : sum / n;
        }

        /** @return the AP of each query, in query order; NaN for a query without positives (a copy) */
        public double[] perQueryAp() {
            return perQueryAp.clone();
        }

        /** @return the mean AP over the queries with positives; NaN when there are none */
        public double meanAp() {
            return meanAp;
        }

        /** @return the number of queries with positives (those in the mean) */
        public int numEvaluated() {
            return numEvaluated;
        }
    }

    /**
     * Evaluates the queries of {@code groundTruth} (query {@code q} is row {@code q} of
     * {@code queries}) against its {@code numDocuments()} collection items, with the
     * positives and junk of each {@link QueryGroundTruth} (validated there).
     *
     * @param queries query vectors, row-major, exactly {@code groundTruth.numQueries() * dim}
     *     floats, finite
     * @param collection collection vectors, row-major, exactly
     *     {@code groundTruth.numDocuments() * dim} floats, finite; may be {@code queries}
     * @param dim vector dimension, at least 1
     * @param groundTruth ground truth, not null, at least one query
     * @return per-query AP (in the ground truth's query order) and mean AP
     * @throws IllegalArgumentException as {@link #evaluate(float[], int, float[], int, int, int[][], int[][])}
     */
    public Result evaluate(float[] queries, float[] collection, int dim, GroundTruth groundTruth) {
        if (groundTruth == null) {
            throw new IllegalArgumentException("groundTruth must not be null");
        }
        int numQueries = groundTruth.numQueries();
        int[][] positives = new int[numQueries][];
        int[][] junk = new int[numQueries][];
        for (int q = 0; q < numQueries; q++) {
            positives[q] = groundTruth.query(q).positives();
            junk[q] = groundTruth.query(q).junk();
        }
        return evaluate(queries, numQueries, collection, groundTruth.numDocuments(), dim, positives, junk);
    }

    /**
     * Evaluates {@code numQueries} queries against {@code numItems} collection items.
     *
     * @param queries query vectors, row-major, exactly {@code numQueries * dim} floats, finite
     * @param numQueries number of queries, at least 1
     * @param collection collection vectors, row-major, exactly {@code numItems * dim} floats,
     *     finite; may be the same array as {@code queries}
     * @param numItems number of collection items, at least 1
     * @param dim vector dimension, at least 1
     * @param positives per query, the indices of its positive items (distinct; may be empty)
     * @param junk per query, the indices of items to ignore (distinct, disjoint from the
     *     positives); null for no junk at all, a null entry for none on that query
     * @return per-query AP and mean AP
     * @throws IllegalArgumentException on a dimension mismatch, non-finite vectors or invalid
     *     ground truth (checked before any scoring)
     */
    public Result evaluate(float[] queries, int numQueries, float[] collection, int numItems, int dim, int[][] positives, int[][] junk) {
        validate(queries, numQueries, collection, numItems, dim, positives, junk);
        ScoreKernel.Prepared prepared = kernel.prepare(collection, numItems, dim);
        double[] ap = new double[numQueries];
        int block = Math.max(1, Math.min(queryBlock, MAX_BLOCK_SCORES / numItems));
        int numBlocks = (numQueries + block - 1) / block;
        AtomicInteger nextBlock = new AtomicInteger();
        Runnable worker = () -> {
            float[] scores = new float[Math.min(block, numQueries) * numItems];
            for (int b = nextBlock.getAndIncrement(); b < numBlocks; b = nextBlock.getAndIncrement()) {
                int first = b * block;
                int count = Math.min(block, numQueries - first);
                kernel.scoreBlock(queries, first, count, prepared, scores);
                for (int q = 0; q < count; q++) {
                    int query = first + q;
                    int[] pos = positives[query];
                    if (pos.length == 0) {
                        ap[query] = Double.NaN;
                        continue;
                    }
                    int[] jnk = junk == null ? null : junk[query];
                    int[] ranks = PositiveRanks.junkFreePositions(kernel, scores, q * numItems, numItems, pos, jnk);
                    ap[query] = formula == ApFormula.TRAPEZOID
                        ? AveragePrecision.trapezoid(ranks, pos.length)
                        : AveragePrecision.nonInterpolated(ranks, pos.length);
                }
            }
        };
        run(worker, Math.min(threads, numBlocks));
        return new Result(ap);
    }

    private static void run(Runnable worker, int threads) {
        if (threads == 1) {
            worker.run();
            return;
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "full-ranking-evaluator");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(worker));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void validate(float[] queries, int numQueries, float[] collection, int numItems, int dim, int[][] positives, int[][] junk) {
        if (queries == null || collection == null || positives == null) {
            throw new IllegalArgumentException("queries, collection and positives must not be null");
        }
        if (numQueries < 1 || numItems < 1 || dim < 1) {
            throw new IllegalArgumentException(
                "numQueries, numItems and dim must be at least 1, got [" + numQueries + "], [" + numItems + "], [" + dim + "]");
        }
        if ((long) numQueries * dim != queries.length) {
            throw new IllegalArgumentException(
                "queries has length [" + queries.length + "], expected [" + numQueries + "] x dimension [" + dim + "]");
        }
        if ((long) numItems * dim != collection.length) {
            throw new IllegalArgumentException(
                "collection has length [" + collection.length + "], expected [" + numItems + "] x dimension [" + dim + "]");
        }
        if (positives.length != numQueries || (junk != null && junk.length != numQueries)) {
            throw new IllegalArgumentException(
                "ground truth must have one entry per query ([" + numQueries + "]), got [" + positives.length + "] positives lists"
                    + (junk == null ? "" : " and [" + junk.length + "] junk lists"));
        }
        VectorMath.requireFinite(queries, "queries");
        if (collection != queries) {
            VectorMath.requireFinite(collection, "collection");
        }
        for (int q = 0; q < numQueries; q++) {
            try {
                PositiveRanks.checkGroundTruth(positives[q], junk == null ? null : junk[q], numItems);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("query [" + q + "]: " + e.getMessage(), e);
            }
        }
    }
}
