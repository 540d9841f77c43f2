package org.instanceretrieval.es.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison of two recorded runs, {@code b} against the base {@code a}: for every query both
 * runs evaluated, {@code delta = b - a} of its AP (UKBench: its score); the {@code size} queries
 * with the largest gains and losses (ties by query name); the differences of the overall means;
 * and the queries only one run has (or that have no value in one of them).
 */
public final class RunComparison {

    private RunComparison() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> compare(Map<String, Object> a, Map<String, Object> b, Map<String, Double> queriesA,
        Map<String, Double> queriesB, int size) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", List.of(summary(a), summary(b)));
        Map<String, Object> overallA = (Map<String, Object>) a.getOrDefault("overall", Map.of());
        Map<String, Object> overallB = (Map<String, Object>) b.getOrDefault("overall", Map.of());
        Map<String, Object> overallDelta = new LinkedHashMap<>();
        overallA.forEach((key, value) -> {
            if (value instanceof Number va && overallB.get(key) instanceof Number vb && key.equals("queries") == false) {
                overallDelta.put(key, vb.doubleValue() - va.doubleValue());
            }
        });
        out.put("overall_delta", overallDelta);
        List<Map<String, Object>> queries = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (Map.Entry<String, Double> e : queriesA.entrySet()) {
            Double vb = queriesB.get(e.getKey());
            if (e.getValue() == null || vb == null) {
                unmatched.add(e.getKey());
                continue;
            }
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("query", e.getKey());
            q.put("a", e.getValue());
            q.put("b", vb);
            q.put("delta", vb - e.getValue());
            queries.add(q);
        }
        for (String name : queriesB.keySet()) {
            if (queriesA.containsKey(name) == false) {
                unmatched.add(name);
            }
        }
        Comparator<Map<String, Object>> byDelta = Comparator.comparingDouble(q -> (Double) q.get("delta"));
        Comparator<Map<String, Object>> byName = Comparator.comparing(q -> (String) q.get("query"));
        out.put("gained", queries.stream().filter(q -> (Double) q.get("delta") > 0).sorted(byDelta.reversed().thenComparing(byName))
            .limit(size).toList());
        out.put("lost", queries.stream().filter(q -> (Double) q.get("delta") < 0).sorted(byDelta.thenComparing(byName)).limit(size).toList());
        out.put("compared_queries", queries.size());
        out.put("unmatched_queries", unmatched.stream().sorted().toList());
        out.put("queries", queries);
        return out;
    }

    private static Map<String, Object> summary(Map<String, Object> run) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String key : List.of("run_id", "name", "@timestamp", "index", "ground_truth", "protocol", "engine", "overall")) {
            s.put(key, run.get(key));
        }
        return s;
    }
}
