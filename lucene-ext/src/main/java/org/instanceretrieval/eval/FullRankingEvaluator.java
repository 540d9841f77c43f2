package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.List;
import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.PositiveRanks;
import org.instanceretrieval.math.RankingOrder;
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
 * Queries without positives have no AP: they are listed in
 * {@link EvaluationResult#excludedQueries()} and left out of the mean (as revisitop does). The
 * result is the {@link EvaluationResult} the protocols return (metric {@value #METRIC}).
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
     * query block shrinks (to 1 query at the least) instead of the heap running out. The same
     * cap as {@link ParallelBlocks#MAX_BLOCK_SCORES}, which applies it.
     */
    public static final int MAX_BLOCK_SCORES = ParallelBlocks.MAX_BLOCK_SCORES;

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

    /** Name of the metric in the results: mean average precision. */
    public static final String METRIC = "mAP";

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
     * @return mean AP and per-query AP, query ids those of the ground truth, in its order
     * @throws IllegalArgumentException as {@link #evaluate(float[], int, float[], int, int, int[][], int[][])}
     */
    public EvaluationResult evaluate(float[] queries, float[] collection, int dim, GroundTruth groundTruth) {
        if (groundTruth == null) {
            throw new IllegalArgumentException("groundTruth must not be null");
        }
        int numQueries = groundTruth.numQueries();
        int[][] positives = new int[numQueries][];
        int[][] junk = new int[numQueries][];
        String[] queryIds = new String[numQueries];
        for (int q = 0; q < numQueries; q++) {
            positives[q] = groundTruth.query(q).positives();
            junk[q] = groundTruth.query(q).junk();
            queryIds[q] = groundTruth.query(q).queryId();
        }
        double[] ap = averagePrecisions(queries, numQueries, collection, groundTruth.numDocuments(), dim, positives, junk);
        return result(ap, queryIds);
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
     * @return mean AP and per-query AP; query {@code q} has the id {@code String.valueOf(q)}
     * @throws IllegalArgumentException on a dimension mismatch, non-finite vectors or invalid
     *     ground truth (checked before any scoring), or when no query has a positive
     */
    public EvaluationResult evaluate(float[] queries, int numQueries, float[] collection, int numItems, int dim, int[][] positives, int[][] junk) {
        String[] queryIds = new String[numQueries];
        for (int q = 0; q < numQueries; q++) {
            queryIds[q] = String.valueOf(q);
        }
        return result(averagePrecisions(queries, numQueries, collection, numItems, dim, positives, junk), queryIds);
    }

    /** The AP of every query in query order, NaN for a query without positives. */
    private double[] averagePrecisions(float[] queries, int numQueries, float[] collection, int numItems, int dim, int[][] positives, int[][] junk) {
        validate(queries, numQueries, collection, numItems, dim, positives, junk);
        ScoreKernel.Prepared prepared = kernel.prepare(collection, numItems, dim);
        double[] ap = new double[numQueries];
        ParallelBlocks.scoreRows(kernel, queries, numQueries, prepared, queryBlock, threads, "full-ranking-evaluator", (query, scores, offset) -> {
            int[] pos = positives[query];
            if (pos.length == 0) {
                ap[query] = Double.NaN;
                return;
            }
            int[] jnk = junk == null ? null : junk[query];
            int[] ranks = PositiveRanks.junkFreePositions(kernel, scores, offset, numItems, pos, jnk);
            ap[query] = formula == ApFormula.TRAPEZOID
                ? AveragePrecision.trapezoid(ranks, pos.length)
                : AveragePrecision.nonInterpolated(ranks, pos.length);
        });
        return ap;
    }

    private static EvaluationResult result(double[] ap, String[] queryIds) {
        List<QueryResult> evaluated = new ArrayList<>(ap.length);
        List<String> excluded = new ArrayList<>();
        for (int q = 0; q < ap.length; q++) {
            if (Double.isNaN(ap[q])) {
                excluded.add(queryIds[q]);
            } else {
                evaluated.add(new QueryResult(queryIds[q], ap[q]));
            }
        }
        return EvaluationResult.aggregate(METRIC, evaluated, excluded);
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
