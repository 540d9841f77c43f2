package org.instanceretrieval.rest.memory;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Node death 2 of issue 11 on the real node (512 MB heap). The offline diffusion build of 20,000 x 128 vectors with
 * {@code n_trunc: 2000} (320 MB of rows, several copies while stored) is refused with 429 before it is computed; default
 * diffusion searches, one and four at once, answer; the node stays up. A build that fits is charged again before each
 * search loads it (429 under a request breaker too small for it, while the window itself fits), and the documented
 * {@code DELETE {index}/_retrieval/diffusion} removes it (404 afterwards).
 */
public class OfflineDiffusionMemoryRestIT extends MemoryRestSupport {

    private void indexVectors(String index, int count, int dims) throws IOException {
        Request create = new Request("PUT", "/" + index);
        create.setJsonEntity("{\"settings\": {\"number_of_replicas\": 0}, \"mappings\": {\"properties\": {\"v\": {\"type\": "
            + "\"dense_vector\", \"dims\": " + dims + ", \"similarity\": \"cosine\", \"index_options\": {\"type\": \"flat\"}}}}}");
        client().performRequest(create);
        Random random = new Random(42);
        for (int from = 0; from < count; from += 2000) {
            StringBuilder bulk = new StringBuilder();
            for (int i = from; i < Math.min(count, from + 2000); i++) {
                bulk.append("{\"index\": {\"_index\": \"").append(index).append("\", \"_id\": \"d").append(i).append("\"}}\n{\"v\": [");
                for (int j = 0; j < dims; j++) {
                    bulk.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
                }
                bulk.append("]}\n");
            }
            assertEquals(Boolean.FALSE, bulk(client(), bulk.toString()).get("errors"));
        }
        client().performRequest(new Request("POST", "/" + index + "/_refresh"));
    }

    private static Request build(String index, int nTrunc) {
        Request request = new Request("POST", "/" + index + "/_retrieval/diffusion/_build");
        request.setJsonEntity("{\"field\": \"v\", \"n_trunc\": " + nTrunc + "}");
        return request;
    }

    private static Request search(String index, int dims, String offline) {
        StringBuilder query = new StringBuilder();
        for (int j = 0; j < dims; j++) {
            query.append(j == 0 ? "" : ",").append(j == 0 ? "1" : "0");
        }
        Request request = new Request("POST", "/" + index + "/_search");
        request.setJsonEntity("{\"size\": 10, \"retriever\": {\"diffusion\": {\"retriever\": {\"standard\": {\"query\": {\"retrieval_knn\": "
            + "{\"field\": \"v\", \"query_vector\": [" + query + "], \"k\": 100}}}}, \"field\": \"v\", \"query_vector\": [" + query
            + "], \"offline\": \"" + offline + "\"}}}");
        return request;
    }

    private static int hits(Response response) throws IOException {
        return ((List<?>) ((Map<?, ?>) entityAsMap(response).get("hits")).get("hits")).size();
    }

    private void setRequestBreaker(String limit) throws IOException {
        Request put = new Request("PUT", "/_cluster/settings");
        put.setJsonEntity("{\"persistent\": {\"indices.breaker.request.limit\": " + (limit == null ? "null" : "\"" + limit + "\"") + "}}");
        client().performRequest(put);
    }

    public void testTheIssuesBuildIsRefusedAndDefaultSearchesAnswer() throws Exception {
        indexVectors("offline-big", 20_000, 128);
        ResponseException refused = expectThrows(ResponseException.class, () -> client().performRequest(build("offline-big", 2000)));
        assertEquals(429, refused.getResponse().getStatusLine().getStatusCode());
        assertTrue(refused.getMessage(), refused.getMessage().contains("circuit_breaking_exception"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("offline diffusion build of [offline-big][v], 20000 items"));
        assertNodeUp();

        assertEquals(10, hits(client().performRequest(search("offline-big", 128, "auto"))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> four = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                four.add(pool.submit(() -> {
                    try {
                        return hits(client().performRequest(search("offline-big", 128, "auto")));
                    } catch (ResponseException e) {
                        return e.getResponse().getStatusLine().getStatusCode() == 429 ? -429 : -1;
                    }
                }));
            }
            for (Future<Integer> f : four) {
                int answer = f.get();
                assertTrue("each answers with hits or a 429: " + answer, answer == 10 || answer == -429);
            }
        } finally {
            pool.shutdownNow();
        }
        assertNodeUp();
        client().performRequest(new Request("DELETE", "/offline-big"));
    }

    public void testABuildIsChargedWhenLoadedAndCanBeDeleted() throws Exception {
        indexVectors("offline-small", 2000, 16);
        Map<String, Object> built = entityAsMap(client().performRequest(build("offline-small", 500)));
        assertEquals(2000, built.get("items"));
        assertEquals(1_000_000, ((Number) built.get("stored_entries")).intValue());
        assertEquals(10, hits(client().performRequest(search("offline-small", 16, "true"))));

        // loading charges 5 x (64 + 72 x 2,000 + 8 x 1,000,000) = 40,720,320 bytes (by hand), the window about 1 MB
        setRequestBreaker("8mb");
        try {
            ResponseException e = expectThrows(ResponseException.class,
                () -> client().performRequest(search("offline-small", 16, "true")));
            assertEquals(429, e.getResponse().getStatusLine().getStatusCode());
            assertTrue(e.getMessage(), e.getMessage().contains("loading the offline diffusion build of [offline-small][v]"));
        } finally {
            setRequestBreaker(null);
        }
        assertNodeUp();
        assertEquals(10, hits(client().performRequest(search("offline-small", 16, "true"))));

        Map<String, Object> deleted = entityAsMap(client().performRequest(new Request("DELETE", "/offline-small/_retrieval/diffusion")));
        assertEquals(Boolean.TRUE, deleted.get("acknowledged"));
        ResponseException again = expectThrows(ResponseException.class,
            () -> client().performRequest(new Request("DELETE", "/offline-small/_retrieval/diffusion")));
        assertEquals(404, again.getResponse().getStatusLine().getStatusCode());
        ResponseException noBuild = expectThrows(ResponseException.class,
            () -> client().performRequest(search("offline-small", 16, "true")));
        assertEquals(400, noBuild.getResponse().getStatusLine().getStatusCode());
        assertTrue(noBuild.getMessage(), noBuild.getMessage().contains("has no offline diffusion build"));
        client().performRequest(new Request("DELETE", "/offline-small"));
    }
}
