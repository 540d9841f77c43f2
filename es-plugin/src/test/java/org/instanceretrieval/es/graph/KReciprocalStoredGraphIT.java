package org.instanceretrieval.es.graph;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The {@code k_reciprocal} rescorer on a stored neighbour graph built for real ({@code POST <index>/_retrieval/graph/_build})
 * on a two-shard index in a cluster of two data nodes, over HTTP: each shard's window ({@code preference=_shards:<s>}) ranks
 * and scores as {@link KReciprocalStoredBruteForce} computed from the lists read back from the doc values; {@code auto} picks the
 * stored graph when usable and the window's vectors otherwise; {@code stored} explains every unusable case; a window over the
 * {@code retrieval} breaker is a 429 that leaves nothing charged.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class KReciprocalStoredGraphIT extends RetrievalIntegTestCase {

    private static final String INDEX = "krg";
    private static final String BARE = "krg-none";
    private static final int DOCS = 200;
    private static final int DIMS = 6;
    private static final int STORED_K = 12;

    private GraphTestData data;
    private Map<String, GraphTestData.List2> lists;

    private void indexAndBuild() throws Exception {
        data = GraphTestData.clustered(DOCS, DIMS, 5, 0.5f, random());
        for (float[] v : data.vectors.values()) {
            unitInPlace(v); // unit vectors: the stored similarities are cosines
        }
        for (String index : new String[] { INDEX, BARE }) {
            assertAcked(prepareCreate(index).setSettings(indexSettings(2, 0)).setMapping(GraphTestData.mapping(DIMS, "hnsw")));
            data.index(client(), index, 0);
        }
        ensureGreen(INDEX, BARE);
        Map<String, Object> built = call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/graph/_build",
            "{\"field\": \"v\", \"k\": " + STORED_K + "}");
        assertEquals("done", built.get("state"));
        lists = new HashMap<>();
        for (Map.Entry<String, byte[]> e : GraphTestData.storedBytes(client(), INDEX, "v").entrySet()) {
            lists.put(e.getKey(), GraphTestData.decode(e.getValue()));
        }
        assertEquals(DOCS, lists.size());
    }

    private static void unitInPlace(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += (double) f * f;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (v[j] / Math.sqrt(norm));
        }
    }

    private float[] query() {
        float[] q = data.vectors.get(GraphTestData.id(random().nextInt(DOCS))).clone();
        for (int j = 0; j < DIMS; j++) {
            q[j] += 0.3f * (float) random().nextGaussian();
        }
        unitInPlace(q);
        return q;
    }

    private static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }

    private static String mainQuery(float[] q) {
        return "{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS + ", \"exact\": true}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private static List<Map<String, Object>> rescore(String index, String preference, float[] q, int window, String options)
        throws IOException {
        String body = "{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q) + ", \"rescore\": {\"window_size\": "
            + window + ", \"k_reciprocal\": {\"field\": \"v\", \"query_vector\": " + json(q) + options + "}}}";
        return hits(call(getRestClient(), "POST", "/" + index + "/_search" + preference, body));
    }

    private static String[] firstPass(String preference, float[] q, int window) throws IOException {
        return hits(call(getRestClient(), "POST", "/" + INDEX + "/_search" + preference, "{\"size\": " + window + ", \"_source\": false, "
            + "\"query\": " + mainQuery(q) + "}")).stream().map(h -> (String) h.get("_id")).toArray(String[]::new);
    }

    private double[] querySims(float[] q, String[] window) {
        double[] s = new double[window.length];
        for (int i = 0; i < window.length; i++) {
            float[] x = data.vectors.get(window[i]);
            for (int j = 0; j < DIMS; j++) {
                s[i] += (double) q[j] * x[j];
            }
        }
        return s;
    }

    private static void assertRanks(String what, String[] window, double[] expected, List<Map<String, Object>> rescored) {
        int[] ranking = KReciprocalStoredBruteForce.rank(expected);
        assertEquals(what, window.length, rescored.size());
        for (int r = 0; r < ranking.length; r++) {
            assertEquals(what + " rank " + r, window[ranking[r]], rescored.get(r).get("_id"));
            assertEquals(what + " rank " + r, 1 / (1 + expected[ranking[r]]), ((Number) rescored.get(r).get("_score")).doubleValue(), 1e-5);
        }
    }

    public void testEachShardRanksAsTheDefinitionOnTheListsReadBackAndAutoPicksTheStoredGraph() throws Exception {
        indexAndBuild();
        for (int round = 0; round < 2; round++) {
            float[] q = query();
            int window = between(30, 60);
            int k1 = randomFrom(STORED_K, between(2, STORED_K));
            int k2 = between(1, 6);
            double lambda = randomFrom(0.3, randomDoubleBetween(0, 1, true));
            String options = String.format(Locale.ROOT, ", \"k1\": %d, \"k2\": %d, \"lambda\": %s", k1, k2, lambda);
            for (int shard = 0; shard < 2; shard++) {
                String preference = "?preference=_shards:" + shard;
                String[] ids = firstPass(preference, q, window);
                double[] expected = KReciprocalStoredBruteForce.finalDistances(ids, querySims(q, ids), lists, k1, k2, lambda);
                String what = "shard " + shard + " window " + window + options;
                assertRanks(what + " stored", ids, expected, rescore(INDEX, preference, q, window, options + ", \"graph\": \"stored\""));
                assertRanks(what + " auto", ids, expected, rescore(INDEX, preference, q, window, options));
                // the window's vectors give other distances (every pair known): graph window is not the stored result
                List<Map<String, Object>> windowPath = rescore(INDEX, preference, q, window, options + ", \"graph\": \"window\"");
                double maxDiff = 0;
                for (Map<String, Object> hit : windowPath) {
                    int at = java.util.Arrays.asList(ids).indexOf((String) hit.get("_id"));
                    maxDiff = Math.max(maxDiff, Math.abs(((Number) hit.get("_score")).doubleValue() - 1 / (1 + expected[at])));
                }
                assertTrue(what + ": graph window should differ from stored, max difference " + maxDiff, maxDiff > 1e-4);
                // k1 above the stored k: auto re-ranks on the window's vectors
                String above = String.format(Locale.ROOT, ", \"k1\": %d, \"k2\": %d, \"lambda\": %s", STORED_K + 1, k2, lambda);
                assertEquals(rescore(INDEX, preference, q, window, above + ", \"graph\": \"window\""),
                    rescore(INDEX, preference, q, window, above));
            }
        }
    }

    private void setMarker(String field, String state) {
        GraphMarker marker = new GraphMarker(field, STORED_K, "exact", state, "fixture:2", 1L, GraphMarker.DONE.equals(state) ? 2L : null,
            null, GraphMarker.FAILED.equals(state) ? "node left during the build" : null);
        client().admin().indices().preparePutMapping(INDEX).setSource(Map.of("_meta", Map.of(GraphMarker.KEY, marker.toMap()))).get();
    }

    public void testStoredExplainsEveryUnusableGraph() throws Exception {
        indexAndBuild();
        float[] q = query();
        Object[][] cases = {
            { BARE, ", \"graph\": \"stored\"", 400, "[k_reciprocal] [graph] is [stored] but index [krg-none] has no neighbour graph for "
                + "field [v]: build one with POST krg-none/_retrieval/graph/_build" },
            { INDEX, ", \"graph\": \"stored\", \"k1\": 13", 400, "[k_reciprocal] [k1] is [13] but the neighbour graph of index [krg] for "
                + "field [v] stores only k [12] neighbours per document: use k1 <= 12 or rebuild the graph with POST "
                + "krg/_retrieval/graph/_build" },
            { INDEX, ", \"graph\": \"yes\"", 400, "[k_reciprocal] [graph] must be one of [stored, window, auto] but was [yes]" } };
        for (Object[] c : cases) {
            ResponseException e = expectThrows(ResponseException.class, () -> rescore((String) c[0], "", q, 20, (String) c[1]));
            assertEquals(c[1].toString(), c[2], status(e));
            assertThat(e.getMessage(), containsString(c[3].toString()));
        }
        Object[][] markers = {
            { "v", GraphMarker.RUNNING, 409, "[k_reciprocal] [graph] is [stored] but the neighbour graph of index [krg] for field [v] is "
                + "being built (task [fixture:2])" },
            { "v", GraphMarker.FAILED, 400, "is [failed] (task [fixture:2], reason [node left during the build]): rebuild it with POST "
                + "krg/_retrieval/graph/_build" },
            { "w", GraphMarker.DONE, 400, "was built for field [w], not for field [v]: rebuild it for [v]" } };
        for (Object[] m : markers) {
            setMarker((String) m[0], (String) m[1]);
            ResponseException e = expectThrows(ResponseException.class, () -> rescore(INDEX, "", q, 20, ", \"graph\": \"stored\""));
            assertEquals(m[1].toString(), m[2], status(e));
            assertThat(e.getMessage(), containsString(m[3].toString()));
            // auto falls back to the window's vectors
            assertEquals(rescore(INDEX, "", q, 20, ", \"graph\": \"window\""), rescore(INDEX, "", q, 20, ""));
        }
    }

    public void testStoredWindowOverTheRetrievalBreakerIs429() throws Exception {
        indexAndBuild();
        float[] q = query();
        rescore(INDEX, "", q, 5, ", \"graph\": \"stored\", \"k1\": 10"); // caches the segments' ids (charged while cached)
        long before = retrievalBreakerUsed();
        call(getRestClient(), "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": \"" + (before + 50_000)
            + "b\"}}");
        try {
            ResponseException e = expectThrows(ResponseException.class, () -> rescore(INDEX, "", q, 90, ", \"graph\": \"stored\", \"k1\": 10"));
            assertEquals(429, status(e));
            assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
            assertThat(e.getMessage(), containsString("<k_reciprocal stored-graph window of 90, stored k 12, k1 10>"));
            assertEquals(5, rescore(INDEX, "", q, 5, ", \"graph\": \"stored\", \"k1\": 10").size());
        } finally {
            call(getRestClient(), "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": null}}");
        }
        assertEquals(before, retrievalBreakerUsed());
    }

    @SuppressWarnings("unchecked")
    private static long retrievalBreakerUsed() throws IOException {
        Map<String, Object> nodes = (Map<String, Object>) call(getRestClient(), "GET", "/_nodes/stats/breaker", null).get("nodes");
        long used = 0;
        for (Object node : nodes.values()) {
            Map<String, Object> breaker = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) node).get("breakers"))
                .get("retrieval");
            used += ((Number) breaker.get("estimated_size_in_bytes")).longValue();
        }
        return used;
    }
}
