package org.instanceretrieval.es.dba;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.es.graph.GraphFields;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.StoredGraphFixture;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.graph.NeighbourListCodec;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The DBA job with {@code "graph": true} on a two-node cluster over real HTTP, reading a brute-force neighbour graph written by
 * the test (lists as {@link GraphFields} defines them, marker in {@code _meta}): every document's {@code target_field} equals
 * alpha-DBA of {@link BruteForce#alphaDba} on the same unit vectors (to 1e-6) on a 1-shard and a 3-shard index (documents with
 * custom routing included), so both give the same vectors, and equals the exact path ({@code graph} false); the errors of a
 * missing, foreign, running (a real build) or failed graph, a too small k, a document indexed after the build and a deleted
 * neighbour; the same on a graph written by the build job; a 429 under a small {@code retrieval} breaker limit.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class GraphDbaIT extends RetrievalIntegTestCase {

    private static final int DIMS = 8;
    private static final int COUNT = 150;
    private static final int K = 6;
    private static final int WITHOUT_FIELD = 2;

    private void createIndex(String index, int shards) {
        assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", shards)
            .put("index.number_of_replicas", 0)).setMapping("{\"properties\": {"
                + "\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\"}, "
                + "\"w\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\"}, "
                + "\"t\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"index\": false}, "
                + "\"exact\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"index\": false}, "
                + "\"tag\": {\"type\": \"keyword\"}}}"));
    }

    /** Seeded clustered unit vectors (8 centres, noise 0.3): neighbour lists are meaningful and free of ties. */
    private float[][] unitVectors(int count) {
        float[][] centres = new float[8][DIMS];
        for (float[] c : centres) {
            for (int j = 0; j < DIMS; j++) {
                c[j] = (float) random().nextGaussian();
            }
        }
        float[][] vectors = new float[count][DIMS];
        for (int i = 0; i < count; i++) {
            double norm = 0;
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = centres[i % centres.length][j] + (float) (0.3 * random().nextGaussian());
                norm += (double) vectors[i][j] * vectors[i][j];
            }
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = (float) (vectors[i][j] / Math.sqrt(norm));
            }
        }
        return vectors;
    }

    /** Document i is {@code "<i>"}, routed by {@code "r<i % 7>"} when {@code routed}, plus documents without a vector. */
    private void index(String index, float[][] vectors, boolean routed) {
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < vectors.length; i++) {
            var request = client().prepareIndex(index).setId(Integer.toString(i)).setSource("v", vectors[i], "tag", "x");
            bulk.add(routed ? request.setRouting("r" + (i % 7)) : request);
        }
        for (int i = 0; i < WITHOUT_FIELD; i++) {
            bulk.add(client().prepareIndex(index).setId("none" + i).setSource("tag", "none"));
        }
        var response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
    }

    /** Writes the fixture's lists (with each document's routing) and a graph marker of {@code field}, {@code k}, {@code state}. */
    private void writeGraph(String index, StoredGraphFixture graph, boolean routed, String field, int k, String state) {
        client().admin().indices().preparePutMapping(index)
            .setSource(Map.of("properties", Map.of(GraphFields.neighbours("v"), GraphFields.binaryDocValuesMapping()))).get();
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < graph.size(); i++) {
            String encoded = Base64.getEncoder().encodeToString(NeighbourListCodec.encode(graph.list(i)));
            var update = client().prepareUpdate(index, Integer.toString(i)).setDoc(Map.of(GraphFields.neighbours("v"), encoded));
            bulk.add(routed ? update.setRouting("r" + (i % 7)) : update);
        }
        var response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
        marker(index, field, k, state);
    }

    private void marker(String index, String field, int k, String state) {
        GraphMarker marker = new GraphMarker(field, k, "exact", state, "builder:7", 1L, GraphMarker.DONE.equals(state) ? 2L : null,
            GraphMarker.DONE.equals(state) ? (long) COUNT : null, GraphMarker.FAILED.equals(state) ? "node left" : null);
        client().admin().indices().preparePutMapping(index).setSource(Map.of("_meta", Map.of(GraphMarker.KEY, marker.toMap()))).get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, float[]> vectorsOf(RestClient client, String index, String field) throws Exception {
        Map<String, Object> found = call(client, "POST", "/" + index + "/_search",
            "{\"size\": 1000, \"_source\": [\"" + field + "\"], \"query\": {\"exists\": {\"field\": \"" + field + "\"}}}");
        Map<String, float[]> out = new HashMap<>();
        for (Object hit : (List<Object>) ((Map<String, Object>) found.get("hits")).get("hits")) {
            Map<String, Object> h = (Map<String, Object>) hit;
            List<Number> values = (List<Number>) ((Map<String, Object>) h.get("_source")).get(field);
            float[] v = new float[values.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = values.get(j).floatValue();
            }
            out.put((String) h.get("_id"), v);
        }
        return out;
    }

    private static void assertVectors(String what, float[][] expected, Map<String, float[]> actual) {
        assertEquals(what, expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            float[] got = actual.get(Integer.toString(i));
            assertNotNull(what + ": no vector for " + i, got);
            for (int j = 0; j < DIMS; j++) {
                assertEquals(what + " " + i + "[" + j + "]", expected[i][j], got[j], 1e-6);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public void testGraphDbaEqualsBruteForceOnOneAndThreeShardsAndTheExactPath() throws Exception {
        String[] nodes = twoNodes();
        float[][] vectors = unitVectors(COUNT);
        StoredGraphFixture graph = StoredGraphFixture.of(vectors, K);
        float[][] expected = BruteForce.alphaDba(vectors, 5, 2.5);
        createIndex("gdba-1", 1);
        createIndex("gdba-3", 3);
        index("gdba-1", vectors, false);
        index("gdba-3", vectors, true); // custom routing: listed ids are not on the shard their id alone routes to
        writeGraph("gdba-1", graph, false, "v", K, GraphMarker.DONE);
        writeGraph("gdba-3", graph, true, "v", K, GraphMarker.DONE);
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            for (String index : new String[] { "gdba-1", "gdba-3" }) {
                Map<String, Object> result = call(a, "POST", "/" + index + "/_retrieval/dba",
                    "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5, \"alpha\": 2.5, \"graph\": true}");
                assertEquals("done", result.get("state"));
                assertEquals(COUNT, result.get("doc_count"));
                assertEquals(WITHOUT_FIELD, result.get("docs_without_field"));
                assertEquals("builder:7", result.get("graph_task"));
                assertVectors(index + " graph", expected, vectorsOf(b, index, "t"));
                Map<String, Object> mapping = call(b, "GET", "/" + index + "/_mapping", null);
                Map<String, Object> meta = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) mapping.get(index))
                    .get("mappings")).get("_meta");
                Map<String, Object> dba = (Map<String, Object>) meta.get(DbaMarker.KEY);
                assertEquals("done", dba.get("state"));
                assertEquals("builder:7", dba.get("graph_task"));
                assertEquals("done", ((Map<String, Object>) meta.get(GraphMarker.KEY)).get("state"));
                assertEquals(COUNT + WITHOUT_FIELD, call(b, "GET", "/" + index + "/_count", null).get("count"));
            }
            Map<String, Object> exact = call(a, "POST", "/gdba-3/_retrieval/dba", "{\"field\": \"v\", \"target_field\": \"exact\", "
                + "\"n\": 5, \"alpha\": 2.5}");
            assertEquals("done", exact.get("state"));
            Map<String, float[]> graphVectors = vectorsOf(b, "gdba-3", "t");
            float[][] inOrder = new float[COUNT][];
            for (int i = 0; i < COUNT; i++) {
                inOrder[i] = graphVectors.get(Integer.toString(i));
            }
            assertVectors("exact path", inOrder, vectorsOf(b, "gdba-3", "exact"));
            assertVectors("1 shard against 3 shards", inOrder, vectorsOf(a, "gdba-1", "t"));
        }
    }

    private static void assertStatus(RestClient client, String index, String body, int status, String message) {
        ResponseException e = failure(client, "POST", "/" + index + "/_retrieval/dba", body);
        assertEquals(e.getMessage(), status, status(e));
        assertThat(e.getMessage(), containsString(message));
    }

    public void testGraphErrors() throws Exception {
        float[][] vectors = unitVectors(40);
        StoredGraphFixture graph = StoredGraphFixture.of(vectors, K);
        createIndex("gdba-err", 2);
        index("gdba-err", vectors, false);
        String body = "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5, \"graph\": true}";
        try (RestClient a = clientOf(twoNodes()[0])) {
            assertStatus(a, "gdba-err", body, 400, "[graph] is true but index [gdba-err] has no neighbour graph; build one for [field] [v] "
                + "with POST gdba-err/_retrieval/graph/_build");
            writeGraph("gdba-err", graph, false, "w", K, GraphMarker.DONE);
            assertStatus(a, "gdba-err", body, 400, "the neighbour graph of index [gdba-err] is built on field [w], not on [field] [v]");
            marker("gdba-err", "v", K, GraphMarker.RUNNING); // its task builder:7 does not exist: a build that died
            assertStatus(a, "gdba-err", body, 400, "the neighbour graph of [v] in index [gdba-err] is [failed] (reason: task [builder:7] "
                + "no longer exists");
            marker("gdba-err", "v", K, GraphMarker.FAILED);
            assertStatus(a, "gdba-err", body, 400, "the neighbour graph of [v] in index [gdba-err] is [failed] (reason: node left)");
            marker("gdba-err", "v", K, GraphMarker.DONE);
            assertStatus(a, "gdba-err", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 8, \"graph\": true}", 400,
                "[n] [8] needs each document and its [7] nearest neighbours but the neighbour graph of [v] in index [gdba-err] stores "
                    + "k [6]; use n <= [7] or rebuild the graph with k >= [7]");
            assertStatus(a, "gdba-err", "{\"field\": \"v\", \"target_field\": \"t\", \"graph\": \"yes\"}", 400,
                "[graph] must be true or false, got [yes]");

            // n = k + 1 is the largest n the graph serves
            assertEquals("done", call(a, "POST", "/gdba-err/_retrieval/dba",
                "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 7, \"graph\": true}").get("state"));

            client().prepareIndex("gdba-err").setId("late").setSource("v", vectors[0]).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                .get().decRef();
            assertStatus(a, "gdba-err", body, 400, "[1] documents of index [gdba-err] have a vector in [v] but no neighbour list in "
                + "[retrieval_graph.v]: they were indexed after the neighbour graph (task [builder:7]) was built");
            client().prepareDelete("gdba-err", "late").setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get().decRef();

            String listed = graph.list(0).id(0);
            client().prepareDelete("gdba-err", listed).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get().decRef();
            assertStatus(a, "gdba-err", body, 400, "document [" + listed + "], listed as a neighbour in the stored graph of [v], has no "
                + "vector in [v] in index [gdba-err]");
            @SuppressWarnings("unchecked")
            Map<String, Object> dba = (Map<String, Object>) call(a, "GET", "/gdba-err/_retrieval/dba", null).get("dba");
            assertEquals("failed", dba.get("state"));
            assertThat((String) dba.get("reason"), containsString("document [" + listed + "], listed as a neighbour"));
        }
    }

    /**
     * With the real build job: 409 naming the build's task while it runs (a slow build, one document per block), then, after an
     * {@code exact} build on 3 shards, the job gives alpha-DBA of {@link BruteForce#alphaDba}.
     */
    @SuppressWarnings("unchecked")
    public void testWithTheGraphBuildJob() throws Exception {
        float[][] vectors = unitVectors(400);
        createIndex("gdba-built", 3);
        index("gdba-built", vectors, false);
        try (RestClient a = clientOf(twoNodes()[0]); RestClient b = clientOf(twoNodes()[1])) {
            String task = (String) call(a, "POST", "/gdba-built/_retrieval/graph/_build?wait_for_completion=false",
                "{\"field\": \"v\", \"k\": 6, \"block_size\": 1}").get("task");
            assertBusy(() -> {
                try {
                    assertEquals("running", call(b, "GET", "/gdba-built/_retrieval/graph", null).get("state"));
                } catch (ResponseException e) {
                    fail("no graph marker yet: " + e.getMessage());
                }
            }, 60, TimeUnit.SECONDS);
            assertStatus(b, "gdba-built", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5, \"graph\": true}", 409,
                "the neighbour graph of [v] in index [gdba-built] is being built (task [" + task + "])");
            call(a, "POST", "/_tasks/" + task + "/_cancel", null);
            call(a, "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=30s", null);

            assertEquals("done", call(a, "POST", "/gdba-built/_retrieval/graph/_build", "{\"field\": \"v\", \"k\": 6}").get("state"));
            Map<String, Object> result = call(b, "POST", "/gdba-built/_retrieval/dba",
                "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 7, \"alpha\": 1.5, \"graph\": true}");
            assertEquals("done", result.get("state"));
            assertEquals(400, result.get("doc_count"));
            assertVectors("built graph", BruteForce.alphaDba(vectors, 7, 1.5), vectorsOf(a, "gdba-built", "t"));
        }
    }

    public void testABlockOverTheBreakerLimitIs429() throws Exception {
        float[][] vectors = unitVectors(100);
        createIndex("gdba-breaker", 1);
        index("gdba-breaker", vectors, false);
        writeGraph("gdba-breaker", StoredGraphFixture.of(vectors, K), false, "v", K, GraphMarker.DONE);
        try (RestClient a = clientOf(twoNodes()[0])) {
            call(a, "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": \"20kb\"}}");
            try {
                ResponseException e = failure(a, "POST", "/gdba-breaker/_retrieval/dba",
                    "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 7, \"graph\": true}");
                assertEquals(e.getMessage(), 429, status(e));
                assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
                assertThat(e.getMessage(), containsString("breaker.retrieval.limit"));
            } finally {
                call(a, "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": null}}");
            }
            long used = 0;
            for (CircuitBreakerService service : internalCluster().getInstances(CircuitBreakerService.class)) {
                CircuitBreaker breaker = service.getBreaker(RetrievalBreaker.NAME);
                used += breaker.getUsed();
            }
            assertEquals(0, used);
            assertEquals("done", call(a, "POST", "/gdba-breaker/_retrieval/dba",
                "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 7, \"graph\": true}").get("state"));
        }
    }
}
