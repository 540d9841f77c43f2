package org.instanceretrieval.rest.memory;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** What the memory tests of the real node share: small real images, bulk bodies, node checks. */
abstract class MemoryRestSupport extends ESRestTestCase {

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** One index action of a bulk body with an image document; {@code pipeline} may be null (the index default). */
    static String bulkLine(String index, String id, String pipeline, byte[] image) {
        return "{\"index\": {\"_index\": \"" + index + "\", \"_id\": \"" + id + "\""
            + (pipeline == null ? "" : ", \"pipeline\": \"" + pipeline + "\"") + "}}\n{\"image\": \"" + b64(image) + "\"}\n";
    }

    static Map<String, Object> bulk(RestClient client, String body) throws IOException {
        Request request = new Request("POST", "/_bulk");
        request.addParameter("refresh", "true");
        request.setJsonEntity(body);
        return entityAsMap(client.performRequest(request));
    }

    /** The bulk item of a document id. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> item(Map<String, Object> bulkResponse, String id) {
        for (Object o : (List<Object>) bulkResponse.get("items")) {
            Map<String, Object> action = (Map<String, Object>) ((Map<String, Object>) o).get("index");
            if (id.equals(action.get("_id"))) {
                return action;
            }
        }
        throw new AssertionError("no item [" + id + "] in " + bulkResponse);
    }

    /** The node answers and is not red. */
    void assertNodeUp() throws IOException {
        Map<String, Object> health = entityAsMap(client().performRequest(new Request("GET", "/_cluster/health")));
        assertNotEquals("red", health.get("status"));
        assertEquals(1, health.get("number_of_nodes"));
    }

    /** The {@code retrieval} breaker's stats of the node. */
    @SuppressWarnings("unchecked")
    Map<String, Object> retrievalBreaker() throws IOException {
        Map<String, Object> stats = entityAsMap(client().performRequest(new Request("GET", "/_nodes/stats/breaker")));
        Map<String, Object> node = (Map<String, Object>) ((Map<String, Object>) stats.get("nodes")).values().iterator().next();
        return (Map<String, Object>) ((Map<String, Object>) node.get("breakers")).get("retrieval");
    }

    void createIndexWithDescriptor(String index) throws IOException {
        Request create = new Request("PUT", "/" + index);
        create.setJsonEntity("{\"mappings\": {\"properties\": {\"descriptor\": {\"type\": \"dense_vector\", \"dims\": 128, "
            + "\"similarity\": \"dot_product\"}}}}");
        client().performRequest(create);
    }

    void putPipeline(String id, String modelId) throws IOException {
        Request pipeline = new Request("PUT", "/_ingest/pipeline/" + id);
        pipeline.setJsonEntity("{\"processors\": [{\"image_descriptor\": {\"field\": \"image\", \"target_field\": \"descriptor\""
            + (modelId == null ? "" : ", \"model_id\": \"" + modelId + "\"") + "}}]}");
        client().performRequest(pipeline);
    }

    long count(String index) throws IOException {
        return ((Number) entityAsMap(client().performRequest(new Request("GET", "/" + index + "/_count"))).get("count")).longValue();
    }
}
