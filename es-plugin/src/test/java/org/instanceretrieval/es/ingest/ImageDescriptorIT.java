package org.instanceretrieval.es.ingest;

import ai.onnxruntime.OrtSession;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.es.model.NodeInference;
import org.instanceretrieval.model.descriptor.DescriptorExtractor;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.elasticsearch.common.xcontent.XContentHelper.convertToMap;

/**
 * The {@code image_descriptor} processor in a cluster of two data nodes over real HTTP: a model
 * uploaded in parts through one node describes images ingested through the other, exactly as
 * model-store's {@link DescriptorExtractor} does on the same bytes; in a bulk request the bad
 * images fail alone with errors naming their problem; after the model's delete, ingest fails
 * with "unknown model" on every node.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class ImageDescriptorIT extends RetrievalIntegTestCase {

    /** Small so that a cheap PNG can declare more pixels than the limit. */
    private static final long MAX_PIXELS = 1_000_000;

    private static final String CONFIG = """
        {"input": {"size": {"fixed": [40, 30]}},
         "output": {"name": "features", "kind": "feature_map"},
         "recipe": {"pooling": {"type": "gem", "p": 3}, "scales": [1, 0.5]}}""";

    @Override
    protected Settings nodeSettings(int nodeOrdinal, Settings otherSettings) {
        return Settings.builder()
            .put(super.nodeSettings(nodeOrdinal, otherSettings))
            .put(NodeInference.MAX_PIXELS.getKey(), MAX_PIXELS)
            .put(NodeInference.DEVICE.getKey(), "cpu")
            .build();
    }

    // ---- helpers ----

    private static String reasonOf(ResponseException e) throws IOException {
        try (InputStream in = e.getResponse().getEntity().getContent()) {
            Map<String, Object> body = convertToMap(XContentType.JSON.xContent(), in, false);
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) body.get("error");
            return String.valueOf(error.get("reason"));
        }
    }

    private static void upload(RestClient client, String modelId, byte[] whole, int parts) throws Exception {
        call(client, "PUT", "/_retrieval/model/" + modelId, CONFIG);
        uploadDefinition(client, modelId, whole, parts);
    }

    /** A deterministic colour pattern (gradients and a bright square) of the given size. */
    public static BufferedImage pattern(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / Math.max(1, width - 1) + seed * 37) & 0xFF;
                int g = (y * 255 / Math.max(1, height - 1) + seed * 91) & 0xFF;
                int b = (x > width / 3 && x < 2 * width / 3 && y > height / 3 && y < 2 * height / 3) ? 250 : (x * y + seed) & 0x7F;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue("no ImageIO writer for " + format, ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @SuppressWarnings("unchecked")
    private static float[] descriptorOf(RestClient client, String index, String id, String field) throws IOException {
        Map<String, Object> source = (Map<String, Object>) call(client, "GET", "/" + index + "/_doc/" + id, null).get("_source");
        List<Number> values = (List<Number>) source.get(field);
        assertNotNull("no [" + field + "] in " + source.keySet(), values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    /** The descriptor model-store computes on the same bytes with the same recipe, outside Elasticsearch. */
    private static float[] expected(byte[] image) {
        DescriptorRecipe recipe = DescriptorRecipe.builder()
            .resizePolicy(ResizePolicy.fixed(40, 30))
            .pooling(PoolingSpec.gem(3))
            .scales(List.of(1.0, 0.5))
            .build();
        try (OnnxModel model = new OnnxModel(DefaultModel.onnx(), DefaultModel.OUTPUT, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions())) {
            DescriptorExtractor extractor = new DescriptorExtractor(ImageModel.direct(model),
                new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB),
                new ImageDecoder(MAX_PIXELS), Runnable::run);
            return extractor.extract(image, null, recipe).join().descriptor();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals("component " + i, expected[i], actual[i], 1e-6);
        }
    }

    // ---- tests ----

    public void testModelUploadedThroughOneNodeDescribesImagesIngestedThroughAnother() throws Exception {
        String[] nodes = internalCluster().getNodeNames();
        assertTrue(nodes.length >= 2);
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            upload(a, "it-user", DefaultModel.onnx(), 3);
            call(a, "PUT", "/photos", """
                {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
                 "mappings": {"properties": {"descriptor": {"type": "dense_vector", "dims": 128, "similarity": "dot_product"}}}}""");
            ensureGreen("photos");
            call(b, "PUT", "/_ingest/pipeline/describe", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "descriptor", "model_id": "it-user"}}]}""");

            byte[] png = encode(pattern(64, 48, 1), "png");
            byte[] jpeg = encode(pattern(50, 70, 2), "jpeg");
            byte[] gif = encode(pattern(20, 20, 3), "gif");
            byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
            // A PNG signature and header followed by garbage.
            byte[] corrupt = Arrays.copyOf(png, png.length);
            Arrays.fill(corrupt, 40, corrupt.length, (byte) 0x5A);
            // 2000 x 1000 = 2 M pixels > the 1 M limit; a flat image compresses to a few kilobytes.
            byte[] huge = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB), "png");
            String bulk = String.join("\n",
                "{\"index\": {\"_id\": \"png\"}}", "{\"image\": \"" + b64(png) + "\"}",
                "{\"index\": {\"_id\": \"corrupt\"}}", "{\"image\": \"" + b64(corrupt) + "\"}",
                "{\"index\": {\"_id\": \"jpeg\"}}", "{\"image\": \"" + b64(jpeg) + "\"}",
                "{\"index\": {\"_id\": \"truncated\"}}", "{\"image\": \"" + b64(truncated) + "\"}",
                "{\"index\": {\"_id\": \"gif\"}}", "{\"image\": \"" + b64(gif) + "\"}",
                "{\"index\": {\"_id\": \"huge\"}}", "{\"image\": \"" + b64(huge) + "\"}",
                "{\"index\": {\"_id\": \"empty\"}}", "{\"image\": \"\"}",
                "{\"index\": {\"_id\": \"missing\"}}", "{\"title\": \"no image\"}",
                "{\"index\": {\"_id\": \"not-base64\"}}", "{\"image\": \"***\"}"
            ) + "\n";
            Map<String, Object> response = call(b, "POST", "/photos/_bulk?pipeline=describe&refresh=true", bulk);
            assertEquals(Boolean.TRUE, response.get("errors"));
            Map<String, String> errors = new java.util.HashMap<>();
            List<String> indexed = new ArrayList<>();
            for (Object item : (List<?>) response.get("items")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) item).get("index");
                if (result.get("error") != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> error = (Map<String, Object>) result.get("error");
                    errors.put((String) result.get("_id"), String.valueOf(error.get("reason")));
                } else {
                    indexed.add((String) result.get("_id"));
                }
            }
            assertEquals(List.of("png", "jpeg"), indexed);
            assertThat(errors.get("corrupt"), org.hamcrest.Matchers.startsWith("field [image]: corrupt or truncated PNG image"));
            assertThat(errors.get("truncated"), org.hamcrest.Matchers.containsString("corrupt or truncated JPEG"));
            assertThat(errors.get("gif"), org.hamcrest.Matchers.containsString("unsupported image format: expected JPEG or PNG data, found GIF data"));
            assertThat(errors.get("huge"), org.hamcrest.Matchers.containsString("2000x1000 = 2000000 pixels, more than the limit of 1000000"));
            assertThat(errors.get("empty"), org.hamcrest.Matchers.containsString("field [image] is empty"));
            assertThat(errors.get("missing"), org.hamcrest.Matchers.containsString("field [image] is missing"));
            assertThat(errors.get("not-base64"), org.hamcrest.Matchers.containsString("field [image] is not valid base64"));

            // The stored descriptors are model-store's, computed independently on the same bytes.
            assertClose(expected(png), descriptorOf(a, "photos", "png", "descriptor"));
            assertClose(expected(jpeg), descriptorOf(b, "photos", "jpeg", "descriptor"));

            // The node that ran the pipeline reports the model loaded with its inference count:
            // 2 images x 2 scales.
            Map<String, Object> stats = call(a, "GET", "/_retrieval/model/it-user/_stats", null);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> perNode = (Map<String, Map<String, Object>>) stats.get("nodes");
            long loaded = perNode.values().stream().filter(n -> Boolean.TRUE.equals(n.get("loaded"))).count();
            long count = perNode.values().stream().mapToLong(n -> ((Number) n.get("inference_count")).longValue()).sum();
            assertEquals(1, loaded);
            assertEquals(4, count);
            assertTrue(perNode.values().stream().anyMatch(n -> "cpu".equals(n.get("device"))));

            // Deleted through one node: ingest fails with "unknown model" through every node.
            call(a, "DELETE", "/_retrieval/model/it-user", null);
            for (String node : nodes) {
                try (RestClient c = clientOf(node)) {
                    ResponseException e = expectThrows(ResponseException.class,
                        () -> call(c, "PUT", "/photos/_doc/after-delete?pipeline=describe", "{\"image\": \"" + b64(png) + "\"}"));
                    assertEquals(404, e.getResponse().getStatusLine().getStatusCode());
                    assertThat(reasonOf(e), org.hamcrest.Matchers.containsString("unknown model [it-user]"));
                }
            }
            // Every node closed its session.
            for (String node : nodes) {
                assertFalse(internalCluster().getInstance(NodeInference.class, node).service(null).cachedModelIds().contains("it-user"));
            }
        }
    }

    public void testModelNotFullyUploadedAndBadOptions() throws Exception {
        String[] nodes = internalCluster().getNodeNames();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/model/it-partial", CONFIG);
            call(b, "PUT", "/_ingest/pipeline/partial", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": "it-partial"}}]}""");
            byte[] png = encode(pattern(32, 24, 4), "png");
            ResponseException e = expectThrows(ResponseException.class,
                () -> call(b, "PUT", "/partial-idx/_doc/1?pipeline=partial", "{\"image\": \"" + b64(png) + "\"}"));
            assertEquals(409, e.getResponse().getStatusLine().getStatusCode());
            assertThat(reasonOf(e), org.hamcrest.Matchers.containsString("model [it-partial] is not ready to use"));
            // Completed after the pipeline was created: the same pipeline now works, on both nodes.
            uploadDefinition(a, "it-partial", DefaultModel.onnx(), 2);
            for (RestClient c : List.of(a, b)) {
                call(c, "PUT", "/partial-idx/_doc/1?pipeline=partial&refresh=true", "{\"image\": \"" + b64(png) + "\"}");
                assertEquals(128, descriptorOf(c, "partial-idx", "1", "v").length);
            }

            ResponseException badPooling = expectThrows(ResponseException.class, () -> call(a, "PUT", "/_ingest/pipeline/bad", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "pooling": {"type": "gem", "p": 0}}}]}"""));
            assertEquals(400, badPooling.getResponse().getStatusLine().getStatusCode());
            assertThat(reasonOf(badPooling), org.hamcrest.Matchers.containsString("[pooling.p] must be between 1 and 100 but was [0.0]"));
            ResponseException unknown = expectThrows(ResponseException.class, () -> call(a, "PUT", "/_ingest/pipeline/bad", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "polling": {"type": "gem"}}}]}"""));
            assertEquals(400, unknown.getResponse().getStatusLine().getStatusCode());
            assertThat(reasonOf(unknown), org.hamcrest.Matchers.containsString("polling"));
        }
    }

    /**
     * A graph whose output is a feature map, declared as a vector model: the load check at the last part
     * fails the model (400, state failed), a document naming it fails with 409 and the reason, the node stays up.
     */
    public void testGraphWhoseOutputDoesNotFitTheDeclaredKindFailsTheDocument() throws Exception {
        String[] nodes = twoNodes();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/model/it-misdeclared", """
                {"input": {"size": {"fixed": [40, 30]}}, "output": {"name": "features", "kind": "vector"}}""");
            ResponseException refused = expectThrows(ResponseException.class,
                () -> uploadDefinition(a, "it-misdeclared", DefaultModel.onnx(), 2));
            assertEquals(400, status(refused));
            assertThat(reasonOf(refused), org.hamcrest.Matchers.containsString("does not fit the declared kind VECTOR"));
            call(b, "PUT", "/_ingest/pipeline/misdeclared", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": "it-misdeclared"}}]}""");
            byte[] png = encode(pattern(32, 24, 5), "png");
            ResponseException e = expectThrows(ResponseException.class,
                () -> call(b, "PUT", "/misdeclared-idx/_doc/1?pipeline=misdeclared", "{\"image\": \"" + b64(png) + "\"}"));
            assertEquals(409, status(e));
            assertThat(reasonOf(e), org.hamcrest.Matchers.containsString("does not fit the declared kind VECTOR"));
            // The node stays up and still serves a model that fits.
            call(b, "PUT", "/_ingest/pipeline/fits", """
                {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": "filter_bank"}}]}""");
            call(b, "PUT", "/misdeclared-idx/_doc/2?pipeline=fits&refresh=true", "{\"image\": \"" + b64(png) + "\"}");
            assertEquals(128, descriptorOf(b, "misdeclared-idx", "2", "v").length);
        }
    }
}
