package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The evaluation shared by Oxford5k/Paris6k, ROxford/RParis, INSTRE and Holidays (revisitop's
 * {@code compute_map}): for each query, junk is skipped, AP is the trapezoid AP
 * ({@link AveragePrecision#trapezoid}) and, for each requested k, P@k is revisitop's
 * ({@link RankingMetrics#precisionAtK}). Queries without positives are excluded from every mean
 * and listed in {@link EvaluationResult#excludedQueries()}. Rankings are checked with
 * {@link RankingMetrics#requireValidRanking} (indices in range, no repeats); they may be
 * truncated.
 */
public final class JunkAwareEvaluator {

    /** Metric name reported in results. */
    public static final String METRIC = "mAP";

    private final GroundTruth groundTruth;
    private final int[] ks;

    /**
     * @param groundTruth the queries' positives and junk; not null
     * @param ks cut-offs for mP@k, each at least 1, no repeats; empty for mAP only
     * @throws IllegalArgumentException on null arguments or invalid ks
     */
    public JunkAwareEvaluator(GroundTruth groundTruth, int[] ks) {
        if (groundTruth == null) {
            throw new IllegalArgumentException("groundTruth must not be null");
        }
        this.groundTruth = groundTruth;
        this.ks = validKs(ks);
    }

    static int[] validKs(int[] ks) {
        if (ks == null) {
            throw new IllegalArgumentException("ks must not be null");
        }
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 1) {
                throw new IllegalArgumentException("every k must be at least 1, got [" + sorted[i] + "]");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("k [" + sorted[i] + "] is given twice");
            }
        }
        return sorted;
    }

    /** The ground truth being scored. */
    public GroundTruth groundTruth() {
        return groundTruth;
    }

    /**
     * Evaluates every query.
     *
     * @param rankingOfQuery the ranking of query q (its index in the ground truth); it is not
     *     called for queries without positives
     * @return mAP over the queries with positives, mP@k for the configured ks, per-query APs
     * @throws IllegalArgumentException if a ranking is invalid or no query has positives
     */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        List<QueryResult> evaluated = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (int q = 0; q < groundTruth.numQueries(); q++) {
            Optional<QueryResult> result = evaluateQuery(q, rankingOfQuery);
            if (result.isPresent()) {
                evaluated.add(result.get());
            } else {
                excluded.add(groundTruth.query(q).queryId());
            }
        }
        return EvaluationResult.aggregate(METRIC, evaluated, excluded);
    }

    /**
     * Evaluates one query: empty if it has no positives (its ranking is then not requested).
     *
     * @throws IllegalArgumentException if the ranking is invalid
     */
    public Optional<QueryResult> evaluateQuery(int queryIndex, IntFunction<int[]> rankingOfQuery) {
        QueryGroundTruth query = groundTruth.query(queryIndex);
        if (query.numPositives() == 0) {
            return Optional.empty();
        }
        int[] ranking = rankingOfQuery.apply(queryIndex);
        RankingMetrics.requireValidRanking(ranking, groundTruth.numDocuments(), query.queryId());
        int[] positions = RankingMetrics.junkFreePositivePositions(ranking, query);
        double ap = AveragePrecision.trapezoid(positions, query.numPositives());
        SortedMap<Integer, Double> precisions = new TreeMap<>();
        for (int k : ks) {
            precisions.put(k, RankingMetrics.precisionAtK(positions, k));
        }
        return Optional.of(new QueryResult(query.queryId(), null, ap, precisions));
    }
}
