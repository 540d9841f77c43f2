package org.instanceretrieval.eval;

import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.PositiveRanks;
import org.instanceretrieval.math.ScoreKernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects each query's value and P@k per view of an {@link EvaluationPlan} and assembles the
 * response sections {@code overall}, {@code subsets} and {@code queries}. Queries may be recorded
 * from several threads as long as each query is recorded by one thread only.
 *
 * <p>Means are arithmetic means over the queries that have positives in the view (revisitop
 * reports the others as empty); a view in which no query has positives has no entry.
 */
public final class EvaluationMetrics {

    private final EvaluationPlan plan;
    private final double[][] values;        // [view][query], NaN = excluded
    private final double[][][] precisions;  // [view][query][k]

    public EvaluationMetrics(EvaluationPlan plan) {
        this.plan = plan;
        int views = plan.views().size();
        this.values = new double[views][plan.numQueries()];
        this.precisions = new double[views][plan.numQueries()][];
    }

    /** Records one query of one view from the junk-free positions of its retrieved positives. */
    public void record(int view, int query, int[] positions) {
        values[view][query] = plan.value(view, query, positions);
        precisions[view][query] = plan.precisions(view, query, positions);
    }

    /** Query rows scored together by {@link #scoreQueries}: 128 rows of the collection's scores per block. */
    public static final int QUERY_BLOCK = 128;

    /**
     * Ranks queries {@code [from, to)} of the plan by inner product against the whole collection
     * and records every view of each: a block of {@link #QUERY_BLOCK} score rows at a time, the
     * junk-free positions of the positives read off each row without sorting ({@link PositiveRanks},
     * ties in collection order, as {@link FullRankingEvaluator}). Runs in the calling thread.
     *
     * @param queryVectors every query's vector in plan order, row-major
     * @param collection the collection in plan order, prepared by {@code kernel}
     * @param afterQuery run after each query is recorded (progress, cancellation: an exception stops the loop)
     */
    public void scoreQueries(ScoreKernel kernel, ScoreKernel.Prepared collection, float[] queryVectors, int dims, int from, int to,
        Runnable afterQuery) {
        float[] block = Arrays.copyOfRange(queryVectors, from * dims, to * dims);
        int n = plan.collectionSize();
        ParallelBlocks.scoreRows(kernel, block, to - from, collection, QUERY_BLOCK, 1, "retrieval-eval", (q, scores, offset) -> {
            int query = from + q;
            for (int v = 0; v < values.length; v++) {
                record(v, query, PositiveRanks.junkFreePositions(kernel, scores, offset, n, plan.positives(v, query), plan.junk(v, query)));
            }
            afterQuery.run();
        });
    }

    /** The query's value in the view (NaN when excluded). */
    public double value(int view, int query) {
        return values[view][query];
    }

    /** {@code {mAP: .., mP@1: ..}} of view 0 (revisited: medium). */
    public Map<String, Object> overall() {
        Map<String, Object> means = means(0, null);
        return means == null ? new LinkedHashMap<>() : means;
    }

    /** Revisited: {@code easy}, {@code medium}, {@code hard}; GPR1200 with 12,000 labels: its domains; else empty. */
    public Map<String, Object> subsets() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (plan.views().size() > 1) {
            for (String name : List.of("easy", "medium", "hard")) {
                Map<String, Object> m = means(plan.views().indexOf(name), null);
                if (m != null) {
                    out.put(name, m);
                }
            }
        } else if (plan.numQueries() > 0 && plan.subsetOf(0) != null) {
            for (String name : EvaluationPlan.GPR1200_SUBSETS) {
                Map<String, Object> m = means(0, name);
                if (m != null) {
                    out.put(name, m);
                }
            }
        }
        return out;
    }

    private Map<String, Object> means(int view, String subset) {
        int[] ks = plan.ks();
        double sum = 0;
        double[] pSums = new double[ks.length];
        int n = 0;
        for (int q = 0; q < plan.numQueries(); q++) {
            if (Double.isNaN(values[view][q]) || (subset != null && subset.equals(plan.subsetOf(q)) == false)) {
                continue;
            }
            sum += values[view][q];
            for (int i = 0; i < ks.length; i++) {
                pSums[i] += precisions[view][q][i];
            }
            n++;
        }
        if (n == 0) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(plan.metric().meanName, sum / n);
        for (int i = 0; i < ks.length; i++) {
            out.put("mP@" + ks[i], pSums[i] / n);
        }
        out.put("queries", n);
        return out;
    }

    /**
     * One entry per query in ground-truth order: {@code query}, the value ({@code ap}, or
     * {@code score} for UKBench; null when the query has no positives), {@code p@k}, the GPR1200
     * {@code subset}, and for revisited {@code ap_easy} and {@code ap_hard}.
     */
    public List<Map<String, Object>> queries() {
        int[] ks = plan.ks();
        List<Map<String, Object>> out = new ArrayList<>(plan.numQueries());
        for (int q = 0; q < plan.numQueries(); q++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("query", plan.queryName(q));
            entry.put(plan.metric().queryName, valueOrNull(values[0][q]));
            for (int i = 0; i < ks.length; i++) {
                entry.put("p@" + ks[i], precisions[0][q].length == 0 ? null : precisions[0][q][i]);
            }
            if (plan.subsetOf(q) != null) {
                entry.put("subset", plan.subsetOf(q));
            }
            for (int v = 1; v < plan.views().size(); v++) {
                entry.put("ap_" + plan.views().get(v), valueOrNull(values[v][q]));
            }
            out.add(entry);
        }
        return out;
    }

    private static Double valueOrNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
