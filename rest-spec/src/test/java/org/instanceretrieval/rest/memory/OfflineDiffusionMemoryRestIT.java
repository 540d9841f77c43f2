package org.instanceretrieval.rest.memory;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Node death 2 of issue 11 on the real node (512 MB heap), with offline rows stored per document on a stored neighbour graph
 * (issue 13). The graph is written here as the storage contract defines it (binary doc values {@code retrieval_graph.v}, the
 * list codec encoded by this test, a {@code done} marker in {@code _meta}): 20,000 x 128 vectors, k = 50 (a synthetic ring
 * graph: document i lists i+1 .. i+50). The issue's {@code n_trunc: 2000} is now a 400 (n_trunc - 1 must be at most the
 * graph's k, so a row never holds more than k + 1 entries); the largest build that is allowed runs in bounded blocks; default
 * offline searches, one and four at once, answer; whole-index diffusion loads the graph into the node cache, a cache limit
 * too small for it answers 429, and the node stays up throughout.
 */
public class OfflineDiffusionMemoryRestIT extends MemoryRestSupport {

    private static final int K = 50;

    /** One list in the codec of the storage contract: version 1, varint count, (varint id length, id, float LE) per entry. */
    static byte[] encode(String[] ids, float[] sims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        varint(out, ids.length);
        for (int t = 0; t < ids.length; t++) {
            byte[] id = ids[t].getBytes(StandardCharsets.UTF_8);
            varint(out, id.length);
            out.write(id, 0, id.length);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(sims[t]).array(), 0, 4);
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private void indexGraph(String index, int count, int dims) throws IOException {
        Request create = new Request("PUT", "/" + index);
        create.setJsonEntity("{\"settings\": {\"number_of_replicas\": 0, \"number_of_shards\": 2}, \"mappings\": {\"properties\": {\"v\": "
            + "{\"type\": \"dense_vector\", \"dims\": " + dims + ", \"similarity\": \"cosine\", \"index_options\": {\"type\": \"flat\"}}, "
            + "\"retrieval_graph\": {\"properties\": {\"v\": {\"type\": \"binary\", \"doc_values\": true}}}}}}");
        client().performRequest(create);
        Random random = new Random(42);
        for (int from = 0; from < count; from += 2000) {
            StringBuilder bulk = new StringBuilder();
            for (int i = from; i < Math.min(count, from + 2000); i++) {
                String[] ids = new String[K];
                float[] sims = new float[K];
                for (int t = 0; t < K; t++) {
                    ids[t] = "d" + ((i + 1 + t) % count);
                    sims[t] = 0.9f - 0.01f * t;
                }
                bulk.append("{\"index\": {\"_index\": \"").append(index).append("\", \"_id\": \"d").append(i).append("\"}}\n{\"v\": [");
                for (int j = 0; j < dims; j++) {
                    bulk.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
                }
                bulk.append("], \"retrieval_graph.v\": \"").append(Base64.getEncoder().encodeToString(encode(ids, sims))).append("\"}\n");
            }
            assertEquals(Boolean.FALSE, bulk(client(), bulk.toString()).get("errors"));
        }
        client().performRequest(new Request("POST", "/" + index + "/_refresh"));
        Request marker = new Request("PUT", "/" + index + "/_mapping");
        marker.setJsonEntity("{\"_meta\": {\"retrieval_graph\": {\"field\": \"v\", \"k\": " + K + ", \"method\": \"exact\", \"state\": "
            + "\"done\", \"task\": \"memory:1\", \"started_at\": 1, \"completed_at\": 2, \"doc_count\": " + count + "}}}");
        client().performRequest(marker);
    }

    private static Request build(String index, int nTrunc) {
        Request request = new Request("POST", "/" + index + "/_retrieval/diffusion/_build");
        request.setJsonEntity("{\"field\": \"v\", \"n_trunc\": " + nTrunc + "}");
        return request;
    }

    private static Request search(String index, int dims, String options) {
        StringBuilder query = new StringBuilder();
        for (int j = 0; j < dims; j++) {
            query.append(j == 0 ? "" : ",").append(j == 0 ? "1" : "0");
        }
        Request request = new Request("POST", "/" + index + "/_search");
        request.setJsonEntity("{\"size\": 10, \"retriever\": {\"diffusion\": {\"retriever\": {\"standard\": {\"query\": {\"retrieval_knn\": "
            + "{\"field\": \"v\", \"query_vector\": [" + query + "], \"k\": 100}}}}, \"field\": \"v\", \"query_vector\": [" + query
            + "], " + options + "}}}");
        return request;
    }

    private static int hits(Response response) throws IOException {
        return ((List<?>) ((Map<?, ?>) entityAsMap(response).get("hits")).get("hits")).size();
    }

    private void setCacheLimit(String limit) throws IOException {
        Request put = new Request("PUT", "/_cluster/settings");
        put.setJsonEntity("{\"persistent\": {\"retrieval.graph.cache.max_bytes\": " + (limit == null ? "null" : "\"" + limit + "\"") + "}}");
        client().performRequest(put);
    }

    public void testTheIssuesBuildIsRefusedAndBoundedBuildsAndSearchesAnswer() throws Exception {
        indexGraph("offline-big", 20_000, 128);
        ResponseException refused = expectThrows(ResponseException.class, () -> client().performRequest(build("offline-big", 2000)));
        assertEquals(400, refused.getResponse().getStatusLine().getStatusCode());
        assertTrue(refused.getMessage(), refused.getMessage().contains("[n_trunc] [2000] needs n_trunc - 1 <= the k [50] of the stored "
            + "neighbour graph of index [offline-big] field [v]"));
        assertNodeUp();

        Map<String, Object> built = entityAsMap(client().performRequest(build("offline-big", K + 1)));
        assertEquals(20_000, built.get("items"));
        assertEquals(20_000 * (K + 1), ((Number) built.get("stored_entries")).intValue());
        assertEquals(10, hits(client().performRequest(search("offline-big", 128, "\"offline\": \"true\""))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> four = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                four.add(pool.submit(() -> hits(client().performRequest(search("offline-big", 128, "\"offline\": \"auto\"")))));
            }
            for (Future<Integer> f : four) {
                assertEquals(10, (int) f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertNodeUp();

        // whole-index diffusion: a cache limit too small for the graph is a 429 naming the setting; the default limit serves it
        setCacheLimit("1mb");
        try {
            ResponseException e = expectThrows(ResponseException.class,
                () -> client().performRequest(search("offline-big", 128, "\"scope\": \"index\", \"offline\": \"false\"")));
            assertEquals(429, e.getResponse().getStatusLine().getStatusCode());
            assertTrue(e.getMessage(), e.getMessage().contains("raise the node setting [retrieval.graph.cache.max_bytes]"));
        } finally {
            setCacheLimit(null);
        }
        assertNodeUp();
        assertEquals(10, hits(client().performRequest(search("offline-big", 128, "\"scope\": \"index\", \"offline\": \"false\""))));

        Map<String, Object> deleted = entityAsMap(client().performRequest(new Request("DELETE", "/offline-big/_retrieval/diffusion")));
        assertEquals(Boolean.TRUE, deleted.get("acknowledged"));
        ResponseException again = expectThrows(ResponseException.class,
            () -> client().performRequest(new Request("DELETE", "/offline-big/_retrieval/diffusion")));
        assertEquals(404, again.getResponse().getStatusLine().getStatusCode());
        client().performRequest(new Request("DELETE", "/offline-big"));
        assertBusy(() -> {
            Map<?, ?> nodes = (Map<?, ?>) entityAsMap(client().performRequest(new Request("GET", "/_nodes/stats/breaker"))).get("nodes");
            for (Object node : nodes.values()) {
                Map<?, ?> retrieval = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) node).get("breakers")).get("retrieval");
                assertEquals("the deleted index's cached graph is released", 0, ((Number) retrieval.get("estimated_size_in_bytes")).intValue());
            }
        });
    }
}
