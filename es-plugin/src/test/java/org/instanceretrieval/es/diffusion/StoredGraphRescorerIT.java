package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.StoredGraphFixture;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.junit.Before;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * The {@code diffusion} rescorer on the stored neighbour graph, over real HTTP on a one-shard index whose graph the
 * {@link StoredGraphFixture} wrote (brute-force top-{@value #STORED_K} lists, marker {@code done}): with {@code graph: stored}
 * the window ranks and scores as the independent dense truncation of {@link StoredGraphBruteForce}; it differs from
 * {@code graph: window}; {@code auto} picks the stored graph only when it is usable; {@code stored} explains every unusable case
 * (400 / 409); a window over the request breaker is a 429 and the breaker is empty afterwards.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class StoredGraphRescorerIT extends ClusteredVectorsIntegTestCase {

    private static final String INDEX = "graph-stored";
    private static final String BARE = "graph-none";
    private static final int DOCS = 120;
    private static final int CLUSTERS = 4;
    private static final int STORED_K = 40;

    private Map<String, NeighbourList> lists;

    /** The test framework gives some nodes a no-op request breaker at random; the breaker test needs real ones. */
    @Override
    protected Settings nodeSettings(int nodeOrdinal, Settings otherSettings) {
        return Settings.builder().put(super.nodeSettings(nodeOrdinal, otherSettings)).put("indices.breaker.request.type", "memory").build();
    }

    @Before
    public void indexVectorsAndGraph() {
        clusteredVectors(DOCS, CLUSTERS);
        indexVectors(INDEX, 1);
        indexVectors(BARE, 1);
        StoredGraphFixture fixture = StoredGraphFixture.of(vectors, STORED_K);
        fixture.write(client(), INDEX, "v", STORED_K, GraphMarker.DONE);
        lists = new HashMap<>();
        for (int i = 0; i < DOCS; i++) {
            lists.put(Integer.toString(i), fixture.list(i));
        }
        ensureGreen(INDEX, BARE);
    }

    private void setMarker(String field, int k, String state) {
        GraphMarker marker = new GraphMarker(field, k, "exact", state, "fixture:2", 1L, GraphMarker.DONE.equals(state) ? 2L : null, null,
            GraphMarker.FAILED.equals(state) ? "node left during the build" : null);
        client().admin().indices().preparePutMapping(INDEX).setSource(Map.of("_meta", Map.of(GraphMarker.KEY, marker.toMap()))).get();
    }

    private static String mainQuery(float[] q) {
        return "{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS + ", \"exact\": true}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private List<Map<String, Object>> rescore(String index, float[] q, int window, String options) throws IOException {
        String body = "{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q) + ", \"rescore\": {\"window_size\": "
            + window + ", \"diffusion\": {\"field\": \"v\", \"query_vector\": " + json(q) + (options.isEmpty() ? "" : ", " + options) + "}}}";
        return hits(call(getRestClient(), "POST", "/" + index + "/_search", body));
    }

    private String[] firstPass(float[] q, int window) throws IOException {
        List<Map<String, Object>> hits = hits(call(getRestClient(), "POST", "/" + INDEX + "/_search",
            "{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q) + "}"));
        return hits.stream().map(h -> (String) h.get("_id")).toArray(String[]::new);
    }

    private float[][] vectorsOf(String[] ids) {
        float[][] v = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            v[i] = vectors[Integer.parseInt(ids[i])];
        }
        return v;
    }

    private static void assertRanking(String what, String[] window, double[] f, List<Map<String, Object>> rescored) {
        int[] ranking = BruteForce.rank(f);
        assertEquals(what, window.length, rescored.size());
        for (int r = 0; r < window.length; r++) {
            assertEquals(what + " rank " + r, window[ranking[r]], rescored.get(r).get("_id"));
            float want = (float) f[ranking[r]];
            assertEquals(what + " rank " + r, want, ((Number) rescored.get(r).get("_score")).floatValue(), 1e-6f * Math.max(1f, Math.abs(want)));
        }
    }

    public void testStoredGraphEqualsTheIndependentTruncation() throws IOException {
        for (int round = 0; round < 3; round++) {
            int window = between(30, 100);
            int k = between(3, STORED_K);
            double gamma = randomFrom(1.0, 3.0);
            double alpha = randomFrom(0.9, 0.99);
            int queryK = between(1, 10);
            int maxIterations = between(5, 30);
            double tolerance = randomFrom(1e-6, 1e-3);
            float[] q = randomQuery();
            String[] ids = firstPass(q, window);
            double[] f = StoredGraphBruteForce.diffusion(ids, vectorsOf(ids), lists, q, k, gamma, queryK, alpha, tolerance, maxIterations);
            String options = String.format(Locale.ROOT, "\"graph\": \"stored\", \"k\": %d, \"gamma\": %s, \"alpha\": %s, \"query_k\": %d, "
                + "\"max_iterations\": %d, \"tolerance\": %s", k, gamma, alpha, queryK, maxIterations, tolerance);
            assertRanking("window " + window + " k " + k + " query_k " + queryK, ids, f, rescore(INDEX, q, window, options));
        }
    }

    public void testStoredDiffersFromTheWindowGraphAndAutoPicksStored() throws IOException {
        float[] q = randomQuery();
        // a window smaller than a cluster (30 documents): its items have stored neighbours outside it
        int window = 20;
        String[] ids = firstPass(q, window);
        float[][] v = vectorsOf(ids);
        double[] stored = StoredGraphBruteForce.diffusion(ids, v, lists, q, 10, 3, 10, 0.99, 1e-6, 20);
        double[] rebuilt = BruteForce.diffusion(v, q, 10, 3, 10, 0.99, 1e-6, 20);
        double maxDiff = 0;
        for (int i = 0; i < window; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(stored[i] - rebuilt[i]));
        }
        // neighbours outside the window are dropped, not replaced by window items: the graphs, and so f, differ
        assertTrue("the two definitions should differ on this window, max |f difference| " + maxDiff, maxDiff > 1e-4);
        assertRanking("stored", ids, stored, rescore(INDEX, q, window, "\"graph\": \"stored\", \"k\": 10"));
        assertRanking("window", ids, rebuilt, rescore(INDEX, q, window, "\"graph\": \"window\", \"k\": 10"));
        assertRanking("auto (done graph)", ids, stored, rescore(INDEX, q, window, "\"k\": 10"));
        // a request k above the stored k: auto diffuses on the window's graph
        assertRanking("auto (k 41 > 40)", ids, BruteForce.diffusion(v, q, 41, 3, 10, 0.99, 1e-6, 20), rescore(INDEX, q, window, "\"k\": 41"));
    }

    public void testAutoUsesTheWindowGraphUnlessTheStoredOneIsUsableAndStoredExplainsWhy() throws IOException {
        float[] q = randomQuery();
        int window = 30;
        String[] ids = firstPass(q, window);
        double[] rebuilt = BruteForce.diffusion(vectorsOf(ids), q, 8, 3, 10, 0.99, 1e-6, 20);
        Object[][] cases = {
            { "v", GraphMarker.RUNNING, 409, "the neighbour graph of index [graph-stored] for field [v] is being built (task [fixture:2])" },
            { "v", GraphMarker.FAILED, 400, "is [failed] (task [fixture:2], reason [node left during the build]): rebuild it with POST "
                + "graph-stored/_retrieval/graph/_build" },
            { "w", GraphMarker.DONE, 400, "was built for field [w], not for field [v]: rebuild it for [v] with POST "
                + "graph-stored/_retrieval/graph/_build" } };
        for (Object[] c : cases) {
            setMarker((String) c[0], STORED_K, (String) c[1]);
            assertRanking("auto with marker " + c[0] + " " + c[1], ids, rebuilt, rescore(INDEX, q, window, "\"k\": 8"));
            ResponseException e = expectThrows(ResponseException.class, () -> rescore(INDEX, q, window, "\"k\": 8, \"graph\": \"stored\""));
            assertEquals(e.getMessage(), c[2], status(e));
            assertThat(e.getMessage(), containsString(c[3].toString()));
        }
        setMarker("v", STORED_K, GraphMarker.DONE);
        ResponseException k = expectThrows(ResponseException.class, () -> rescore(INDEX, q, window, "\"k\": 41, \"graph\": \"stored\""));
        assertEquals(400, status(k));
        assertThat(k.getMessage(), containsString("[k] is [41] but the neighbour graph of index [graph-stored] for field [v] stores only k "
            + "[40] neighbours per document"));

        // an index without a graph
        String[] bareIds = hits(call(getRestClient(), "POST", "/" + BARE + "/_search",
            "{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q) + "}")).stream()
            .map(h -> (String) h.get("_id")).toArray(String[]::new);
        assertRanking("auto without a graph", bareIds, BruteForce.diffusion(vectorsOf(bareIds), q, 8, 3, 10, 0.99, 1e-6, 20),
            rescore(BARE, q, window, "\"k\": 8"));
        ResponseException none = expectThrows(ResponseException.class, () -> rescore(BARE, q, window, "\"graph\": \"stored\""));
        assertEquals(400, status(none));
        assertThat(none.getMessage(), containsString("[diffusion] [graph] is [stored] but index [graph-none] has no neighbour graph for field "
            + "[v]: build one with POST graph-none/_retrieval/graph/_build"));
        ResponseException bad = expectThrows(ResponseException.class, () -> rescore(BARE, q, window, "\"graph\": \"yes\""));
        assertEquals(400, status(bad));
        assertThat(bad.getMessage(), containsString("[diffusion] [graph] must be one of [stored, window, auto] but was [yes]"));
    }

    private static long retrievalBreakerUsed() {
        long used = 0;
        for (CircuitBreakerService service : internalCluster().getInstances(CircuitBreakerService.class)) {
            used += service.getBreaker(RetrievalBreaker.NAME).getUsed();
        }
        return used;
    }

    public void testSegmentIdsAreChargedToTheRetrievalBreakerUntilTheSegmentsClose() throws Exception {
        long before = retrievalBreakerUsed();
        float[] q = randomQuery();
        assertEquals(50, rescore(INDEX, q, 50, "\"graph\": \"stored\", \"k\": 40").size());
        // at least 8 bytes per document of the index's segments (deleted versions included) plus the ids' UTF-8
        long cached = retrievalBreakerUsed() - before;
        assertThat(cached, org.hamcrest.Matchers.greaterThanOrEqualTo(8L * DOCS + 190));
        // a second search reuses the cached ids
        assertEquals(50, rescore(INDEX, randomQuery(), 50, "\"graph\": \"stored\", \"k\": 40").size());
        assertEquals(cached, retrievalBreakerUsed() - before);
        client().admin().indices().prepareDelete(INDEX).get();
        assertBusy(() -> assertEquals(before, retrievalBreakerUsed()));
    }

    public void testWindowOverTheRequestBreakerIs429AndReleased() throws Exception {
        float[] q = randomQuery();
        // stored-graph window of 120 with k 40 is estimated at 128 * 120 + 40 * 120 * 40 + 12 * 40 + 8 * 8 + 1024 = 209,488 bytes;
        // the search itself holds some 80 kB of the request breaker meanwhile
        updateClusterSettings(Settings.builder().put("indices.breaker.request.limit", "150kb"));
        try {
            ResponseException e = expectThrows(ResponseException.class, () -> rescore(INDEX, q, DOCS, "\"graph\": \"stored\", \"k\": 40"));
            assertEquals(e.getMessage(), 429, status(e));
            assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
            assertThat(e.getMessage(), containsString("diffusion stored-graph window of 120, k 40"));
            // window 10, k 5: 128 * 10 + 40 * 10 * 5 + 60 + 64 + 1024 = 4,428 bytes plus ids
            assertEquals(10, rescore(INDEX, q, 10, "\"graph\": \"stored\", \"k\": 5").size());
        } finally {
            updateClusterSettings(Settings.builder().putNull("indices.breaker.request.limit"));
        }
        for (String node : internalCluster().getNodeNames()) {
            CircuitBreaker breaker = internalCluster().getInstance(CircuitBreakerService.class, node).getBreaker(CircuitBreaker.REQUEST);
            assertBusy(() -> assertEquals("request breaker of " + node, 0, breaker.getUsed()));
        }
    }
}
