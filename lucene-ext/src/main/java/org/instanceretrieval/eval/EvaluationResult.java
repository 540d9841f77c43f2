package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Result of evaluating a protocol: the metric's mean over the evaluated queries (mAP, mAP@100
 * or the UKBench N-S score), the mean per subset (GPR1200; empty otherwise), mP@k per k
 * (revisitop protocols; empty otherwise), every evaluated query's value, and the ids of the
 * queries that were excluded because they have no positives (revisitop reports them as
 * "empty"; they appear nowhere else, so no value is NaN).
 *
 * <p>All means are plain arithmetic means over the evaluated queries in query order.
 */
public final class EvaluationResult {

    private final String metric;
    private final double mean;
    private final Map<String, Double> subsetMeans;
    private final SortedMap<Integer, Double> meanPrecisionAtK;
    private final List<QueryResult> queries;
    private final List<String> excludedQueries;

    private EvaluationResult(String metric, double mean, Map<String, Double> subsetMeans,
                             SortedMap<Integer, Double> meanPrecisionAtK, List<QueryResult> queries,
                             List<String> excludedQueries) {
        this.metric = metric;
        this.mean = mean;
        this.subsetMeans = subsetMeans;
        this.meanPrecisionAtK = meanPrecisionAtK;
        this.queries = queries;
        this.excludedQueries = excludedQueries;
    }

    /**
     * Aggregates per-query results.
     *
     * @param metric name of the metric, e.g. {@code "mAP"}
     * @param evaluated the evaluated queries in query order; at least one. Subset means are
     *     formed for the subsets named by the queries, in order of first appearance; mP@k for
     *     every k the first query reports (all queries must report the same ks)
     * @param excludedQueries ids of queries left out of the means (no positives)
     * @throws IllegalArgumentException if no query was evaluated or the queries report
     *     different sets of k
     */
    public static EvaluationResult aggregate(String metric, List<QueryResult> evaluated, List<String> excludedQueries) {
        Objects.requireNonNull(metric, "metric");
        if (evaluated == null || evaluated.isEmpty()) {
            throw new IllegalArgumentException("no query could be evaluated for [" + metric + "] (every query lacks positives)");
        }
        double sum = 0.0;
        Map<String, double[]> subsetSums = new LinkedHashMap<>(); // name -> {sum, count}
        SortedMap<Integer, Double> precisionSums = new TreeMap<>();
        for (Integer k : evaluated.get(0).precisionAtK().keySet()) {
            precisionSums.put(k, 0.0);
        }
        for (QueryResult query : evaluated) {
            sum += query.value();
            query.subset().ifPresent(name -> {
                double[] acc = subsetSums.computeIfAbsent(name, n -> new double[2]);
                acc[0] += query.value();
                acc[1] += 1;
            });
            if (query.precisionAtK().keySet().equals(precisionSums.keySet()) == false) {
                throw new IllegalArgumentException(
                    "query [" + query.queryId() + "] reports P@k for " + query.precisionAtK().keySet()
                        + " but the first query for " + precisionSums.keySet());
            }
            for (Map.Entry<Integer, Double> e : query.precisionAtK().entrySet()) {
                precisionSums.merge(e.getKey(), e.getValue(), Double::sum);
            }
        }
        int n = evaluated.size();
        Map<String, Double> subsetMeans = new LinkedHashMap<>();
        subsetSums.forEach((name, acc) -> subsetMeans.put(name, acc[0] / acc[1]));
        SortedMap<Integer, Double> meanPrecision = new TreeMap<>();
        precisionSums.forEach((k, s) -> meanPrecision.put(k, s / n));
        return new EvaluationResult(metric, sum / n, Collections.unmodifiableMap(subsetMeans),
            Collections.unmodifiableSortedMap(meanPrecision), List.copyOf(evaluated),
            List.copyOf(new ArrayList<>(excludedQueries)));
    }

    /** Name of the metric ("mAP", "mAP@100", "N-S score"). */
    public String metric() {
        return metric;
    }

    /** Mean of the metric over the evaluated queries (mAP in [0, 1]; N-S score in [0, 4]). */
    public double mean() {
        return mean;
    }

    /** Mean per subset in order of first appearance (unmodifiable; empty without subsets). */
    public Map<String, Double> subsetMeans() {
        return subsetMeans;
    }

    /** mP@k by k (unmodifiable; empty when the protocol computes no mP@k). */
    public SortedMap<Integer, Double> meanPrecisionAtK() {
        return meanPrecisionAtK;
    }

    /** Evaluated queries in query order (unmodifiable). */
    public List<QueryResult> queries() {
        return queries;
    }

    /** Per-query values in query order (a new array). */
    public double[] perQueryValues() {
        return queries.stream().mapToDouble(QueryResult::value).toArray();
    }

    /** Ids of the queries excluded from the means because they have no positives. */
    public List<String> excludedQueries() {
        return excludedQueries;
    }

    @Override
    public String toString() {
        return "EvaluationResult[" + metric + "=" + mean + ", subsets=" + subsetMeans + ", mP@k=" + meanPrecisionAtK
            + ", queries=" + queries.size() + ", excluded=" + excludedQueries.size() + "]";
    }
}
