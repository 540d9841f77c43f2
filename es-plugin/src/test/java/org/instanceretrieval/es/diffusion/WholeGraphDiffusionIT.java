package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.StoredGraphBruteForce;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.graph.StoredGraphFixture;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.junit.Before;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The {@code diffusion} retriever with {@code "scope": "index"} over real HTTP, on a graph written by {@link StoredGraphFixture}
 * into a one-shard and a three-shard index of the same documents (two nodes): both rank exactly as the independent dense
 * diffusion of {@link StoredGraphBruteForce} on the fixture's lists (same ids in the same order, scores to 1e-6); the node's
 * graph cache loads once, is dropped on a rebuild (new marker task), a deleted marker or a deleted index, releasing the
 * {@code retrieval} breaker; a graph over the cache's limit is a 429; no graph, a graph being built, another field and a k
 * larger than stored are 400 / 409.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class WholeGraphDiffusionIT extends ClusteredVectorsIntegTestCase {

    static final String ONE = "whole-one";
    static final String THREE = "whole-three";
    static final int DOCS = 150;
    static final int STORED_K = 12;

    protected StoredGraphFixture graph;

    @Before
    public void indexGraph() {
        clusteredVectors(DOCS, 5);
        indexVectors(ONE, 1);
        indexVectors(THREE, 3);
        ensureGreen(ONE, THREE);
        graph = StoredGraphFixture.of(vectors, STORED_K);
        graph.write(client(), ONE, "v", STORED_K, GraphMarker.DONE);
        graph.write(client(), THREE, "v", STORED_K, GraphMarker.DONE);
    }

    static String exactInner(float[] q) {
        return "{\"standard\": {\"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS
            + ", \"exact\": true}}}}";
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    static String body(float[] q, int window, String options) {
        return "{\"size\": " + window + ", \"_source\": false, \"retriever\": {\"diffusion\": {\"retriever\": " + exactInner(q)
            + ", \"field\": \"v\", \"scope\": \"index\", \"rank_window_size\": " + window + (options.isEmpty() ? "" : ", " + options)
            + "}}}";
    }

    public void testScopeIndexEqualsDenseDiffusionOnTheStoredGraph() throws Exception {
        for (int round = 0; round < 3; round++) {
            int k = between(3, STORED_K);
            double gamma = randomFrom(1.0, 3.0);
            double alpha = randomFrom(0.5, 0.9, 0.99);
            int queryK = between(1, 10);
            int window = between(10, 60);
            int iterations = randomFrom(5, 20, 50);
            float[] q = randomQuery();
            double[][] s = StoredGraphBruteForce.normalized(graph, vectors, k, gamma);
            double[] f = BruteForce.conjugateGradient(s, BruteForce.queryVector(vectors, q, queryK, gamma), alpha, 1e-6, iterations);
            Integer[] ranking = StoredGraphBruteForce.rank(f);
            String options = String.format(Locale.ROOT, "\"k\": %d, \"gamma\": %s, \"alpha\": %s, \"query_k\": %d, \"max_iterations\": %d, "
                + "\"offline\": \"false\"", k, gamma, alpha, queryK, iterations);
            for (String index : new String[] { ONE, THREE }) {
                List<Map<String, Object>> got = hits(call(getRestClient(), "POST", "/" + index + "/_search", body(q, window, options)));
                assertEquals(index, window, got.size());
                for (int r = 0; r < window; r++) {
                    assertEquals(index + " rank " + r, Integer.toString(ranking[r]), got.get(r).get("_id"));
                    double want = Math.max(f[ranking[r]], 0);
                    assertEquals(index + " score at rank " + r, want, ((Number) got.get(r).get("_score")).doubleValue(),
                        1e-6 * Math.max(1, want));
                }
            }
        }
    }

    private static StoredGraphCache cache(String node) {
        return internalCluster().getInstance(StoredGraphCache.class, node);
    }

    private static long retrievalBreakerUsed(String node) {
        CircuitBreaker breaker = internalCluster().getInstance(CircuitBreakerService.class, node).getBreaker(RetrievalBreaker.NAME);
        return breaker.getUsed();
    }

    private void writeMarker(String index, String task, String state, int k, String field) {
        GraphMarker marker = new GraphMarker(field, k, "exact", state, task, 1L, null, null, GraphMarker.FAILED.equals(state) ? "x" : null);
        client().admin().indices().preparePutMapping(index).setSource(Map.of("_meta", Map.of(GraphMarker.KEY, marker.toMap()))).get();
    }

    public void testTheNodeCacheLoadsOnceAndIsDroppedOnRebuildAndDelete() throws Exception {
        String node = internalCluster().getNodeNames()[0];
        StoredGraphCache cache = cache(node);
        String body = body(randomQuery(), 20, "\"k\": 10, \"offline\": \"false\"");
        try (RestClient client = clientOf(node)) {
            long loads = cache.loads();
            long builds = cache.affinityBuilds();
            long before = retrievalBreakerUsed(node);
            List<Map<String, Object>> first = hits(call(client, "POST", "/" + THREE + "/_search", body));
            assertEquals(loads + 1, cache.loads());
            assertEquals(builds + 1, cache.affinityBuilds());
            assertThat(cache.used(), greaterThan(0L));
            assertEquals("the breaker holds what the cache holds", before + cache.used(), retrievalBreakerUsed(node));
            assertEquals(first, hits(call(client, "POST", "/" + THREE + "/_search", body)));
            assertEquals("a second query reuses the cached graph and S", loads + 1, cache.loads());
            assertEquals(builds + 1, cache.affinityBuilds());

            // a rebuild: the marker names another task; the cache drops the old graph and loads the new one
            writeMarker(THREE, "fixture:2", GraphMarker.DONE, STORED_K, "v");
            assertBusy(() -> assertEquals(0, cache.size()));
            assertEquals(before, retrievalBreakerUsed(node));
            assertEquals(first, hits(call(client, "POST", "/" + THREE + "/_search", body)));
            assertEquals(loads + 2, cache.loads());

            // the graph deleted (no marker): dropped and released, and the search is a 400 naming how to build one
            client().admin().indices().preparePutMapping(THREE).setSource(Map.of("_meta", Map.of())).get();
            assertBusy(() -> assertEquals(0, cache.size()));
            assertEquals(before, retrievalBreakerUsed(node));
            ResponseException none = failure(client, "POST", "/" + THREE + "/_search", body);
            assertEquals(400, status(none));
            assertThat(none.getMessage(), containsString("needs the neighbour graph of index [" + THREE + "] field [v], but the index "
                + "has none: build it with POST " + THREE + "/_retrieval/graph/_build"));

            // the index deleted: dropped and released
            call(client, "POST", "/" + ONE + "/_search", body);
            assertEquals(1, cache.size());
            call(client, "DELETE", "/" + ONE, null);
            assertBusy(() -> assertEquals(0, cache.size()));
            assertEquals(before, retrievalBreakerUsed(node));
        }
    }

    public void testAGraphOverTheCacheLimitIs429() throws Exception {
        String node = internalCluster().getNodeNames()[1];
        try (RestClient client = clientOf(node)) {
            call(client, "PUT", "/_cluster/settings", "{\"persistent\": {\"" + StoredGraphCache.MAX_BYTES_KEY + "\": \"1kb\"}}");
            try {
                ResponseException e = failure(client, "POST", "/" + ONE + "/_search", body(randomQuery(), 10, "\"k\": 10, \"offline\": \"false\""));
                assertEquals(e.getMessage(), 429, status(e));
                assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
                assertThat(e.getMessage(), containsString("of its limit [1024]; raise the node setting [" + StoredGraphCache.MAX_BYTES_KEY
                    + "]"));
                assertEquals(0, cache(node).size());
            } finally {
                call(client, "PUT", "/_cluster/settings", "{\"persistent\": {\"" + StoredGraphCache.MAX_BYTES_KEY + "\": null}}");
            }
            assertEquals(10, hits(call(client, "POST", "/" + ONE + "/_search", body(randomQuery(), 10, "\"k\": 10, \"offline\": \"false\""))).size());
        }
    }

    public void testErrors() throws IOException {
        float[] q = randomQuery();
        ResponseException tooLarge = failure(getRestClient(), "POST", "/" + ONE + "/_search", body(q, 10, "\"k\": " + (STORED_K + 1)));
        assertEquals(400, status(tooLarge));
        assertThat(tooLarge.getMessage(), containsString("[diffusion] [scope] index: [k] [" + (STORED_K + 1) + "] is larger than the k ["
            + STORED_K + "] of the stored neighbour graph of index [" + ONE + "] field [v]"));

        ResponseException scope = failure(getRestClient(), "POST", "/" + ONE + "/_search", body(q, 10, "\"scope\": \"all\""));
        assertEquals(400, status(scope));

        ResponseException two = failure(getRestClient(), "POST", "/" + ONE + "," + THREE + "/_search", body(q, 10, ""));
        assertEquals(400, status(two));
        assertThat(two.getMessage(), containsString("[diffusion] [scope] index needs a search of exactly one index"));

        writeMarker(ONE, "node:7", GraphMarker.RUNNING, STORED_K, "v");
        ResponseException running = failure(getRestClient(), "POST", "/" + ONE + "/_search", body(q, 10, ""));
        assertEquals(409, status(running));
        assertThat(running.getMessage(), containsString("the neighbour graph of index [" + ONE + "] is being built (task [node:7])"));

        writeMarker(ONE, "node:8", GraphMarker.DONE, STORED_K, "w");
        ResponseException other = failure(getRestClient(), "POST", "/" + ONE + "/_search", body(q, 10, ""));
        assertEquals(400, status(other));
        assertThat(other.getMessage(), containsString("index [" + ONE + "] holds the neighbour graph of field [w], not of [field] [v]"));
    }
}
