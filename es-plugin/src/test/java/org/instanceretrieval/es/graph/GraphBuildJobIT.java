package org.instanceretrieval.es.graph;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.es.memory.RetrievalBreaker;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The neighbour-graph build as a job on a 2-node cluster: 400s naming field, value and rule, 404 for a missing index, 409 while a
 * build runs (naming its task), cancellation leaving a {@code failed} marker, a stale {@code running} marker read as failed and
 * taken over, 429 under a tiny {@code retrieval} breaker (nothing written, nothing held), and the {@code hnsw} method's recall
 * against a brute force computed here.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class GraphBuildJobIT extends RetrievalIntegTestCase {

    private static final int DIMS = 16;

    private void create(String index, int shards) {
        assertAcked(prepareCreate(index).setSettings(indexSettings(shards, 0)).setMapping(GraphTestData.mapping(DIMS, "hnsw")));
    }

    private static void assertStatus(RestClient client, String index, String body, int status, String... messages) {
        ResponseException e = failure(client, "POST", "/" + index + "/_retrieval/graph/_build", body);
        assertEquals(e.getMessage(), status, status(e));
        for (String message : messages) {
            assertThat(e.getMessage(), containsString(message));
        }
    }

    public void testBadRequestsNameFieldValueAndRule() throws Exception {
        create("graph-err", 1);
        create("graph-err2", 1);
        assertAcked(prepareCreate("graph-bytes").setMapping("{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 4, "
            + "\"element_type\": \"byte\"}}}"));
        client().admin().indices().prepareAliases().addAlias(new String[] { "graph-err", "graph-err2" }, "graph-both").get();
        try (RestClient a = clientOf(twoNodes()[0])) {
            assertStatus(a, "graph-err", "{\"field\": \"w\"}", 400, "[field] [w] is not mapped in index [graph-err]");
            assertStatus(a, "graph-err", "{\"field\": \"tag\"}", 400, "[field] [tag] of index [graph-err] is of type [keyword], not [dense_vector]");
            assertStatus(a, "graph-bytes", "{\"field\": \"v\"}", 400, "[field] [v] of index [graph-bytes] has element_type [byte]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"k\": 1001}", 400, "[k] must be in [1, 1000], got [1001]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"k\": 0}", 400, "[k] must be in [1, 1000], got [0]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"method\": \"ivf\"}", 400, "[method] must be [exact] or [hnsw], got [ivf]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"num_candidates\": 100}", 400, "[num_candidates] applies to [method] [hnsw]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"method\": \"hnsw\", \"k\": 50, \"num_candidates\": 50}", 400,
                "[num_candidates] must be in [k + 1 = 51, 10000], got [50]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"block_size\": 0}", 400, "[block_size] must be in [1, 100000], got [0]");
            assertStatus(a, "graph-err", "{\"field\": \"v\", \"kk\": 1}", 400, "unknown key [kk]");
            assertStatus(a, "graph-err", "", 400, "a request body is required");
            assertStatus(a, "graph-err", "{\"field\": \"v\"}", 400, "no vectors: no document of index [graph-err] has a vector in [field] [v]");
            assertStatus(a, "graph-both", "{\"field\": \"v\"}", 400, "[index] [graph-both] names 2 indices [graph-err, graph-err2]");
            assertStatus(a, "no-such-index", "{\"field\": \"v\"}", 404, "index_not_found_exception");
            ResponseException get = failure(a, "GET", "/no-such-index/_retrieval/graph", null);
            assertEquals(404, status(get));
            assertThat(get.getMessage(), containsString("index_not_found_exception"));
            assertEquals(404, status(failure(a, "DELETE", "/no-such-index/_retrieval/graph", null)));
        }
    }

    @SuppressWarnings("unchecked")
    public void testRunningBuildIs409AndCancelLeavesFailed() throws Exception {
        GraphTestData.clustered(400, DIMS, 4, 0.3f, random()).index(client(), create2("graph-slow"), 0);
        try (RestClient a = clientOf(twoNodes()[0]); RestClient b = clientOf(twoNodes()[1])) {
            // block_size 1: 400 x 400 block reads, long enough to be seen running
            String task = (String) call(a, "POST", "/graph-slow/_retrieval/graph/_build?wait_for_completion=false",
                "{\"field\": \"v\", \"k\": 5, \"block_size\": 1}").get("task");
            assertBusy(() -> {
                try {
                    assertEquals("running", call(b, "GET", "/graph-slow/_retrieval/graph", null).get("state"));
                } catch (ResponseException e) {
                    fail("no marker yet: " + e.getMessage());
                }
            }, 60, TimeUnit.SECONDS);
            assertEquals(task, call(b, "GET", "/graph-slow/_retrieval/graph", null).get("task"));
            assertStatus(b, "graph-slow", "{\"field\": \"v\"}", 409, "a neighbour-graph build (task [" + task + "]) is already running",
                "POST _tasks/" + task + "/_cancel");
            ResponseException delete = failure(b, "DELETE", "/graph-slow/_retrieval/graph", null);
            assertEquals(409, status(delete));
            Map<String, Object> taskInfo = call(a, "GET", "/_tasks/" + task, null);
            Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) taskInfo.get("task")).get("status");
            assertEquals(400, status.get("documents"));
            assertEquals(400, status.get("blocks_total"));
            assertEquals(Boolean.TRUE, ((Map<String, Object>) taskInfo.get("task")).get("cancellable"));

            call(a, "POST", "/_tasks/" + task + "/_cancel", null);
            Map<String, Object> done = call(a, "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=25s", null);
            assertEquals(Boolean.TRUE, done.get("completed"));
            assertThat(String.valueOf(done.get("error")), containsString("task_cancelled_exception"));
            Map<String, Object> marker = call(b, "GET", "/graph-slow/_retrieval/graph", null);
            assertEquals("failed", marker.get("state"));
            assertThat(String.valueOf(marker.get("reason")), containsString("cancelled"));
            assertNull(marker.get("completed_at"));
        }
    }

    private String create2(String index) {
        create(index, 2);
        return index;
    }

    public void testStaleRunningMarkerReadsAsFailedAndIsTakenOver() throws Exception {
        GraphTestData data = GraphTestData.quarterGrid(30, DIMS, 4, random());
        data.index(client(), create2("graph-stale"), 0);
        try (RestClient a = clientOf(twoNodes()[0])) {
            call(a, "PUT", "/graph-stale/_mapping", "{\"_meta\": {\"retrieval_graph\": {\"field\": \"v\", \"k\": 5, \"method\": "
                + "\"exact\", \"state\": \"running\", \"task\": \"gone-node:4242\", \"started_at\": 1}}}");
            Map<String, Object> shown = call(a, "GET", "/graph-stale/_retrieval/graph", null);
            assertEquals("failed", shown.get("state"));
            assertThat(String.valueOf(shown.get("reason")), containsString("task [gone-node:4242] no longer exists"));
            Map<String, Object> built = call(a, "POST", "/graph-stale/_retrieval/graph/_build", "{\"field\": \"v\", \"k\": 4}");
            assertEquals("done", built.get("state"));
            assertEquals(30, call(a, "GET", "/graph-stale/_retrieval/graph", null).get("documents_covered"));
        }
    }

    public void testTinyBreakerIs429AndWritesNothing() throws Exception {
        GraphTestData.quarterGrid(200, DIMS, 10, random()).index(client(), create2("graph-breaker"), 0);
        updateClusterSettings(Settings.builder().put(RetrievalBreaker.LIMIT_SETTING, "2kb"));
        try (RestClient a = clientOf(twoNodes()[0])) {
            assertStatus(a, "graph-breaker", "{\"field\": \"v\"}", 429, "circuit_breaking_exception", RetrievalBreaker.LIMIT_SETTING);
            assertEquals(0, breakerUsed());
            assertEquals(404, status(failure(a, "GET", "/graph-breaker/_retrieval/graph", null)));
            assertEquals(Map.of(), GraphTestData.storedBytes(client(), "graph-breaker", "v"));
        } finally {
            updateClusterSettings(Settings.builder().putNull(RetrievalBreaker.LIMIT_SETTING));
        }
    }

    private static long breakerUsed() {
        long used = 0;
        for (CircuitBreakerService service : internalCluster().getInstances(CircuitBreakerService.class)) {
            CircuitBreaker breaker = service.getBreaker(RetrievalBreaker.NAME);
            used += breaker.getUsed();
        }
        return used;
    }

    public void testHnswRecallAgainstBruteForce() throws Exception {
        int docs = 2000;
        int k = 10;
        GraphTestData data = GraphTestData.clustered(docs, DIMS, 30, 0.35f, random());
        data.index(client(), create2("graph-hnsw"), 0);
        Map<String, GraphTestData.List2> exact = data.bruteForce(k);
        try (RestClient a = clientOf(twoNodes()[1])) {
            long start = System.nanoTime();
            String task = (String) call(a, "POST", "/graph-hnsw/_retrieval/graph/_build?wait_for_completion=false",
                "{\"field\": \"v\", \"k\": " + k + ", \"method\": \"hnsw\", \"block_size\": 1000}").get("task");
            Map<String, Object> built = waitFor(a, task);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("hnsw", built.get("method"));
            assertEquals(docs, built.get("doc_count"));
            Map<String, byte[]> stored = GraphTestData.storedBytes(client(), "graph-hnsw", "v");
            assertEquals(exact.keySet(), stored.keySet());
            long hits = 0;
            for (Map.Entry<String, byte[]> e : stored.entrySet()) {
                GraphTestData.List2 got = GraphTestData.decode(e.getValue());
                assertEquals(k, got.ids().size());
                assertFalse(got.ids().contains(e.getKey()));
                Set<String> truth = new HashSet<>(exact.get(e.getKey()).ids());
                for (int t = 0; t < k; t++) {
                    if (truth.contains(got.ids().get(t))) {
                        hits++;
                    }
                    float s = dot(data.vectors.get(e.getKey()), data.vectors.get(got.ids().get(t)));
                    assertEquals(s, got.sims().get(t), 1e-4f);
                    if (t > 0) {
                        float prev = got.sims().get(t - 1);
                        assertTrue(prev > got.sims().get(t) || (prev == got.sims().get(t)
                            && got.ids().get(t - 1).compareTo(got.ids().get(t)) < 0));
                    }
                }
            }
            double recall = hits / (double) (docs * k);
            logger.info("hnsw graph build: {} docs x {} dims, k {}, 2 shards: recall@{} = {} in {} ms", docs, DIMS, k, k, recall, millis);
            assertTrue("recall " + recall, recall >= 0.95);
        }
    }

    /** The response of a job started with wait_for_completion=false (the REST client times out after 30 s, jobs may take longer). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> waitFor(RestClient client, String task) throws Exception {
        for (int i = 0; i < 10; i++) {
            Map<String, Object> done;
            try {
                done = call(client, "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=25s", null);
            } catch (ResponseException e) {
                if (e.getMessage().contains("timed out")) {
                    continue;
                }
                throw e;
            }
            if (Boolean.TRUE.equals(done.get("completed"))) {
                assertNull(String.valueOf(done.get("error")), done.get("error"));
                return (Map<String, Object>) done.get("response");
            }
        }
        throw new AssertionError("task [" + task + "] still running");
    }

    private static float dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return (float) s;
    }
}
