package org.instanceretrieval.es.whitening;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESIntegTestCase;
import org.elasticsearch.threadpool.ThreadPool;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.whitening.Whitening;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;

/**
 * The whitening store in a cluster of two data nodes over real HTTP: a whitening learned
 * through one node is read, as a {@link Whitening}, through the {@link WhiteningStore} of the
 * other and equals PCA whitening computed here by brute force ({@link BruteForce#pcaProjection})
 * on the same vectors; Lw learned from
 * pairs whitens the pair differences to identity covariance; asynchronous learning returns a
 * task; a delete is seen by the caches of every node.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class WhiteningStoreIT extends RetrievalIntegTestCase {

    private static final int DIMS = 8;

    // ---- helpers ----

    private static CachingWhiteningStore storeOf(String node) {
        return internalCluster().getInstance(CachingWhiteningStore.class, node);
    }

    private static Whitening fetch(String node, String id) {
        PlainActionFuture<Whitening> future = new PlainActionFuture<>();
        storeOf(node).getWhitening(id, future);
        return future.actionGet();
    }

    /** Random anisotropic vectors (coordinate j scaled by j + 1, so the eigenvalues are well apart). */
    private float[][] randomVectors(int n, int d) {
        float[][] v = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                v[i][j] = (float) (random().nextGaussian() * (j + 1) + 0.3);
            }
        }
        return v;
    }

    /** Indexes vectors under ids {@code prefix + i} in a two-shard index with a dense_vector field. */
    private void indexVectors(String index, String prefix, float[][] vectors) {
        if (indexExists(index) == false) {
            assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
                .setMapping(mapping(vectors[0].length)));
        }
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < vectors.length; i++) {
            bulk.add(client().prepareIndex(index).setId(prefix + i).setSource("v", vectors[i], "tag", prefix));
        }
        var response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
    }

    private static String mapping(int dims) {
        return "{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + dims
            + ", \"similarity\": \"l2_norm\"}, \"tag\": {\"type\": \"keyword\"}}}";
    }

    private static float[][] normalised(float[][] vectors) {
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            out[i] = BruteForce.l2(vectors[i]);
        }
        return out;
    }

    /** The stored whitening equals mean {@code me} and projection {@code we} entry by entry. */
    private static void assertSameWhitening(double[] me, double[][] we, Whitening actual, double tolerance) {
        assertEquals(me.length, actual.inputDimension());
        assertEquals(we.length, actual.outputDimension());
        float[][] wa = actual.weight();
        for (int i = 0; i < we.length; i++) {
            for (int j = 0; j < we[i].length; j++) {
                assertEquals("P[" + i + "][" + j + "]", we[i][j], wa[i][j], tolerance * Math.max(1, Math.abs(we[i][j])));
            }
        }
        float[] ma = actual.mean();
        for (int j = 0; j < me.length; j++) {
            assertEquals("m[" + j + "]", me[j], ma[j], tolerance);
        }
    }

    // ---- tests ----

    public void testPcaLearnedThroughOneNodeEqualsTheLearnerOnTheOtherNode() throws Exception {
        // a fresh id per run: the nodes' whitening caches outlive the test framework's wipe of the system index
        String pcaId = "pca-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String[] names = twoNodes();
        float[][] vectors = randomVectors(300, DIMS);
        indexVectors("pca", "d", vectors);

        Map<String, Object> learned;
        try (RestClient a = clientOf(names[0])) {
            learned = call(a, "POST", "/_retrieval/whitening/" + pcaId + "/_learn",
                "{\"method\": \"pca\", \"index\": \"pca\", \"field\": \"v\", \"dimensions\": 6, \"power\": 0.5}");
        }
        assertEquals(pcaId, learned.get("whitening_id"));
        assertEquals("pca", learned.get("method"));
        assertEquals(DIMS, learned.get("input_dimension"));
        assertEquals(6, learned.get("output_dimension"));
        assertEquals(Map.of("index", "pca", "field", "v", "sample_size", 300), learned.get("source"));

        // PCA computed here on the same (normalised) vectors: m the mean, C = Xc^T Xc / n, Jacobi
        // eigen-decomposition, P = diag(lambda^-0.5) V^T on the 6 largest, each row signed so that
        // its largest-magnitude entry is positive. Independent of the sample's order beyond rounding.
        float[][] sample = normalised(vectors);
        double[] mean = BruteForce.mean(sample);
        double[][] projection = BruteForce.pcaProjection(sample, 0.5, 6);
        Whitening onOtherNode = fetch(names[1], pcaId);
        assertSameWhitening(mean, projection, onOtherNode, 1e-6);
        assertTrue(storeOf(names[1]).isCached(pcaId));
        assertSameWhitening(mean, projection, fetch(names[0], pcaId), 1e-6);

        // max_samples caps the sample; an id in use is 409.
        try (RestClient b = clientOf(names[1])) {
            Map<String, Object> capped = call(b, "POST", "/_retrieval/whitening/pca-capped/_learn",
                "{\"method\": \"pca\", \"index\": \"pca\", \"field\": \"v\", \"max_samples\": 50, \"power\": 0.25}");
            assertEquals(Map.of("index", "pca", "field", "v", "sample_size", 50), capped.get("source"));
            ResponseException conflict = failure(b, "POST", "/_retrieval/whitening/" + pcaId + "/_learn",
                "{\"method\": \"pca\", \"index\": \"pca\", \"field\": \"v\"}");
            assertEquals(409, status(conflict));
            assertTrue(conflict.getMessage(), conflict.getMessage().contains("whitening [" + pcaId + "] already exists"));
        }
    }

    public void testLwFromPairsWhitensPairDifferencesToIdentity() throws Exception {
        String lwId = "lw-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String[] names = twoNodes();
        int pairs = 60;
        int d = 6;
        float[][] queries = randomVectors(pairs, d);
        float[][] positives = new float[pairs][d];
        for (int i = 0; i < pairs; i++) {
            for (int j = 0; j < d; j++) {
                positives[i][j] = queries[i][j] + (float) (random().nextGaussian() * 0.2 * (d - j));
            }
        }
        if (indexExists("lw") == false) {
            assertAcked(prepareCreate("lw").setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
                .setMapping(mapping(d)));
        }
        indexVectors("lw", "q", queries);
        indexVectors("lw", "p", positives);
        indexVectors("lw", "other", randomVectors(20, d)); // not named by any pair: not read

        StringBuilder body = new StringBuilder("{\"method\": \"lw\", \"index\": \"lw\", \"field\": \"v\", \"pairs\": [");
        for (int i = 0; i < pairs; i++) {
            body.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "[\"q%d\", \"p%d\"]", i, i));
        }
        body.append("]}");
        Map<String, Object> learned;
        try (RestClient a = clientOf(names[0])) {
            learned = call(a, "POST", "/_retrieval/whitening/" + lwId + "/_learn", body.toString());
        }
        assertEquals("lw", learned.get("method"));
        assertEquals(Map.of("index", "lw", "field", "v", "sample_size", 2 * pairs, "pairs", pairs), learned.get("source"));

        Whitening lw = fetch(names[1], lwId);
        assertEquals(d, lw.inputDimension());
        assertEquals(d, lw.outputDimension());
        double[][] second = new double[d][d];
        for (int i = 0; i < pairs; i++) {
            float[] yq = lw.project(BruteForce.l2(queries[i]));
            float[] yp = lw.project(BruteForce.l2(positives[i]));
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    second[r][c] += ((double) yq[r] - yp[r]) * ((double) yq[c] - yp[c]) / pairs;
                }
            }
        }
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                assertEquals("second moment [" + r + "][" + c + "]", r == c ? 1.0 : 0.0, second[r][c], 1e-3);
            }
        }

        // Ids that do not exist are named in a 400.
        try (RestClient b = clientOf(names[1])) {
            ResponseException missing = failure(b, "POST", "/_retrieval/whitening/lw-missing/_learn",
                "{\"method\": \"lw\", \"index\": \"lw\", \"field\": \"v\", \"pairs\": [[\"q0\", \"p0\"], [\"nope-1\", \"p1\"], [\"q2\", \"nope-2\"]]}");
            assertEquals(400, status(missing));
            assertTrue(missing.getMessage(), missing.getMessage().contains("[nope-1, nope-2]"));
        }
    }

    public void testAsynchronousLearningReturnsATaskAndTheWhiteningAppears() throws Exception {
        String[] names = twoNodes();
        indexVectors("async", "a", randomVectors(120, DIMS));
        String task;
        try (RestClient a = clientOf(names[0])) {
            Map<String, Object> started = call(a, "POST", "/_retrieval/whitening/async-test/_learn?wait_for_completion=false",
                "{\"method\": \"pca\", \"index\": \"async\", \"field\": \"v\"}");
            assertEquals(1, started.size());
            task = (String) started.get("task");
            assertTrue(task, task.matches("[^:]+:\\d+"));
            Map<String, Object> done = call(a, "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=30s", null);
            assertEquals(Boolean.TRUE, done.get("completed"));
            @SuppressWarnings("unchecked")
            Map<String, Object> response = (Map<String, Object>) done.get("response");
            assertEquals("async-test", response.get("whitening_id"));
        }
        try (RestClient b = clientOf(names[1])) {
            Map<String, Object> got = call(b, "GET", "/_retrieval/whitening/async-test", null);
            assertEquals(DIMS, got.get("output_dimension"));
            assertEquals(Map.of("index", "async", "field", "v", "sample_size", 120), got.get("source"));
        }
        assertEquals(DIMS, fetch(names[1], "async-test").outputDimension());
    }

    public void testDeleteIsSeenByTheCacheOfEveryNode() throws Exception {
        String[] names = twoNodes();
        indexVectors("del", "x", randomVectors(40, DIMS));
        try (RestClient a = clientOf(names[0])) {
            call(a, "POST", "/_retrieval/whitening/del-test/_learn", "{\"method\": \"pca\", \"index\": \"del\", \"field\": \"v\"}");
        }
        for (String node : names) {
            fetch(node, "del-test");
            assertTrue(node, storeOf(node).isCached("del-test"));
        }
        try (RestClient b = clientOf(names[1])) {
            Map<String, Object> deleted = call(b, "DELETE", "/_retrieval/whitening/del-test", null);
            assertEquals(Boolean.TRUE, deleted.get("acknowledged"));
            ResponseException again = failure(b, "DELETE", "/_retrieval/whitening/del-test", null);
            assertEquals(404, status(again));
        }
        for (String node : names) {
            assertFalse(node, storeOf(node).isCached("del-test"));
            expectThrows(ResourceNotFoundException.class, () -> fetch(node, "del-test"));
        }
        try (RestClient a = clientOf(names[0])) {
            Map<String, Object> list = call(a, "GET", "/_retrieval/whitening", null);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) list.get("whitenings");
            assertTrue(rows.stream().noneMatch(r -> "del-test".equals(r.get("whitening_id"))));
        }
    }

    public void testCancellingTheTaskStopsItAndStoresNothing() throws Exception {
        String[] names = twoNodes();
        indexVectors("cancel", "c", randomVectors(50, DIMS));
        // Hold every search thread of every node, so the job cannot get past its first page.
        CountDownLatch release = new CountDownLatch(1);
        List<CountDownLatch> started = new java.util.ArrayList<>();
        for (String node : names) {
            ThreadPool pool = internalCluster().getInstance(ThreadPool.class, node);
            int threads = pool.info(ThreadPool.Names.SEARCH).getMax();
            CountDownLatch running = new CountDownLatch(threads);
            started.add(running);
            for (int i = 0; i < threads; i++) {
                pool.executor(ThreadPool.Names.SEARCH).execute(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
        for (CountDownLatch running : started) {
            assertTrue(running.await(10, TimeUnit.SECONDS));
        }
        try (RestClient a = clientOf(names[0])) {
            String task;
            try {
                task = (String) call(a, "POST", "/_retrieval/whitening/cancel-test/_learn?wait_for_completion=false",
                    "{\"method\": \"pca\", \"index\": \"cancel\", \"field\": \"v\"}").get("task");
                assertBusy(() -> {
                    Map<String, Object> running = call(a, "GET", "/_tasks/" + task, null);
                    assertEquals(Boolean.FALSE, running.get("completed"));
                    @SuppressWarnings("unchecked")
                    Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) running.get("task")).get("status");
                    assertEquals("reading", status.get("phase"));
                    assertEquals(Boolean.TRUE, ((Map<?, ?>) running.get("task")).get("cancellable"));
                });
                call(a, "POST", "/_tasks/" + task + "/_cancel", null);
            } finally {
                release.countDown();
            }
            assertBusy(() -> {
                Map<String, Object> done = call(a, "GET", "/_tasks/" + task, null);
                assertEquals(Boolean.TRUE, done.get("completed"));
                @SuppressWarnings("unchecked")
                Map<String, Object> error = (Map<String, Object>) done.get("error");
                assertNotNull(done.toString(), error);
                assertTrue(error.toString(), error.toString().contains("cancel"));
            }, 30, TimeUnit.SECONDS);
            ResponseException gone = failure(a, "GET", "/_retrieval/whitening/cancel-test", null);
            assertEquals(404, status(gone));
        }
    }
}
