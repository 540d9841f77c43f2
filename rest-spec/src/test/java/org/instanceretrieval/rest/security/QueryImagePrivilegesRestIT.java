package org.instanceretrieval.rest.security;

import org.elasticsearch.client.Request;
import org.instanceretrieval.rest.TestImages;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code query_image} describes the image through the ingest simulate API as the caller, so it needs
 * {@code read_pipeline} (or {@code manage_pipeline}) besides {@code read} on the index. Without it the
 * search answers 403, as Elasticsearch answers for missing privileges, not 400.
 */
public class QueryImagePrivilegesRestIT extends SecureNodeRestTestCase {

    public void testQueryImageNeedsPipelineReadPrivilege() throws IOException {
        String image = Base64.getEncoder().encodeToString(TestImages.smallPng(0));
        expect(200, "admin", request("PUT", "/_ingest/pipeline/sec-describe", """
            {"processors": [{"image_descriptor": {"field": "image", "target_field": "descriptor", "model_id": "filter_bank"}}]}"""));
        expect(200, "admin", request("PUT", "/sec-photos", """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"descriptor": {"type": "dense_vector", "dims": 128, "similarity": "dot_product"}}}}"""));
        Request index = request("PUT", "/sec-photos/_doc/photo", "{\"image\": \"" + image + "\"}");
        index.addParameter("pipeline", "sec-describe");
        index.addParameter("refresh", "true");
        expect(201, "admin", index);

        for (String source : List.of("\"model\": \"filter_bank\"", "\"pipeline\": \"sec-describe\"")) {
            String body = "{\"query\": {\"retrieval_knn\": {\"field\": \"descriptor\", \"k\": 1, \"exact\": true, \"query_image\": {\"image\": \""
                + image + "\", " + source + "}}}}";
            Answer refused = expect(403, "reader", request("POST", "/sec-photos/_search", body));
            assertTrue(refused.error(), refused.error().contains("security_exception"));
            Answer allowed = expect(200, "imager", request("POST", "/sec-photos/_search", body));
            Map<?, ?> hit = (Map<?, ?>) ((List<?>) ((Map<?, ?>) allowed.body().get("hits")).get("hits")).get(0);
            assertEquals("photo", hit.get("_id"));
            assertEquals(1.0, ((Number) hit.get("_score")).doubleValue(), 1e-6);
        }
        expect(200, "admin", request("DELETE", "/_ingest/pipeline/sec-describe", null));
        expect(200, "admin", request("DELETE", "/sec-photos", null));
    }
}
