package org.instanceretrieval.rest.memory;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.instanceretrieval.eval.format.SharedListPickle;

import java.io.IOException;
import java.util.Map;

/**
 * Node death 3 of issue 11 on the real node (512 MB heap): a cirtorch pickle of about a megabyte whose 40,000 queries share
 * one list of 1,000 names expands to 40 M names. It is refused with a 400 naming the limit and its setting before the names
 * exist; the node stays up, the breaker holds nothing afterwards, and a small pickle of the same shape is stored.
 */
public class GroundTruthMemoryRestIT extends MemoryRestSupport {

    private static Request put(String id, byte[] pickle) {
        Request request = new Request("PUT", "/_retrieval/ground_truth/" + id);
        request.setJsonEntity("{\"format\": \"cirtorch_pkl\", \"data\": \"" + b64(pickle) + "\"}");
        return request;
    }

    public void testASharedListPickleThatExpandsTo40MillionNamesIsRefused() throws IOException {
        byte[] hostile = SharedListPickle.write(1000, 40_000);
        assertTrue(hostile.length < 1_500_000);
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(put("hostile-shared", hostile)));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertTrue(e.getMessage(), e.getMessage().contains("more than [2000000] names"));
        assertTrue(e.getMessage(), e.getMessage().contains("retrieval.ground_truth.max_names"));
        assertNodeUp();
        assertEquals(0, ((Number) retrievalBreaker().get("estimated_size_in_bytes")).longValue());
        ResponseException gone = expectThrows(ResponseException.class,
            () -> client().performRequest(new Request("GET", "/_retrieval/ground_truth/hostile-shared")));
        assertEquals(404, gone.getResponse().getStatusLine().getStatusCode());

        // the same shape, small: 20 queries x 50 names (by hand: 1,000 names) is stored
        Map<String, Object> stored = entityAsMap(client().performRequest(put("small-shared", SharedListPickle.write(50, 20))));
        assertEquals(Map.of("queries", 20, "database", 50, "classes", 0), stored.get("counts"));
        client().performRequest(new Request("DELETE", "/_retrieval/ground_truth/small-shared"));
        assertEquals(0, ((Number) retrievalBreaker().get("estimated_size_in_bytes")).longValue());
    }
}
