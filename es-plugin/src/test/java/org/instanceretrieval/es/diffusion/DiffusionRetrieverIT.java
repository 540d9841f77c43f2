package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * The {@code diffusion} retriever over real HTTP on the same documents in a one-shard and a
 * three-shard index: both rank identically (same ids, same order, scores to 1e-6) and equal
 * the independent dense diffusion of {@link BruteForce#diffusion} computed here on the window's
 * vectors (the window being the inner retriever's top hits); a window over the request breaker's limit is a 429 and its
 * memory is released; bad input is a 400 naming the problem.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class DiffusionRetrieverIT extends ClusteredVectorsIntegTestCase {

    private static final String ONE = "diffusion-one";
    private static final String THREE = "diffusion-three";
    private static final int DOCS = 120;
    private static final int CLUSTERS = 5;

    /** The test framework gives some nodes a no-op request breaker at random; the breaker test needs real ones. */
    @Override
    protected org.elasticsearch.common.settings.Settings nodeSettings(int nodeOrdinal, org.elasticsearch.common.settings.Settings otherSettings) {
        return org.elasticsearch.common.settings.Settings.builder()
            .put(super.nodeSettings(nodeOrdinal, otherSettings))
            .put("indices.breaker.request.type", "memory")
            .build();
    }

    @Before
    public void indexClusteredVectors() {
        clusteredVectors(DOCS, CLUSTERS);
        indexVectors(ONE, 1);
        indexVectors(THREE, 3);
        ensureGreen(ONE, THREE);
    }

    /** A standard retriever with an exact retrieval_knn query: the same first pass whatever the sharding. */
    private static String exactInner(float[] q) {
        return "{\"standard\": {\"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS
            + ", \"exact\": true}}}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private static Map<String, Object> search(String index, String body) throws IOException {
        return call(getRestClient(), "POST", "/" + index + "/_search", body);
    }

    /**
     * The brute-force diffusion over the given window (first-pass hits, in order): f, one score per
     * window position (dense mutual-kNN graph on the window, y from the query_k nearest, pcg).
     */
    private double[] expected(List<Map<String, Object>> window, float[] q, int k, double gamma, double alpha, int queryK,
                              int maxIterations, double tolerance) {
        float[][] windowVectors = new float[window.size()][];
        for (int i = 0; i < windowVectors.length; i++) {
            windowVectors[i] = vectors[Integer.parseInt((String) window.get(i).get("_id"))];
        }
        return BruteForce.diffusion(windowVectors, q, k, gamma, queryK, alpha, tolerance, maxIterations);
    }

    /** Ids in the order of f (descending, window position ascending) and scores max(f, 0) to 1e-6. */
    private static void assertRanksAsExpected(String what, List<Map<String, Object>> window, double[] f,
                                              List<Map<String, Object>> actual) {
        int[] ranking = BruteForce.rank(f);
        List<Object> expectedIds = new ArrayList<>();
        for (int r = 0; r < actual.size(); r++) {
            expectedIds.add(window.get(ranking[r]).get("_id"));
        }
        assertEquals(what, expectedIds, actual.stream().map(h -> h.get("_id")).toList());
        for (int r = 0; r < actual.size(); r++) {
            double want = Math.max(f[ranking[r]], 0);
            double got = ((Number) actual.get(r).get("_score")).doubleValue();
            assertEquals(what + " rank " + r, want, got, 1e-6 * Math.max(1, Math.abs(want)));
        }
    }

    public void testThreeShardsRankAsOneShardAndAsBruteForce() throws IOException {
        int window = between(20, 80);
        int k = between(3, 20);
        double gamma = randomFrom(1.0, 3.0);
        double alpha = randomFrom(0.9, 0.99);
        int queryK = between(1, 10);
        int maxIterations = between(5, 30);
        double tolerance = randomFrom(1e-6, 1e-3);
        float[] q = randomQuery();
        int size = between(1, window);

        List<Map<String, Object>> firstPass = hits(search(ONE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": "
            + exactInner(q) + "}"));
        assertEquals(window, firstPass.size());
        double[] expected = expected(firstPass, q, k, gamma, alpha, queryK, maxIterations, tolerance);

        String body = String.format(Locale.ROOT, """
            {"size": %d, "_source": false, "retriever": {"diffusion": {"retriever": %s, "field": "v", "rank_window_size": %d,
             "k": %d, "gamma": %s, "alpha": %s, "query_k": %d, "max_iterations": %d, "tolerance": %s}}}""",
            size, exactInner(q), window, k, gamma, alpha, queryK, maxIterations, tolerance);
        List<Map<String, Object>> one = hits(search(ONE, body));
        List<Map<String, Object>> three = hits(search(THREE, body));
        assertEquals(size, one.size());
        assertEquals(size, three.size());
        String what = "window " + window + " k " + k + " query_k " + queryK;
        assertRanksAsExpected(what + " one shard", firstPass, expected, one);
        assertRanksAsExpected(what + " three shards", firstPass, expected, three);
        for (int r = 0; r < size; r++) {
            assertEquals(one.get(r).get("_id"), three.get(r).get("_id"));
            assertEquals(((Number) one.get(r).get("_score")).doubleValue(), ((Number) three.get(r).get("_score")).doubleValue(), 1e-6);
        }
    }

    public void testPagesThroughTheWholeWindow() throws IOException {
        float[] q = randomQuery();
        int window = 40;
        String retriever = "{\"diffusion\": {\"retriever\": " + exactInner(q) + ", \"field\": \"v\", \"rank_window_size\": " + window
            + ", \"k\": 10}}";
        List<Map<String, Object>> all = hits(search(THREE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": " + retriever + "}"));
        List<Map<String, Object>> page = hits(search(THREE, "{\"from\": 15, \"size\": 10, \"_source\": false, \"retriever\": " + retriever + "}"));
        assertEquals(all.subList(15, 25).stream().map(h -> h.get("_id")).toList(), page.stream().map(h -> h.get("_id")).toList());
    }

    public void testKnnRetrieverAndDefaults() throws IOException {
        float[] q = randomQuery();
        int window = 60;
        String knn = "{\"knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + window + ", \"num_candidates\": " + DOCS
            + "}}";
        List<Map<String, Object>> firstPass = hits(search(THREE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": " + knn
            + "}"));
        assertEquals(window, firstPass.size());
        double[] expected = expected(firstPass, q, 50, 3, 0.99, 10, 20, 1e-6); // the definitions' defaults
        List<Map<String, Object>> diffused = hits(search(THREE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": "
            + "{\"diffusion\": {\"retriever\": " + knn + ", \"field\": \"v\", \"rank_window_size\": " + window + "}}}"));
        assertRanksAsExpected("knn inner retriever", firstPass, expected, diffused);
    }

    public void testExplicitQueryVectorOverridesTheInnerOne() throws IOException {
        float[] q = randomQuery();
        float[] other = randomQuery();
        int window = 30;
        List<Map<String, Object>> firstPass = hits(search(THREE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": "
            + exactInner(q) + "}"));
        double[] expected = expected(firstPass, other, 10, 3, 0.99, 10, 20, 1e-6);
        List<Map<String, Object>> diffused = hits(search(THREE, "{\"size\": " + window + ", \"_source\": false, \"retriever\": "
            + "{\"diffusion\": {\"retriever\": " + exactInner(q) + ", \"field\": \"v\", \"rank_window_size\": " + window
            + ", \"k\": 10, \"query_vector\": " + json(other) + "}}}"));
        assertRanksAsExpected("explicit query vector", firstPass, expected, diffused);
    }

    public void testWindowOverTheRequestBreakerIs429AndReleased() throws Exception {
        float[] q = randomQuery();
        // window 100 x 8 with k 50 is estimated at about 250 kB; window 10 with k 5 at about 5 kB.
        updateClusterSettings(org.elasticsearch.common.settings.Settings.builder().put("indices.breaker.request.limit", "100kb"));
        try {
            String big = "{\"size\": 10, \"retriever\": {\"diffusion\": {\"retriever\": " + exactInner(q)
                + ", \"field\": \"v\", \"rank_window_size\": 100, \"k\": 50}}}";
            // every node coordinates once: each accounts on its own request breaker
            for (String node : internalCluster().getNodeNames()) {
                assertEquals(102_400, internalCluster().getInstance(CircuitBreakerService.class, node).getBreaker(CircuitBreaker.REQUEST)
                    .getLimit());
                try (org.elasticsearch.client.RestClient client = clientOf(node)) {
                    ResponseException e = expectThrows(ResponseException.class, () -> call(client, "POST", "/" + THREE + "/_search", big));
                    assertEquals(e.getMessage(), 429, status(e));
                    assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
                    assertThat(e.getMessage(), containsString("diffusion window of 100 x 8, k 50"));
                }
            }

            String rescore = "{\"size\": 10, \"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": "
                + DOCS + ", \"exact\": true}}, \"rescore\": {\"window_size\": 100, \"diffusion\": {\"field\": \"v\", \"query_vector\": "
                + json(q) + ", \"k\": 50}}}";
            ResponseException r = expectThrows(ResponseException.class, () -> search(ONE, rescore));
            assertEquals(r.getMessage(), 429, status(r));
            assertThat(r.getMessage(), containsString("circuit_breaking_exception"));

            String small = "{\"size\": 10, \"retriever\": {\"diffusion\": {\"retriever\": " + exactInner(q)
                + ", \"field\": \"v\", \"rank_window_size\": 10, \"k\": 5}}}";
            assertEquals(10, hits(search(THREE, small)).size());
        } finally {
            updateClusterSettings(org.elasticsearch.common.settings.Settings.builder().putNull("indices.breaker.request.limit"));
        }
        for (String node : internalCluster().getNodeNames()) {
            CircuitBreaker breaker = internalCluster().getInstance(CircuitBreakerService.class, node).getBreaker(CircuitBreaker.REQUEST);
            assertBusy(() -> assertEquals("request breaker of " + node, 0, breaker.getUsed()));
        }
    }

    public void testBadInputIs400() throws IOException {
        float[] q = randomQuery();
        String inner = exactInner(q);
        String[][] cases = {
            { "\"retriever\": " + inner + ", \"field\": \"missing\"", "field [missing] does not exist in the mapping of index" },
            { "\"retriever\": " + inner + ", \"field\": \"tag\"", "field [tag] is of type [keyword], not [dense_vector]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"rank_window_size\": 0", "[rank_window_size] must be in [1, 10000]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"rank_window_size\": 20000", "[rank_window_size] must be in [1, 10000]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"k\": 0", "[k] must be in [1, 10000]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"query_k\": 0", "[query_k] must be in [1, 10000]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"alpha\": 1", "[alpha] must be in (0, 1)" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"query_vector\": [1, 0]",
                "different number of dimensions [2] than the document vectors [8]" },
            { "\"retriever\": {\"standard\": {\"query\": {\"match_all\": {}}}}, \"field\": \"v\"",
                "cannot take the query vector from the inner retriever" },
            { "\"field\": \"v\"", "[diffusion] requires an inner [retriever]" },
            { "\"retriever\": " + inner, "[diffusion] requires [field]" },
            { "\"retriever\": " + inner + ", \"field\": \"v\", \"rank_window_size\": 5", "must be >= from + size [10] but was [5]" } };
        for (String[] c : cases) {
            String body = "{\"retriever\": {\"diffusion\": {" + c[0] + "}}}";
            ResponseException e = expectThrows(ResponseException.class, () -> search(THREE, body));
            assertEquals(c[0] + ": " + e.getMessage(), 400, status(e));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
    }
}
