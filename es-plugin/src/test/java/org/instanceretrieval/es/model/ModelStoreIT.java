package org.instanceretrieval.es.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.NsfwjsInceptionV3;
import org.instanceretrieval.model.onnx.NsfwjsMobileNetV2;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;


/**
 * The model store in a cluster of two data nodes over real HTTP: parts uploaded through one
 * node are read back, byte for byte, on the other; a wrong checksum or a missing part leaves
 * the model unusable; a delete is seen by the caches of every node.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class ModelStoreIT extends RetrievalIntegTestCase {

    private static final String CONFIG = """
        {"description": "the default model's graph, uploaded as a user model",
         "input": {"size": {"longest_side": 512}},
         "output": {"name": "features", "kind": "feature_map"},
         "recipe": {"pooling": {"type": "gem", "p": 3}}}""";

    // ---- helpers ----

    private static CachingModelStore storeOf(String node) {
        return internalCluster().getInstance(CachingModelStore.class, node);
    }

    private static StoredModel getModel(String node, String id) {
        PlainActionFuture<StoredModel> future = new PlainActionFuture<>();
        storeOf(node).getModel(id, future);
        return future.actionGet();
    }

    /**
     * A loadable model of exactly {@code length} bytes (the load check runs when the last part
     * arrives): the built-in model's ONNX followed by field 99 of the ModelProto, unknown to ONNX, so
     * protobuf skips it, holding random bytes.
     */
    private static byte[] onnxOfLength(int length, long seed) {
        byte[] base = DefaultModel.onnx();
        for (int lengthBytes = 1; lengthBytes <= 5; lengthBytes++) {
            int payload = length - base.length - 2 - lengthBytes;
            if (payload >= 0 && varintSize(payload) == lengthBytes) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length);
                out.writeBytes(base);
                out.write(0x9A); // (99 << 3) | 2, as a varint: 0x9A 0x06
                out.write(0x06);
                for (long v = payload; ; v >>>= 7) {
                    if (v < 0x80) {
                        out.write((int) v);
                        break;
                    }
                    out.write((int) (v & 0x7F) | 0x80);
                }
                byte[] random = new byte[payload];
                new java.util.Random(seed).nextBytes(random);
                out.writeBytes(random);
                return out.toByteArray();
            }
        }
        throw new AssertionError("no padding fits " + length + " bytes");
    }

    private static int varintSize(long v) {
        int size = 1;
        while (v >= 0x80) {
            v >>>= 7;
            size++;
        }
        return size;
    }

    private static byte[] readDefinition(String node, String id) {
        PlainActionFuture<byte[]> future = new PlainActionFuture<>();
        storeOf(node).readDefinition(id, future);
        return future.actionGet();
    }

    // ---- tests ----

    public void testPartsUploadedThroughOneNodeAreReadBackOnAnother() throws Exception {
        String[] nodes = twoNodes();
        byte[] onnx = DefaultModel.onnx();
        String sha = sha256(onnx);
        List<byte[]> parts = split(onnx, 3);
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            Map<String, Object> put = call(a, "PUT", "/_retrieval/model/gabor-copy", CONFIG);
            assertEquals("configured", put.get("state"));
            assertEquals(false, put.get("fully_defined"));

            // Out of order: the last part first, then 0, then 1 completes the upload.
            Map<String, Object> afterLast = call(a, "PUT", "/_retrieval/model/gabor-copy/definition/2", partBody(parts.get(2), 3, onnx.length, sha));
            assertEquals("uploading", afterLast.get("state"));
            call(a, "PUT", "/_retrieval/model/gabor-copy/definition/0", partBody(parts.get(0), 3, onnx.length, sha));
            Map<String, Object> done = call(a, "PUT", "/_retrieval/model/gabor-copy/definition/1", partBody(parts.get(1), 3, onnx.length, sha));
            assertEquals("ready", done.get("state"));
            assertEquals(true, done.get("fully_defined"));

            Map<String, Object> seenByB = call(b, "GET", "/_retrieval/model/gabor-copy", null);
            assertEquals("ready", seenByB.get("state"));
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = (Map<String, Object>) seenByB.get("definition");
            assertEquals(3, definition.get("parts_uploaded"));
            assertEquals(3, definition.get("total_parts"));
            assertEquals(onnx.length, ((Number) definition.get("total_definition_length")).intValue());
            assertEquals(sha, definition.get("sha256"));
            assertEquals(parts.get(0).length, ((Number) definition.get("part_size")).intValue());
        }

        byte[] readOnB = readDefinition(nodes[1], "gabor-copy");
        assertArrayEquals(onnx, readOnB);
        assertEquals(sha, sha256(readOnB));

        // Streaming: parts in order, one at a time, the same bytes.
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        List<Integer> order = new ArrayList<>();
        PlainActionFuture<Void> done = new PlainActionFuture<>();
        storeOf(nodes[0]).forEachDefinitionPart("gabor-copy", (part, bytes) -> {
            order.add(part);
            streamed.write(bytes);
        }, done);
        done.actionGet();
        assertEquals(List.of(0, 1, 2), order);
        assertArrayEquals(onnx, streamed.toByteArray());
    }

    public void testPartsOfTenMebibytesAreAcceptedAndOneByteMoreIsNot() throws Exception {
        String[] nodes = twoNodes();
        int max = DefinitionUpload.MAX_PART_BYTES;
        byte[] whole = onnxOfLength(max + 5, 42);
        String sha = sha256(whole);
        byte[] first = Arrays.copyOf(whole, max);
        byte[] tail = Arrays.copyOfRange(whole, max, whole.length);
        try (RestClient a = clientOf(nodes[0])) {
            call(a, "PUT", "/_retrieval/model/ten-mib", CONFIG);
            byte[] tooLarge = Arrays.copyOf(whole, max + 1);
            ResponseException e = failure(a, "PUT", "/_retrieval/model/ten-mib/definition/0", partBody(tooLarge, 2, whole.length, sha));
            assertEquals(400, status(e));
            call(a, "PUT", "/_retrieval/model/ten-mib/definition/0", partBody(first, 2, whole.length, sha));
            Map<String, Object> done = call(a, "PUT", "/_retrieval/model/ten-mib/definition/1", partBody(tail, 2, whole.length, sha));
            assertEquals("ready", done.get("state"));
        }
        assertArrayEquals(whole, readDefinition(nodes[1], "ten-mib"));
        try (RestClient b = clientOf(nodes[1])) {
            call(b, "DELETE", "/_retrieval/model/ten-mib", null);
        }
    }

    public void testPartsUploadedInParallelThroughBothNodesAreAllRecorded() throws Exception {
        String[] nodes = twoNodes();
        int n = 8;
        byte[] whole = onnxOfLength(Math.max(n * 1000 - 300, DefaultModel.onnx().length + 8), 7);
        String sha = sha256(whole);
        List<byte[]> parts = split(whole, n);
        List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/model/parallel", CONFIG);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                int part = i;
                RestClient client = i % 2 == 0 ? a : b;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        states.add((String) call(client, "PUT", "/_retrieval/model/parallel/definition/" + part,
                            partBody(parts.get(part), n, whole.length, sha)).get("state"));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), errors);
            // Compare-and-set on the model document: no part is lost, and exactly one request
            // (the one that recorded the last part) verified the upload.
            assertEquals(n, states.size());
            assertEquals(1, states.stream().filter("ready"::equals).count());
            assertEquals(n - 1, states.stream().filter("uploading"::equals).count());
        }
        assertArrayEquals(whole, readDefinition(nodes[1], "parallel"));
    }

    public void testAChecksumMismatchIs400AndTheModelStaysUnusable() throws Exception {
        String[] nodes = twoNodes();
        byte[] onnx = DefaultModel.onnx();
        byte[] other = onnx.clone();
        other[other.length / 2] ^= 1;
        String wrongSha = sha256(other);
        List<byte[]> parts = split(onnx, 3);
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/model/bad-sum", CONFIG);
            call(a, "PUT", "/_retrieval/model/bad-sum/definition/0", partBody(parts.get(0), 3, onnx.length, wrongSha));
            call(b, "PUT", "/_retrieval/model/bad-sum/definition/1", partBody(parts.get(1), 3, onnx.length, wrongSha));
            ResponseException e = failure(a, "PUT", "/_retrieval/model/bad-sum/definition/2", partBody(parts.get(2), 3, onnx.length, wrongSha));
            assertEquals(400, status(e));
            String error = org.apache.http.util.EntityUtils.toString(e.getResponse().getEntity());
            assertTrue(error, error.contains("sha256 mismatch: declared " + wrongSha + ", the uploaded parts hash to " + sha256(onnx)));
            assertTrue(error, error.contains("delete it and upload it again"));

            Map<String, Object> model = call(b, "GET", "/_retrieval/model/bad-sum", null);
            assertEquals("failed", model.get("state"));
            assertEquals(false, model.get("fully_defined"));
            assertTrue(String.valueOf(model.get("failure_reason")).startsWith("sha256 mismatch"));
            ElasticsearchStatusException notReady = expectThrows(ElasticsearchStatusException.class, () -> readDefinition(nodes[1], "bad-sum"));
            assertEquals(RestStatus.CONFLICT, notReady.status());

            // The documented retry: delete, then configure and upload again.
            call(a, "DELETE", "/_retrieval/model/bad-sum", null);
            call(a, "PUT", "/_retrieval/model/bad-sum", CONFIG);
            String sha = sha256(onnx);
            for (int i = 0; i < 3; i++) {
                call(b, "PUT", "/_retrieval/model/bad-sum/definition/" + i, partBody(parts.get(i), 3, onnx.length, sha));
            }
            assertEquals("ready", call(a, "GET", "/_retrieval/model/bad-sum", null).get("state"));
            assertArrayEquals(onnx, readDefinition(nodes[0], "bad-sum"));
        }
    }

    public void testAMissingPartLeavesTheModelNotReady() throws Exception {
        String[] nodes = twoNodes();
        byte[] onnx = DefaultModel.onnx();
        String sha = sha256(onnx);
        List<byte[]> parts = split(onnx, 3);
        try (RestClient a = clientOf(nodes[0])) {
            call(a, "PUT", "/_retrieval/model/two-of-three", CONFIG);
            call(a, "PUT", "/_retrieval/model/two-of-three/definition/0", partBody(parts.get(0), 3, onnx.length, sha));
            call(a, "PUT", "/_retrieval/model/two-of-three/definition/2", partBody(parts.get(2), 3, onnx.length, sha));
            Map<String, Object> model = call(a, "GET", "/_retrieval/model/two-of-three", null);
            assertEquals("uploading", model.get("state"));
            assertEquals(false, model.get("fully_defined"));

            ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class, () -> readDefinition(nodes[1], "two-of-three"));
            assertEquals(RestStatus.CONFLICT, e.status());
            assertEquals("model [two-of-three] is not ready to use: its state is [uploading] with 2 of 3 parts uploaded", e.getMessage());

            // A part of the wrong size and a part stored twice are refused without changing anything.
            ResponseException wrongSize = failure(a, "PUT", "/_retrieval/model/two-of-three/definition/1",
                partBody(Arrays.copyOf(parts.get(1), parts.get(1).length - 1), 3, onnx.length, sha));
            assertEquals(400, status(wrongSize));
            ResponseException twice = failure(a, "PUT", "/_retrieval/model/two-of-three/definition/0", partBody(parts.get(0), 3, onnx.length, sha));
            assertEquals(409, status(twice));
            assertEquals("uploading", call(a, "GET", "/_retrieval/model/two-of-three", null).get("state"));
        }
    }

    public void testADeleteIsSeenByTheCacheOfEveryNode() throws Exception {
        String[] nodes = twoNodes();
        byte[] onnx = DefaultModel.onnx();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/model/short-lived", CONFIG);
            call(a, "PUT", "/_retrieval/model/short-lived/definition/0", partBody(onnx, 1, onnx.length, sha256(onnx)));
            for (String node : nodes) {
                assertEquals(ModelState.READY, getModel(node, "short-lived").state());
                assertTrue(node, storeOf(node).isCached("short-lived"));
            }
            List<String> invalidated = new java.util.concurrent.CopyOnWriteArrayList<>();
            storeOf(nodes[1]).addInvalidationListener(invalidated::add);

            Map<String, Object> deleted = call(a, "DELETE", "/_retrieval/model/short-lived", null);
            assertEquals(true, deleted.get("acknowledged"));
            for (String node : nodes) {
                assertFalse(node, storeOf(node).isCached("short-lived"));
                expectThrows(ResourceNotFoundException.class, () -> getModel(node, "short-lived"));
            }
            assertEquals(List.of("short-lived"), invalidated);
            assertEquals(404, status(failure(b, "GET", "/_retrieval/model/short-lived", null)));
            assertEquals(404, status(failure(b, "DELETE", "/_retrieval/model/short-lived", null)));
            assertEquals(404, status(failure(a, "PUT", "/_retrieval/model/short-lived/definition/0", partBody(onnx, 1, onnx.length, sha256(onnx)))));
        }
    }

    public void testTheBuiltInModelNeedsNoUploadAndCannotBeChanged() throws Exception {
        String[] nodes = twoNodes();
        assertArrayEquals(NsfwjsInceptionV3.onnx(), readDefinition(nodes[1], "default"));
        assertArrayEquals(DefaultModel.onnx(), readDefinition(nodes[1], "filter_bank"));
        assertArrayEquals(NsfwjsMobileNetV2.onnx(), readDefinition(nodes[1], "nsfwjs_mobilenet_v2"));
        try (RestClient a = clientOf(nodes[0])) {
            Map<String, Object> list = call(a, "GET", "/_retrieval/model", null);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> models = (List<Map<String, Object>>) list.get("models");
            Map<String, Object> builtIn = models.stream().filter(m -> "default".equals(m.get("model_id"))).findFirst().orElseThrow();
            assertEquals("ready", builtIn.get("state"));
            assertEquals(true, builtIn.get("built_in"));
            assertEquals(NsfwjsInceptionV3.onnx().length, ((Number) builtIn.get("size")).intValue());
            Map<String, Object> bank = models.stream().filter(m -> "filter_bank".equals(m.get("model_id"))).findFirst().orElseThrow();
            assertEquals(true, bank.get("built_in"));
            assertEquals(DefaultModel.onnx().length, ((Number) bank.get("size")).intValue());
            Map<String, Object> trunk = models.stream().filter(m -> "nsfwjs_mobilenet_v2".equals(m.get("model_id"))).findFirst().orElseThrow();
            assertEquals(true, trunk.get("built_in"));
            assertEquals("ready", trunk.get("state"));
            assertEquals(NsfwjsMobileNetV2.onnx().length, ((Number) trunk.get("size")).intValue());
            assertEquals(409, status(failure(a, "PUT", "/_retrieval/model/default", CONFIG)));
            assertEquals(409, status(failure(a, "DELETE", "/_retrieval/model/default", null)));
            assertEquals(409, status(failure(a, "PUT", "/_retrieval/model/nsfwjs_mobilenet_v2", CONFIG)));
            assertEquals(409, status(failure(a, "DELETE", "/_retrieval/model/nsfwjs_mobilenet_v2", null)));

            Map<String, Object> stats = call(a, "GET", "/_retrieval/model/default/_stats", null);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> perNode = (Map<String, Map<String, Object>>) stats.get("nodes");
            assertEquals(internalCluster().size(), perNode.size());
            for (Map<String, Object> node : perNode.values()) {
                assertEquals(false, node.get("loaded"));
                assertEquals(0, node.get("inference_count"));
            }
            assertEquals(404, status(failure(a, "GET", "/_retrieval/model/no-such-model/_stats", null)));
        }
    }

    public void testStatsReportWhatTheRegistryOfEachNodeSays() throws Exception {
        String[] nodes = twoNodes();
        // Stand-in for the inference service of node 0: it ran 5 images in batches of 2, 2 and 1.
        internalCluster().getInstance(ModelUsageStatsRegistry.class, nodes[0])
            .setProvider(id -> id.equals("default") ? ModelUsageStats.of(true, "cpu", 5, 12.5, Map.of(2, 2L, 1, 1L)) : null);
        try (RestClient b = clientOf(nodes[1])) {
            Map<String, Object> stats = call(b, "GET", "/_retrieval/model/default/_stats", null);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> perNode = (Map<String, Map<String, Object>>) stats.get("nodes");
            Map<String, Object> n0 = perNode.values().stream().filter(n -> nodes[0].equals(n.get("name"))).findFirst().orElseThrow();
            Map<String, Object> n1 = perNode.values().stream().filter(n -> nodes[1].equals(n.get("name"))).findFirst().orElseThrow();
            assertEquals(true, n0.get("loaded"));
            assertEquals("cpu", n0.get("device"));
            assertEquals(5, n0.get("inference_count"));
            assertEquals(12.5, ((Number) n0.get("mean_latency_ms")).doubleValue(), 0);
            assertEquals(Map.of("1", 1, "2", 2), n0.get("batch_sizes"));
            assertEquals(false, n1.get("loaded"));
        } finally {
            internalCluster().getInstance(ModelUsageStatsRegistry.class, nodes[0]).setProvider(id -> null);
        }
    }
}
