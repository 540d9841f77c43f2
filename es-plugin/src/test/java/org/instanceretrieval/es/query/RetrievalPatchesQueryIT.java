package org.instanceretrieval.es.query;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.hamcrest.Matchers.containsString;

/**
 * {@code retrieval_patches} on two nodes: documents with nested patch descriptors, ranked by
 * the MaxSim sum S = sum over query patches of the best dot product with a document patch, computed
 * here by {@link BruteForce#maxSimSum} on the same vectors,
 * with score {@code (1 + S / |Q|) / 2}, the same on a one-shard and a three-shard index; bad
 * input gives 400s naming the problem.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class RetrievalPatchesQueryIT extends RetrievalIntegTestCase {

    private static final int DIMS = 8;
    private static final int DOCS = 30;

    private static float[] unit(Random random) {
        float[] v = new float[DIMS];
        double norm = 0;
        for (int i = 0; i < DIMS; i++) {
            // multiples of 2^-12 survive the JSON round trip exactly
            v[i] = Math.round((float) random.nextGaussian() * 4096) / 4096f;
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIMS; i++) {
            v[i] = Math.round((float) (v[i] / Math.sqrt(norm)) * 4096) / 4096f;
        }
        return v;
    }

    private static String json(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", v[i]));
        }
        return sb.append(']').toString();
    }

    private static String patchesJson(List<float[]> patches) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < patches.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(json(patches.get(i)));
        }
        return sb.append(']').toString();
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

    public void testScoresAreTheMaxSimSumOnOneAndThreeShards() throws Exception {
        Random random = new Random(randomLong());
        List<List<float[]>> documents = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            List<float[]> patches = new ArrayList<>();
            for (int p = 0, n = 1 + random.nextInt(5); p < n; p++) {
                patches.add(unit(random));
            }
            documents.add(patches);
        }
        List<float[]> query = List.of(unit(random), unit(random), unit(random));
        String[] nodes = twoNodes();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            for (int shards : new int[] { 1, 3 }) {
                String index = "patches-" + shards;
                call(a, "PUT", "/" + index, "{\"settings\": {\"number_of_shards\": " + shards + ", \"number_of_replicas\": 0}, "
                    + "\"mappings\": {\"properties\": {\"p\": {\"type\": \"nested\", \"properties\": {\"vector\": "
                    + "{\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\"}}}, \"tag\": {\"type\": \"keyword\"}}}}");
                StringBuilder bulk = new StringBuilder();
                for (int d = 0; d < DOCS; d++) {
                    StringBuilder objects = new StringBuilder("[");
                    for (int p = 0; p < documents.get(d).size(); p++) {
                        objects.append(p == 0 ? "" : ", ").append("{\"vector\": ").append(json(documents.get(d).get(p))).append('}');
                    }
                    bulk.append("{\"index\": {\"_id\": \"d").append(d).append("\"}}\n{\"p\": ").append(objects).append("]}\n");
                }
                Map<String, Object> indexed = call(a, "POST", "/" + index + "/_bulk?refresh=true", bulk.toString());
                assertEquals(String.valueOf(indexed), false, indexed.get("errors"));
            }

            // the reference: MaxSim of every document computed directly, ranked by S descending (stable: document order on ties)
            List<Object[]> expected = new ArrayList<>();
            for (int d = 0; d < DOCS; d++) {
                double s = BruteForce.maxSimSum(query.toArray(new float[0][]), documents.get(d).toArray(new float[0][]));
                expected.add(new Object[] { "d" + d, (1 + s / query.size()) / 2 });
            }
            expected.sort(Comparator.comparingDouble((Object[] e) -> (double) e[1]).reversed());

            String body = "{\"size\": 10, \"query\": {\"retrieval_patches\": {\"field\": \"p\", \"k\": 10, \"num_candidates\": " + DOCS
                + ", \"query_patches\": " + patchesJson(query) + "}}}";
            for (String index : new String[] { "patches-1", "patches-3" }) {
                List<Object[]> actual = hits(call(b, "POST", "/" + index + "/_search", body));
                assertEquals(index, 10, actual.size());
                for (int r = 0; r < 10; r++) {
                    assertEquals(index + " score at rank " + r, (double) expected.get(r)[1], (double) actual.get(r)[1], 1e-6);
                    if (r == 0 || Math.abs((double) expected.get(r)[1] - (double) expected.get(r - 1)[1]) > 1e-6) {
                        assertEquals(index + " rank " + r, expected.get(r)[0], actual.get(r)[0]);
                    }
                }
            }

            // bad input
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": []}}}",
                "[retrieval_patches] requires [query_patches]");
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0], [1]]}}}",
                "patch [1] has 1 dimensions but patch [0] has 2");
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"p\", \"k\": 0, \"query_patches\": [[1, 0]]}}}",
                "[k] must be between 1 and 10000");
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"p\", \"k\": 5, \"num_candidates\": 2, \"query_patches\": [[1, 0]]}}}",
                "[num_candidates] must be between [k] (5) and 10000");
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0]]}}}",
                "dimension");
            assertBad(a, "{\"query\": {\"retrieval_patches\": {\"field\": \"tag\", \"query_patches\": " + patchesJson(query) + "}}}",
                "tag");
        }
    }

    private static void assertBad(RestClient client, String body, String expected) {
        ResponseException e = failure(client, "POST", "/patches-3/_search", body);
        assertEquals(body + " -> " + e.getMessage(), 400, status(e));
        assertThat(e.getMessage(), containsString(expected));
    }
}
