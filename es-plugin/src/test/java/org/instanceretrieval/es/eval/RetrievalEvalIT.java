package org.instanceretrieval.es.eval;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.cluster.service.ClusterService;
import org.junit.After;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;

/**
 * {@code POST {index}/_retrieval_eval} on a two-node cluster: a revisited-style ground truth
 * (easy / hard / junk drawn at random, queries in their own index as with bbox-cropped queries)
 * over a 1-shard and a 3-shard copy of the same collection. Every number is compared with a
 * deliberately simple second computation in this test (sort by dot product in double precision,
 * walk the ranking); the exact and the search engine must agree, and so must 1 and 3 shards.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class RetrievalEvalIT extends RetrievalIntegTestCase {

    static final int DIMS = 8;
    static final int DOCS = 60;
    static final int QUERIES = 12;

    /** The collection and queries of one test, and the ground truth lists. */
    record Data(Map<String, float[]> docs, Map<String, float[]> queries, Map<String, List<String>> easy, Map<String, List<String>> hard,
        Map<String, List<String>> junk) {}

    private Data data;
    /** A new ground-truth id per test: the store's node caches outlive the test framework's wipe of its system index. */
    private final String gtId = "rtoy-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);

    /** Removes the runs data stream (the framework's wipe cannot: the data-streams module is not part of test clusters). */
    @After
    public void deleteRunsDataStream() throws Exception {
        RunsDataStream.delete(internalCluster().getCurrentMasterNodeInstance(ClusterService.class));
    }

    private Data setUpData(RestClient client) throws IOException {
        Random random = new Random(random().nextLong());
        Map<String, float[]> docs = new LinkedHashMap<>();
        for (int i = 0; i < DOCS; i++) {
            docs.put(String.format(Locale.ROOT, "img_%03d", i), unit(random));
        }
        Map<String, float[]> queries = new LinkedHashMap<>();
        Map<String, List<String>> easy = new LinkedHashMap<>();
        Map<String, List<String>> hard = new LinkedHashMap<>();
        Map<String, List<String>> junk = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(docs.keySet());
        for (int q = 0; q < QUERIES; q++) {
            String name = String.format(Locale.ROOT, "q_%02d", q);
            queries.put(name, unit(random));
            List<String> shuffled = new ArrayList<>(names);
            java.util.Collections.shuffle(shuffled, random);
            easy.put(name, new ArrayList<>(shuffled.subList(0, 1 + random.nextInt(5))));
            // the last query has no hard positives: it is excluded from the hard means
            hard.put(name, q == QUERIES - 1 ? new ArrayList<>() : new ArrayList<>(shuffled.subList(6, 7 + random.nextInt(4))));
            junk.put(name, new ArrayList<>(shuffled.subList(12, 12 + random.nextInt(4))));
        }
        // a positive the index does not hold: never retrieved, counted, reported
        easy.get("q_00").add("ghost_1");
        Data d = new Data(docs, queries, easy, hard, junk);
        index(client, "coll1", 1, docs);
        index(client, "coll3", 3, docs);
        index(client, "queries", 1, queries);
        StringBuilder gt = new StringBuilder("{\"format\": \"json\", \"data\": {\"protocol\": \"revisited\", \"queries\": [");
        for (String q : queries.keySet()) {
            gt.append(q.equals("q_00") ? "" : ",").append("{\"name\": \"").append(q).append("\", \"easy\": ").append(json(easy.get(q)))
                .append(", \"hard\": ").append(json(hard.get(q))).append(", \"junk\": ").append(json(junk.get(q))).append("}");
        }
        gt.append("]}}");
        call(client, "PUT", "/_retrieval/ground_truth/" + gtId, gt.toString());
        return d;
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIMS];
        double norm = 0;
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIMS; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static String json(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static void index(RestClient client, String index, int shards, Map<String, float[]> vectors) throws IOException {
        call(client, "PUT", "/" + index, "{\"settings\": {\"number_of_shards\": " + shards + ", \"number_of_replicas\": 0},"
            + " \"mappings\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\"}}}}");
        StringBuilder bulk = new StringBuilder();
        vectors.forEach((name, v) -> {
            bulk.append("{\"index\": {\"_id\": \"").append(name).append("\"}}\n{\"v\": [");
            for (int i = 0; i < v.length; i++) {
                bulk.append(i == 0 ? "" : ",").append(v[i]);
            }
            bulk.append("]}\n");
        });
        assertEquals(Boolean.FALSE, call(client, "POST", "/" + index + "/_bulk?refresh=true", bulk.toString()).get("errors"));
    }

    // ---- the independent computation ----

    /** The collection ranked by dot product (double precision), ties by name. */
    private List<String> ranking(float[] query) {
        List<String> names = new ArrayList<>(data.docs().keySet());
        Map<String, Double> score = new LinkedHashMap<>();
        for (String n : names) {
            double s = 0;
            for (int i = 0; i < DIMS; i++) {
                s += (double) query[i] * data.docs().get(n)[i];
            }
            score.put(n, s);
        }
        names.sort(Comparator.comparing((String n) -> -score.get(n)).thenComparing(n -> n));
        return names;
    }

    /** revisitop's trapezoid AP and P@k ({@link BruteForce}), walking the ranking; NaN without positives. */
    private static double[] apAndPrecisions(List<String> ranking, Set<String> positives, Set<String> junk, int[] ks) {
        double[] out = new double[1 + ks.length];
        if (positives.isEmpty()) {
            out[0] = Double.NaN;
            return out;
        }
        out[0] = BruteForce.averagePrecision(ranking, positives, junk);
        for (int i = 0; i < ks.length; i++) {
            out[1 + i] = BruteForce.precisionAt(ranking, positives, junk, ks[i]);
        }
        return out;
    }

    private static Set<String> union(List<String> a, List<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }

    /** Expected {view -> per-query [ap, p@1, p@5, p@10]} with rankings cut at {@code depth}. */
    private Map<String, Map<String, double[]>> expected(int depth) {
        int[] ks = { 1, 5, 10 };
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        for (String view : List.of("easy", "medium", "hard")) {
            out.put(view, new LinkedHashMap<>());
        }
        for (String q : data.queries().keySet()) {
            List<String> full = ranking(data.queries().get(q));
            List<String> ranked = full.subList(0, Math.min(depth, full.size()));
            List<String> easy = data.easy().get(q);
            List<String> hard = data.hard().get(q);
            List<String> junk = data.junk().get(q);
            out.get("easy").put(q, apAndPrecisions(ranked, new HashSet<>(easy), union(junk, hard), ks));
            out.get("medium").put(q, apAndPrecisions(ranked, union(easy, hard), new HashSet<>(junk), ks));
            out.get("hard").put(q, apAndPrecisions(ranked, new HashSet<>(hard), union(junk, easy), ks));
        }
        return out;
    }

    private static double mean(Map<String, double[]> perQuery, int column) {
        return perQuery.values().stream().filter(v -> Double.isNaN(v[0]) == false).mapToDouble(v -> v[column]).average().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static void assertMatches(Map<String, Map<String, double[]>> expected, Map<String, Object> response) {
        Map<String, Object> overall = (Map<String, Object>) response.get("overall");
        assertEquals(mean(expected.get("medium"), 0), ((Number) overall.get("mAP")).doubleValue(), 1e-9);
        assertEquals(mean(expected.get("medium"), 1), ((Number) overall.get("mP@1")).doubleValue(), 1e-9);
        assertEquals(mean(expected.get("medium"), 2), ((Number) overall.get("mP@5")).doubleValue(), 1e-9);
        assertEquals(mean(expected.get("medium"), 3), ((Number) overall.get("mP@10")).doubleValue(), 1e-9);
        Map<String, Object> subsets = (Map<String, Object>) response.get("subsets");
        for (String view : List.of("easy", "medium", "hard")) {
            Map<String, Object> s = (Map<String, Object>) subsets.get(view);
            assertEquals(view, mean(expected.get(view), 0), ((Number) s.get("mAP")).doubleValue(), 1e-9);
            assertEquals(view, mean(expected.get(view), 3), ((Number) s.get("mP@10")).doubleValue(), 1e-9);
        }
        assertEquals(QUERIES - 1, ((Number) ((Map<String, Object>) subsets.get("hard")).get("queries")).intValue());
        List<Map<String, Object>> queries = (List<Map<String, Object>>) response.get("queries");
        assertEquals(QUERIES, queries.size());
        for (Map<String, Object> q : queries) {
            String name = (String) q.get("query");
            assertEquals(name, expected.get("medium").get(name)[0], ((Number) q.get("ap")).doubleValue(), 1e-9);
            assertEquals(name, expected.get("easy").get(name)[0], ((Number) q.get("ap_easy")).doubleValue(), 1e-9);
            double hard = expected.get("hard").get(name)[0];
            if (Double.isNaN(hard)) {
                assertNull(q.get("ap_hard"));
            } else {
                assertEquals(name, hard, ((Number) q.get("ap_hard")).doubleValue(), 1e-9);
            }
        }
    }

    private Map<String, Object> eval(RestClient client, String index, String body) throws IOException {
        return call(client, "POST", "/" + index + "/_retrieval_eval", body);
    }

    @SuppressWarnings("unchecked")
    public void testExactAndSearchEnginesOnOneAndThreeShardsEqualTheSimpleComputation() throws IOException {
        try (RestClient client = clientOf(twoNodes()[0])) {
            data = setUpData(client);
            Map<String, Map<String, double[]>> full = expected(Integer.MAX_VALUE);
            String queries = "\"queries\": {\"index\": \"queries\"}";
            for (String index : List.of("coll1", "coll3")) {
                Map<String, Object> exact = eval(client, index, "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"engine\": \"exact\", " + queries + "}");
                assertEquals("revisited", exact.get("protocol"));
                assertEquals("exact", exact.get("engine"));
                assertEquals(index, exact.get("index"));
                assertMatches(full, exact);
                Map<String, Object> documents = (Map<String, Object>) exact.get("documents");
                assertEquals(DOCS, documents.get("collection"));
                assertEquals(List.of("ghost_1"), documents.get("missing"));

                Map<String, Object> search = eval(client, index, "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"query\": {\"exact\": true}, "
                    + queries + "}");
                assertEquals("search", search.get("engine"));
                assertMatches(full, search);
                assertEquals(exact.get("overall"), search.get("overall"));
                assertEquals(exact.get("queries"), search.get("queries"));
            }
            // a truncated ranking through real searches: the same walk over the first 5 hits
            Map<String, Object> top5 = eval(client, "coll3", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"depth\": 5, \"query\": "
                + "{\"exact\": true}, " + queries + "}");
            assertMatches(expected(5), top5);
            // a template: exactly what an application sends
            Map<String, Object> templated = eval(client, "coll3", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", " + queries + ", "
                + "\"template\": {\"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": \"{{query_vector}}\", \"k\": 60, "
                + "\"exact\": true}}}}");
            assertMatches(full, templated);
        }
    }

    public void testBadInputNamesTheProblem() throws IOException {
        try (RestClient client = clientOf(twoNodes()[1])) {
            data = setUpData(client);
            String q = "\"queries\": {\"index\": \"queries\"}";
            ResponseException e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"nope\", \"field\": \"v\"}");
            assertEquals(404, status(e));
            e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\"}");
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("query documents of ground truth [" + gtId + "] are not in index [coll1]"));
            e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"nope\", \"engine\": \"exact\", " + q + "}");
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("[field] [nope] does not exist in the mapping of index [coll1]"));
            e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"protocol\": \"gpr1200\", " + q + "}");
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("protocol [gpr1200] needs class labels"));
            e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"depth\": 20000, " + q + "}");
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("exceeds index.max_result_window [10000]"));
            assertThat(e.getMessage(), containsString("\\\"engine\\\": \\\"exact\\\""));
            e = failure(client, "POST", "/coll1/_retrieval_eval", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"engine\": \"fast\"}");
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("[engine] must be [search] or [exact]"));
        }
    }

    @SuppressWarnings("unchecked")
    public void testRecordedRunsAreListedAndCompared() throws Exception {
        try (RestClient client = clientOf(twoNodes()[0])) {
            data = setUpData(client);
            String q = "\"queries\": {\"index\": \"queries\"}";
            Map<String, Object> full = eval(client, "coll3", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"engine\": \"exact\", "
                + "\"name\": \"full\", \"record\": true, " + q + "}");
            Map<String, Object> top5 = eval(client, "coll3", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"depth\": 5, "
                + "\"query\": {\"exact\": true}, \"name\": \"top5\", \"record\": true, " + q + "}");
            Map<String, Object> runs = call(client, "GET", "/_retrieval_eval/runs", null);
            List<Map<String, Object>> listed = (List<Map<String, Object>>) runs.get("runs");
            assertEquals(List.of(top5.get("run_id"), full.get("run_id")), listed.stream().map(r -> r.get("run_id")).toList());
            assertEquals(full.get("overall"), listed.get(1).get("overall"));
            assertEquals("top5", listed.get(0).get("name"));
            assertEquals(1, ((List<?>) call(client, "GET", "/_retrieval_eval/runs?name=full", null).get("runs")).size());

            Map<String, Object> comparison = call(client, "GET", "/_retrieval_eval/runs/_compare?ids=" + full.get("run_id") + ","
                + top5.get("run_id") + "&size=3", null);
            Map<String, Double> apFull = new LinkedHashMap<>();
            ((List<Map<String, Object>>) full.get("queries")).forEach(e -> apFull.put((String) e.get("query"), ((Number) e.get("ap")).doubleValue()));
            List<Map<String, Object>> deltas = (List<Map<String, Object>>) comparison.get("queries");
            assertEquals(QUERIES, deltas.size());
            for (Map<String, Object> e : ((List<Map<String, Object>>) top5.get("queries"))) {
                String name = (String) e.get("query");
                double expectedDelta = ((Number) e.get("ap")).doubleValue() - apFull.get(name);
                Map<String, Object> d = deltas.stream().filter(x -> name.equals(x.get("query"))).findFirst().orElseThrow();
                assertEquals(name, expectedDelta, ((Number) d.get("delta")).doubleValue(), 1e-12);
                assertTrue("a truncated ranking cannot gain AP", expectedDelta <= 1e-12);
            }
            List<Map<String, Object>> lost = (List<Map<String, Object>>) comparison.get("lost");
            assertTrue(lost.size() <= 3);
            double worst = deltas.stream().mapToDouble(x -> ((Number) x.get("delta")).doubleValue()).min().orElseThrow();
            if (worst < 0) {
                assertEquals(worst, ((Number) lost.get(0).get("delta")).doubleValue(), 1e-12);
            }
            assertEquals(List.of(), comparison.get("gained"));
            double mapDelta = ((Number) ((Map<String, Object>) top5.get("overall")).get("mAP")).doubleValue()
                - ((Number) ((Map<String, Object>) full.get("overall")).get("mAP")).doubleValue();
            assertEquals(mapDelta, ((Number) ((Map<String, Object>) comparison.get("overall_delta")).get("mAP")).doubleValue(), 1e-12);

            ResponseException e = failure(client, "GET", "/_retrieval_eval/runs/_compare?ids=" + full.get("run_id") + ",nope", null);
            assertEquals(404, status(e));
            e = failure(client, "GET", "/_retrieval_eval/runs/_compare?ids=a", null);
            assertEquals(400, status(e));
        }
    }

    @SuppressWarnings("unchecked")
    public void testRunAsTaskReportsTheSameResult() throws Exception {
        try (RestClient client = clientOf(twoNodes()[1])) {
            data = setUpData(client);
            String body = "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"engine\": \"exact\", \"queries\": {\"index\": \"queries\"}}";
            Map<String, Object> started = call(client, "POST", "/coll1/_retrieval_eval?wait_for_completion=false", body);
            String taskId = (String) started.get("task");
            assertNotNull(taskId);
            Map<String, Object> task = call(client, "GET", "/_tasks/" + taskId + "?wait_for_completion=true&timeout=30s", null);
            assertEquals(Boolean.TRUE, task.get("completed"));
            Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) task.get("task")).get("status");
            assertEquals(QUERIES, ((Number) status.get("queries_total")).intValue());
            assertEquals(QUERIES, ((Number) status.get("queries_done")).intValue());
            Map<String, Object> response = (Map<String, Object>) task.get("response");
            assertMatches(expected(Integer.MAX_VALUE), response);
        }
    }

    /** GPR1200-style class labels: every image queries, itself included, non-interpolated AP. */
    @SuppressWarnings("unchecked")
    public void testClassLabelsWithNonInterpolatedApOnBothEngines() throws Exception {
        try (RestClient client = clientOf(twoNodes()[0])) {
            Random random = new Random(random().nextLong());
            Map<String, float[]> docs = new LinkedHashMap<>();
            Map<String, String> classes = new LinkedHashMap<>();
            for (int c = 0; c < 8; c++) {
                float[] centre = unit(random);
                for (int i = 0; i < 4; i++) {
                    float[] v = unit(random);
                    double norm = 0;
                    for (int d = 0; d < DIMS; d++) {
                        v[d] = centre[d] + 0.6f * v[d];
                        norm += v[d] * v[d];
                    }
                    for (int d = 0; d < DIMS; d++) {
                        v[d] /= (float) Math.sqrt(norm);
                    }
                    String name = "c" + c + "_" + i;
                    docs.put(name, v);
                    classes.put(name, "c" + c);
                }
            }
            index(client, "gpr", 2, docs);
            StringBuilder gt = new StringBuilder("{\"format\": \"json\", \"data\": {\"protocol\": \"gpr1200\", \"classes\": {");
            classes.forEach((n, c) -> gt.append(gt.charAt(gt.length() - 1) == '{' ? "" : ",").append('"').append(n).append("\": \"")
                .append(c).append('"'));
            gt.append("}}}");
            call(client, "PUT", "/_retrieval/ground_truth/g" + gtId, gt.toString());
            data = new Data(docs, docs, Map.of(), Map.of(), Map.of());
            double sum = 0;
            Map<String, Double> expectedAp = new LinkedHashMap<>();
            for (String q : docs.keySet()) {
                List<String> ranking = ranking(docs.get(q));
                int found = 0;
                double ap = 0;
                for (int r = 0; r < ranking.size(); r++) {
                    if (classes.get(ranking.get(r)).equals(classes.get(q))) {
                        found++;
                        ap += (double) found / (r + 1);
                    }
                }
                expectedAp.put(q, ap / 4);
                sum += ap / 4;
            }
            for (String engine : List.of("exact", "search")) {
                Map<String, Object> r = eval(client, "gpr", "{\"ground_truth\": \"g" + gtId + "\", \"field\": \"v\", \"engine\": \"" + engine + "\""
                    + (engine.equals("search") ? ", \"query\": {\"exact\": true}" : "") + "}");
                assertEquals("gpr1200", r.get("protocol"));
                assertEquals(engine, sum / docs.size(), ((Number) ((Map<String, Object>) r.get("overall")).get("mAP")).doubleValue(), 1e-9);
                for (Map<String, Object> e : (List<Map<String, Object>>) r.get("queries")) {
                    assertEquals(expectedAp.get(e.get("query")), ((Number) e.get("ap")).doubleValue(), 1e-9);
                }
                assertEquals(Map.of(), r.get("subsets"));
            }
        }
    }

    /** With the diffusion rescorer the engine's rankings are those of the same _search an application sends. */
    @SuppressWarnings("unchecked")
    public void testRescoredSearchesAreTheApplicationsSearches() throws Exception {
        try (RestClient client = clientOf(twoNodes()[0])) {
            data = setUpData(client);
            String diffusion = "{\"k\": 5, \"gamma\": 3, \"alpha\": 0.9, \"query_k\": 5}";
            Map<String, Object> r = eval(client, "coll1", "{\"ground_truth\": \"" + gtId + "\", \"field\": \"v\", \"depth\": 20, "
                + "\"query\": {\"exact\": true}, \"rescore\": {\"window_size\": 20, \"diffusion\": " + diffusion + "}, "
                + "\"queries\": {\"index\": \"queries\"}}");
            Map<String, Double> apOf = new LinkedHashMap<>();
            ((List<Map<String, Object>>) r.get("queries")).forEach(e -> apOf.put((String) e.get("query"), ((Number) e.get("ap")).doubleValue()));
            int[] ks = {};
            boolean differsFromKnn = false;
            for (String q : data.queries().keySet()) {
                float[] v = data.queries().get(q);
                StringBuilder vector = new StringBuilder("[");
                for (int i = 0; i < v.length; i++) {
                    vector.append(i == 0 ? "" : ",").append(v[i]);
                }
                vector.append(']');
                Map<String, Object> hits = (Map<String, Object>) call(client, "POST", "/coll1/_search", "{\"size\": 20, \"_source\": false, "
                    + "\"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + vector + ", \"k\": 20, \"exact\": true}}, "
                    + "\"rescore\": {\"window_size\": 20, \"diffusion\": {\"field\": \"v\", \"query_vector\": " + vector + ", "
                    + diffusion.substring(1) + "}}").get("hits");
                List<String> ranking = ((List<Map<String, Object>>) hits.get("hits")).stream().map(h -> (String) h.get("_id")).toList();
                double expected = apAndPrecisions(ranking, union(data.easy().get(q), data.hard().get(q)), new HashSet<>(data.junk().get(q)), ks)[0];
                assertEquals(q, expected, apOf.get(q), 1e-9);
                differsFromKnn |= ranking.equals(ranking(v).subList(0, 20)) == false;
            }
            assertTrue("diffusion re-ranked at least one window", differsFromKnn);
        }
    }
}
