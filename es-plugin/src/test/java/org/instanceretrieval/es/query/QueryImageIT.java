package org.instanceretrieval.es.query;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.es.ingest.ImageDescriptorIT;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * {@code query_image} of the {@code retrieval_knn} query on two nodes and two shards: an image
 * described through a pipeline, or through a model with the same recipe, finds the same hits
 * with the same scores as the vector the pipeline stored for that image; a crop equals the
 * vector stored for the same crop; bad images, pipelines and models give 400s naming them.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class QueryImageIT extends RetrievalIntegTestCase {

    private static final String RECIPE = "\"pooling\": {\"type\": \"gem\", \"p\": 3}, \"scales\": [1]";

    private static String image(int seed) throws Exception {
        return Base64.getEncoder().encodeToString(ImageDescriptorIT.encode(ImageDescriptorIT.pattern(64, 48, seed), "png"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object[]> hits(Map<String, Object> response) {
        List<Object[]> out = new ArrayList<>();
        for (Object hit : (List<Object>) ((Map<String, Object>) response.get("hits")).get("hits")) {
            Map<String, Object> h = (Map<String, Object>) hit;
            out.add(new Object[] { h.get("_id"), ((Number) h.get("_score")).doubleValue() });
        }
        return out;
    }

    private static void assertSameHits(List<Object[]> expected, List<Object[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals("rank " + i, expected.get(i)[0], actual.get(i)[0]);
            assertEquals("score at rank " + i, (double) expected.get(i)[1], (double) actual.get(i)[1], 1e-6);
        }
    }

    private static String knn(String query) {
        return "{\"size\": 6, \"query\": {\"retrieval_knn\": {\"field\": \"v\", \"k\": 6, \"exact\": true, " + query + "}}}";
    }

    public void testQueryImageEqualsTheStoredVectorOfTheSameImage() throws Exception {
        String[] nodes = twoNodes();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_ingest/pipeline/describe", "{\"processors\": [{\"image_descriptor\": {\"field\": \"image\", "
                + "\"target_field\": \"v\", \"model_id\": \"filter_bank\", " + RECIPE + "}}]}");
            call(a, "PUT", "/_ingest/pipeline/describe-crop", "{\"processors\": [{\"image_descriptor\": {\"field\": \"image\", "
                + "\"target_field\": \"v\", \"model_id\": \"filter_bank\", \"bbox_field\": \"box\", " + RECIPE + "}}]}");
            call(a, "PUT", "/_ingest/pipeline/no-descriptor", "{\"description\": \"no processors\", \"processors\": []}");
            call(a, "PUT", "/photos", "{\"settings\": {\"number_of_shards\": 2, \"number_of_replicas\": 0}, "
                + "\"mappings\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 128, \"similarity\": \"cosine\"}, "
                + "\"image\": {\"type\": \"binary\"}}}}");
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                bulk.append("{\"index\": {\"_id\": \"").append(i).append("\"}}\n{\"image\": \"").append(image(i)).append("\"}\n");
            }
            Map<String, Object> indexed = call(a, "POST", "/photos/_bulk?pipeline=describe&refresh=true", bulk.toString());
            assertEquals(String.valueOf(indexed), false, indexed.get("errors"));
            // the crop of image 0, described at ingest through a pipeline's bbox_field
            call(a, "PUT", "/photos/_doc/crop?pipeline=describe-crop&refresh=true",
                "{\"image\": \"" + image(0) + "\", \"box\": [8, 4, 40, 36]}");

            @SuppressWarnings("unchecked")
            List<Object> stored = (List<Object>) ((Map<String, Object>) call(a, "GET", "/photos/_doc/0", null).get("_source")).get("v");
            StringBuilder vector = new StringBuilder();
            for (Object v : stored) {
                vector.append(vector.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", ((Number) v).floatValue()));
            }
            List<Object[]> byVector = hits(call(a, "POST", "/photos/_search", knn("\"query_vector\": [" + vector + "]")));
            assertEquals("0", byVector.get(0)[0]);

            List<Object[]> byPipeline = hits(call(b, "POST", "/photos/_search",
                knn("\"query_image\": {\"image\": \"" + image(0) + "\", \"pipeline\": \"describe\"}")));
            assertSameHits(byVector, byPipeline);
            List<Object[]> byModel = hits(call(a, "POST", "/photos/_search",
                knn("\"query_image\": {\"image\": \"" + image(0) + "\", \"model\": \"filter_bank\", " + RECIPE + "}")));
            assertSameHits(byVector, byModel);

            // the crop as a query finds the stored crop first, with cosine 1 (score (1 + 1) / 2)
            List<Object[]> byCrop = hits(call(b, "POST", "/photos/_search",
                knn("\"query_image\": {\"image\": \"" + image(0) + "\", \"pipeline\": \"describe\", \"bbox\": [8, 4, 40, 36]}")));
            assertEquals("crop", byCrop.get(0)[0]);
            assertEquals(1.0, (double) byCrop.get(0)[1], 1e-6);

            // bad input: each a 400 naming the problem
            String corrupt = Base64.getEncoder().encodeToString("GIF89a not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + corrupt + "\", \"pipeline\": \"describe\"}"),
                "[retrieval_knn] [query_image] could not be described");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + corrupt + "\", \"pipeline\": \"describe\"}"), "GIF");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + image(1) + "\", \"pipeline\": \"nope\"}"),
                "pipeline [nope] does not exist");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + image(1) + "\", \"pipeline\": \"no-descriptor\"}"),
                "pipeline [no-descriptor] has no [image_descriptor] processor");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + image(1) + "\", \"model\": \"missing-model\"}"),
                "missing-model");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + image(1) + "\", \"model\": \"filter_bank\", \"colour\": 1}"),
                "[retrieval_knn] [query_image] does not support [colour]");
            assertBadRequest(a, knn("\"query_image\": {\"image\": \"" + image(1) + "\"}"),
                "needs exactly one of [pipeline] and [model]");
            assertBadRequest(a, knn("\"query_vector\": [1, 2], \"query_image\": {\"image\": \"" + image(1) + "\", \"model\": \"filter_bank\"}"),
                "requires exactly one of [query_vector], [query_document], [query_image], [query_vectors], [query_documents] and "
                    + "[query_images], got [query_vector] and [query_image]");
            call(a, "PUT", "/small", "{\"mappings\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 3}}}}");
            assertBadRequest(a, "/small/_search", knn("\"query_image\": {\"image\": \"" + image(1) + "\", \"model\": \"filter_bank\"}"), "128");
        }
    }

    private static void assertBadRequest(RestClient client, String body, String expected) {
        assertBadRequest(client, "/photos/_search", body, expected);
    }

    private static void assertBadRequest(RestClient client, String path, String body, String expected) {
        ResponseException e = failure(client, "POST", path, body);
        assertEquals(body, 400, status(e));
        assertThat(e.getMessage(), containsString(expected));
    }
}
