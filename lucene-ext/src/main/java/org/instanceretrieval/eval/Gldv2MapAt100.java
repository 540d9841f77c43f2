package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Google Landmarks v2 retrieval metric, mAP@100 (Weyand et al. CVPR 2020; the official
 * {@code MeanAveragePrecision}):
 * mAP@100 = (1/Q) sum_q (1/min(m_q, 100)) sum_{k &lt;= 100} P_q(k) rel_q(k), with m_q the number
 * of index images relevant to q, P_q(k) the precision at rank k and rel_q(k) whether the k-th
 * prediction is relevant. Only the first 100 predictions are read; a repeated prediction is
 * skipped (neither relevant nor counted again) but keeps its rank position, so later ranks are
 * not shifted. A query whose predictions are missing or empty scores 0 and still counts in Q.
 * Queries without relevant images are not part of the solution: they are excluded (listed in
 * {@link EvaluationResult#excludedQueries()}).
 */
public final class Gldv2MapAt100 {

    /** The official cut-off. */
    public static final int DEFAULT_MAX_PREDICTIONS = 100;

    private final GroundTruth groundTruth;
    private final int maxPredictions;

    /** With the official cut-off of 100. */
    public Gldv2MapAt100(GroundTruth groundTruth) {
        this(groundTruth, DEFAULT_MAX_PREDICTIONS);
    }

    /**
     * @param groundTruth relevant index images per query; GLDv2 has no junk, so none is allowed
     * @param maxPredictions the cut-off (100 officially), at least 1
     * @throws IllegalArgumentException if a query has junk or the cut-off is below 1
     */
    public Gldv2MapAt100(GroundTruth groundTruth, int maxPredictions) {
        if (groundTruth == null) {
            throw new IllegalArgumentException("groundTruth must not be null");
        }
        if (maxPredictions < 1) {
            throw new IllegalArgumentException("maxPredictions must be at least 1, got [" + maxPredictions + "]");
        }
        for (QueryGroundTruth query : groundTruth.queries()) {
            if (query.junk().length > 0) {
                throw new IllegalArgumentException("query [" + query.queryId() + "]: GLDv2 has no junk images");
            }
        }
        this.groundTruth = groundTruth;
        this.maxPredictions = maxPredictions;
    }

    /** Metric name, e.g. {@code "mAP@100"}. */
    public String metric() {
        return "mAP@" + maxPredictions;
    }

    /**
     * @param predictionsOfQuery predicted index images of query q, best first; null or empty
     *     means no predictions; repeats are allowed (skipped); ids must be in range
     * @return mAP@100 and per-query AP@100
     * @throws IllegalArgumentException if a prediction is out of range or no query has positives
     */
    public EvaluationResult evaluate(IntFunction<int[]> predictionsOfQuery) {
        List<QueryResult> results = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (int q = 0; q < groundTruth.numQueries(); q++) {
            QueryGroundTruth query = groundTruth.query(q);
            if (query.numPositives() == 0) {
                excluded.add(query.queryId());
                continue;
            }
            results.add(new QueryResult(query.queryId(), averagePrecision(query, predictionsOfQuery.apply(q))));
        }
        return EvaluationResult.aggregate(metric(), results, excluded);
    }

    private double averagePrecision(QueryGroundTruth query, int[] predictions) {
        if (predictions == null) {
            return 0.0;
        }
        Set<Integer> alreadyPredicted = new HashSet<>();
        int correct = 0;
        double sum = 0.0;
        for (int i = 0; i < Math.min(predictions.length, maxPredictions); i++) {
            int document = predictions[i];
            if (document < 0 || document >= groundTruth.numDocuments()) {
                throw new IllegalArgumentException("query [" + query.queryId() + "]: prediction [" + i
                    + "] is document [" + document + "], out of range for [" + groundTruth.numDocuments() + "] documents");
            }
            if (alreadyPredicted.add(document) == false) {
                continue; // a repeat: skipped, but rank i + 1 is still used up
            }
            if (query.isPositive(document)) {
                correct++;
                sum += (double) correct / (i + 1);
            }
        }
        return sum / Math.min(query.numPositives(), maxPredictions);
    }
}
