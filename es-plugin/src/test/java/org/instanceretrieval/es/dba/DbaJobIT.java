package org.instanceretrieval.es.dba;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The DBA job in a cluster of two data nodes over real HTTP, on two-shard indices: every
 * document's {@code target_field} equals alpha-DBA computed by a brute-force loop in the test on the same
 * (L2-normalised) vectors (to 1e-6), routed documents are updated in place, documents without the field
 * are skipped and counted, the {@code _meta} marker ends {@code done}; the asynchronous form
 * returns a task; bad inputs are 400s naming the problem.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class DbaJobIT extends RetrievalIntegTestCase {

    private static final int DIMS = 6;
    private static final int COUNT = 60;
    private static final int ROUTED = 5;
    private static final int WITHOUT_FIELD = 3;

    private static String mapping(int dims, int targetDims, String targetType) {
        return "{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + dims + ", \"similarity\": \"cosine\"}, "
            + "\"t\": {\"type\": \"" + targetType + "\"" + ("dense_vector".equals(targetType) ? ", \"dims\": " + targetDims
                + ", \"similarity\": \"dot_product\"" : "") + "}, \"tag\": {\"type\": \"keyword\"}}}";
    }

    private void createIndex(String index, String mapping) {
        assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
            .setMapping(mapping));
    }

    /** Seeded clustered vectors: 6 centres, noise 0.3, so neighbour lists are meaningful and ties absent. */
    private float[][] indexVectors(String index) {
        float[][] centres = new float[6][DIMS];
        for (float[] c : centres) {
            for (int j = 0; j < DIMS; j++) {
                c[j] = (float) random().nextGaussian();
            }
        }
        float[][] vectors = new float[COUNT][DIMS];
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < COUNT; i++) {
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = centres[i % centres.length][j] + (float) (0.3 * random().nextGaussian());
            }
            var request = client().prepareIndex(index).setId("d" + i).setSource("v", vectors[i], "tag", "x");
            if (i < ROUTED) {
                request.setRouting("r" + i);
            }
            bulk.add(request);
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
        return vectors;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, float[]> targetVectors(RestClient client, String index) throws Exception {
        Map<String, Object> found = call(client, "POST", "/" + index + "/_search",
            "{\"size\": 200, \"_source\": [\"t\"], \"query\": {\"exists\": {\"field\": \"t\"}}}");
        Map<String, float[]> out = new HashMap<>();
        for (Object hit : (List<Object>) ((Map<String, Object>) found.get("hits")).get("hits")) {
            Map<String, Object> h = (Map<String, Object>) hit;
            List<Number> values = (List<Number>) ((Map<String, Object>) h.get("_source")).get("t");
            float[] v = new float[values.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = values.get(j).floatValue();
            }
            out.put((String) h.get("_id"), v);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> marker(RestClient client, String index) throws Exception {
        Map<String, Object> mapping = call(client, "GET", "/" + index + "/_mapping", null);
        Map<String, Object> mappings = (Map<String, Object>) ((Map<String, Object>) mapping.get(index)).get("mappings");
        return (Map<String, Object>) ((Map<String, Object>) mappings.get("_meta")).get(DbaMarker.KEY);
    }

    /**
     * alpha-DBA written out in the test, not with the lucene-ext class the job runs: each L2-normalised vector becomes
     * L2(sum over its top n neighbours by dot product, itself included, of max(s, 0)^alpha d_j), in double precision.
     */
    static float[][] bruteForceDba(float[][] vectors, int n, float alpha) {
        int count = vectors.length;
        double[][] unit = new double[count][];
        for (int i = 0; i < count; i++) {
            double norm = 0;
            for (float x : vectors[i]) {
                norm += (double) x * x;
            }
            unit[i] = new double[vectors[i].length];
            for (int j = 0; j < unit[i].length; j++) {
                unit[i][j] = vectors[i][j] / Math.sqrt(norm);
            }
        }
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            double[] s = new double[count];
            Integer[] order = new Integer[count];
            for (int j = 0; j < count; j++) {
                for (int d = 0; d < unit[i].length; d++) {
                    s[j] += unit[i][d] * unit[j][d];
                }
                order[j] = j;
            }
            java.util.Arrays.sort(order, (x, y) -> s[x] != s[y] ? Double.compare(s[y], s[x]) : Integer.compare(x, y));
            double[] sum = new double[unit[i].length];
            for (int t = 0; t < Math.min(n, count); t++) {
                int j = order[t];
                double w = alpha == 0 ? 1 : Math.pow(Math.max(s[j], 0), alpha);
                for (int d = 0; d < sum.length; d++) {
                    sum[d] += w * unit[j][d];
                }
            }
            double norm = 0;
            for (double x : sum) {
                norm += x * x;
            }
            out[i] = new float[sum.length];
            for (int d = 0; d < sum.length; d++) {
                out[i][d] = (float) (sum[d] / Math.sqrt(norm));
            }
        }
        return out;
    }

    private static void assertAugmented(float[][] vectors, Map<String, float[]> actual, int n, float alpha) {
        float[][] expected = bruteForceDba(vectors, n, alpha);
        assertEquals(vectors.length, actual.size());
        for (int i = 0; i < vectors.length; i++) {
            float[] got = actual.get("d" + i);
            assertNotNull("no target vector for d" + i, got);
            for (int j = 0; j < DIMS; j++) {
                assertEquals("d" + i + "[" + j + "]", expected[i][j], got[j], 1e-6);
            }
        }
    }

    public void testJobWritesTheAugmentedVectorsOfLuceneExtAndMarksTheIndexDone() throws Exception {
        String[] names = twoNodes();
        createIndex("dba", mapping(DIMS, DIMS, "dense_vector"));
        float[][] vectors = indexVectors("dba");
        try (RestClient a = clientOf(names[0]); RestClient b = clientOf(names[1])) {
            call(a, "PUT", "/dba/_mapping", "{\"_meta\": {\"owner\": \"test\"}}");
            Map<String, Object> result = call(a, "POST", "/dba/_retrieval/dba", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5, \"alpha\": 3}");
            assertEquals("done", result.get("state"));
            assertEquals(COUNT, result.get("doc_count"));
            assertEquals(WITHOUT_FIELD, result.get("docs_without_field"));
            assertAugmented(vectors, targetVectors(b, "dba"), 5, 3f);

            Map<String, Object> marker = marker(b, "dba");
            assertEquals("done", marker.get("state"));
            assertEquals("v", marker.get("field"));
            assertEquals("t", marker.get("target_field"));
            assertEquals(5, marker.get("n"));
            assertEquals(3.0, ((Number) marker.get("alpha")).doubleValue(), 0);
            assertEquals(COUNT, marker.get("doc_count"));
            assertTrue(marker.get("completed_at") instanceof Number);
            Map<String, Object> all = call(b, "GET", "/dba/_mapping", null);
            assertTrue(all.toString(), all.toString().contains("owner=test"));

            // Routed documents were updated in place, not duplicated on another shard.
            Map<String, Object> count = call(b, "GET", "/dba/_count", null);
            assertEquals(COUNT + WITHOUT_FIELD, count.get("count"));
        }
    }

    @SuppressWarnings("unchecked")
    public void testARunningMarkerWhoseTaskIsGoneIsFailedAndANewJobTakesOver() throws Exception {
        String[] names = twoNodes();
        createIndex("dba-stale", mapping(DIMS, DIMS, "dense_vector"));
        indexVectors("dba-stale");
        try (RestClient a = clientOf(names[0]); RestClient b = clientOf(names[1])) {
            // What a job killed mid-write leaves: running, with the task of a node that is gone.
            call(a, "PUT", "/dba-stale/_mapping", "{\"_meta\": {\"retrieval_dba\": {\"field\": \"v\", \"target_field\": \"t\", "
                + "\"n\": 5, \"alpha\": 0.0, \"state\": \"running\", \"task\": \"gone-node:4242\"}}}");
            Map<String, Object> shown = (Map<String, Object>) call(b, "GET", "/dba-stale/_retrieval/dba", null).get("dba");
            assertEquals("failed", shown.get("state"));
            assertEquals("gone-node:4242", shown.get("task"));
            assertTrue(shown.toString(), ((String) shown.get("reason")).contains("task [gone-node:4242] no longer exists"));

            // An older marker without a task id is not running either.
            call(a, "PUT", "/dba-stale/_mapping", "{\"_meta\": {\"retrieval_dba\": {\"field\": \"v\", \"target_field\": \"t\", "
                + "\"n\": 5, \"alpha\": 0.0, \"state\": \"running\"}}}");
            shown = (Map<String, Object>) call(b, "GET", "/dba-stale/_retrieval/dba", null).get("dba");
            assertEquals("failed", shown.get("state"));
            assertTrue(shown.toString(), ((String) shown.get("reason")).contains("no task id"));

            // A new job takes over and records its own task.
            Map<String, Object> result = call(a, "POST", "/dba-stale/_retrieval/dba", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5}");
            assertEquals("done", result.get("state"));
            Map<String, Object> marker = marker(b, "dba-stale");
            assertEquals("done", marker.get("state"));
            assertTrue(marker.toString(), String.valueOf(marker.get("task")).matches("[^:]+:\\d+"));
            assertEquals(marker, call(b, "GET", "/dba-stale/_retrieval/dba", null).get("dba"));
        }
    }

    public void testGetDbaAnswers404s() throws Exception {
        String[] names = twoNodes();
        createIndex("dba-never", mapping(DIMS, DIMS, "dense_vector"));
        try (RestClient a = clientOf(names[0])) {
            ResponseException never = failure(a, "GET", "/dba-never/_retrieval/dba", null);
            assertEquals(404, status(never));
            assertTrue(never.getMessage(), never.getMessage().contains("no DBA job has written to index [dba-never]"));
            ResponseException missing = failure(a, "GET", "/no-such-index/_retrieval/dba", null);
            assertEquals(404, status(missing));
            assertTrue(missing.getMessage(), missing.getMessage().contains("index_not_found_exception"));
        }
    }

    public void testAsynchronousJobReturnsATask() throws Exception {
        String[] names = twoNodes();
        createIndex("dba-async", mapping(DIMS, DIMS, "dense_vector"));
        float[][] vectors = indexVectors("dba-async");
        try (RestClient a = clientOf(names[1])) {
            Map<String, Object> started = call(a, "POST", "/dba-async/_retrieval/dba?wait_for_completion=false",
                "{\"field\": \"v\", \"target_field\": \"t\"}");
            assertEquals(1, started.size());
            String task = (String) started.get("task");
            assertTrue(task, task.matches("[^:]+:\\d+"));
            Map<String, Object> done = call(a, "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=30s", null);
            assertEquals(Boolean.TRUE, done.get("completed"));
            @SuppressWarnings("unchecked")
            Map<String, Object> response = (Map<String, Object>) done.get("response");
            assertEquals("done", response.get("state"));
            assertEquals(20, response.get("n"));
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) done.get("task")).get("status");
            assertEquals(COUNT, status.get("vectors_written"));
            assertAugmented(vectors, targetVectors(a, "dba-async"), 20, 0f);
            assertEquals("done", marker(a, "dba-async").get("state"));
        }
    }

    private static void assertBadRequest(RestClient client, String index, String body, String message) {
        ResponseException e = failure(client, "POST", "/" + index + "/_retrieval/dba", body);
        assertEquals(400, status(e));
        String text = e.getMessage();
        assertTrue("expected [" + message + "] in " + text, text.contains(message));
    }

    public void testBadInputsAre400s() throws Exception {
        createIndex("dba-bad", mapping(DIMS, DIMS + 1, "dense_vector"));
        createIndex("dba-kw", mapping(DIMS, DIMS, "keyword"));
        createIndex("dba-empty", mapping(DIMS, DIMS, "dense_vector"));
        try (RestClient a = clientOf(twoNodes()[0])) {
            ResponseException missing = failure(a, "POST", "/no-such-index/_retrieval/dba", "{\"field\": \"v\", \"target_field\": \"t\"}");
            assertEquals(404, status(missing));
            assertThat(missing.getMessage(), containsString("index_not_found_exception"));
            assertBadRequest(a, "dba-empty", "{\"field\": \"w\", \"target_field\": \"t\"}", "[field] [w] is not mapped in index [dba-empty]");
            assertBadRequest(a, "dba-empty", "{\"field\": \"tag\", \"target_field\": \"t\"}", "is of type [keyword], not [dense_vector]");
            assertBadRequest(a, "dba-empty", "{\"field\": \"v\", \"target_field\": \"u\"}", "[target_field] [u] is not mapped");
            assertBadRequest(a, "dba-kw", "{\"field\": \"v\", \"target_field\": \"t\"}", "[target_field] [t] of index [dba-kw] is of type [keyword]");
            assertBadRequest(a, "dba-bad", "{\"field\": \"v\", \"target_field\": \"t\"}", "has dims [7], [field] [v] has dims [6]");
            assertBadRequest(a, "dba-empty", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 0}", "[n] must be in [1, 1000]");
            assertBadRequest(a, "dba-empty", "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 1001}", "[n] must be in [1, 1000]");
            assertBadRequest(a, "dba-empty", "{\"field\": \"v\", \"target_field\": \"t\", \"alpha\": -1}", "[alpha] must be a finite number >= 0");
            assertBadRequest(a, "dba-empty", "{\"field\": \"v\", \"target_field\": \"t\"}", "no vectors: no document of [dba-empty]");
        }
    }
}
