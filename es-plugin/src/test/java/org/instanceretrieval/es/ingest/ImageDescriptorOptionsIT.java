package org.instanceretrieval.es.ingest;

import ai.onnxruntime.OrtSession;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.es.InstanceRetrievalPlugin;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.model.descriptor.DescriptorExtractor;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.ImageDescriptors;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;
import org.instanceretrieval.whitening.Whitening;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.common.xcontent.XContentHelper.convertToMap;
import static org.hamcrest.Matchers.containsString;

/**
 * The processor's options against model-store's {@link DescriptorExtractor} on the same bytes,
 * with the built-in model: bbox crop at the full image's scale, patches written as
 * {@code [{"vector": [...]}, ...]}, a whitening by id (and its errors: unknown id, dimension
 * mismatch), {@code ignore_missing}, {@code ignore_failure}. The nodes run a plugin whose
 * whitening-store hook installs two fixed whitenings.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class ImageDescriptorOptionsIT extends RetrievalIntegTestCase {

    /** Keeps the first 64 of 128 dimensions (then L2): output dimension 64. */
    static final Whitening HALF = Whitening.of(selection(64, 128), new float[128]);
    /** Expects 64 dimensions: the built-in model's 128 do not fit. */
    static final Whitening WRONG = Whitening.of(selection(64, 64), new float[64]);

    private static float[][] selection(int rows, int cols) {
        float[][] p = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            p[i][i] = 1;
        }
        return p;
    }

    /** The plugin with the whitening-store hook returning fixed whitenings. */
    public static class WithFixedWhitenings extends InstanceRetrievalPlugin {
        @Override
        protected WhiteningStore createWhiteningStore(PluginServices services) {
            return (id, listener) -> {
                switch (id) {
                    case "half" -> listener.onResponse(HALF);
                    case "wrong-dim" -> listener.onResponse(WRONG);
                    default -> listener.onFailure(new ResourceNotFoundException("whitening [{}] not found", id));
                }
            };
        }
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(WithFixedWhitenings.class, Netty4Plugin.class);
    }

    /** Runs one document through an inline pipeline of one processor; returns the simulated doc (or its error). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> simulate(String processor, String source) throws IOException {
        Request request = new Request("POST", "/_ingest/pipeline/_simulate");
        request.setJsonEntity("{\"pipeline\": {\"processors\": [{\"image_descriptor\": " + processor + "}]}, \"docs\": [{\"_source\": "
            + source + "}]}");
        Response response = getRestClient().performRequest(request);
        try (InputStream in = response.getEntity().getContent()) {
            Map<String, Object> body = convertToMap(XContentType.JSON.xContent(), in, false);
            return ((List<Map<String, Object>>) body.get("docs")).get(0);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sourceOf(Map<String, Object> simulated) {
        assertNull("unexpected error: " + simulated.get("error"), simulated.get("error"));
        return (Map<String, Object>) ((Map<String, Object>) simulated.get("doc")).get("_source");
    }

    @SuppressWarnings("unchecked")
    private static String errorOf(Map<String, Object> simulated) {
        Map<String, Object> error = (Map<String, Object>) simulated.get("error");
        assertNotNull("expected an error, got " + simulated, error);
        return String.valueOf(error.get("reason"));
    }

    private static float[] floats(Object list) {
        List<?> values = (List<?>) list;
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals("component " + i, expected[i], actual[i], 1e-6);
        }
    }

    /** The built-in model's recipe (longest side 1024, GeM p = 3, scale 1) with changes, run by model-store directly. */
    private static ImageDescriptors expected(byte[] image, BoundingBox bbox, DescriptorRecipe.Builder recipe) {
        try (OnnxModel model = new OnnxModel(DefaultModel.onnx(), DefaultModel.OUTPUT, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions())) {
            return new DescriptorExtractor(ImageModel.direct(model), new TensorLayout(DefaultModel.MEAN, DefaultModel.STD,
                TensorLayout.ChannelOrder.RGB), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), Runnable::run).extract(image, bbox,
                    recipe.build()).join();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DescriptorRecipe.Builder builtInRecipe() {
        return DescriptorRecipe.builder().pooling(PoolingSpec.gem(3)).scales(List.of(1.0));
    }

    public void testBoundingBoxPatchesAndWhiteningMatchModelStore() throws Exception {
        byte[] png = ImageDescriptorIT.encode(ImageDescriptorIT.pattern(64, 48, 5), "png");
        String image = "\"" + Base64.getEncoder().encodeToString(png) + "\"";

        Map<String, Object> boxed = sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"bbox_field\": \"box\"}",
            "{\"img\": " + image + ", \"box\": [8, 4, 40, 30]}"));
        assertClose(expected(png, new BoundingBox(8, 4, 40, 30), builtInRecipe()).descriptor(), floats(boxed.get("v")));

        Map<String, Object> patched = sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"patches\": 2}", "{\"img\": " + image + "}"));
        ImageDescriptors withPatches = expected(png, null, builtInRecipe().patchLevels(2));
        assertClose(withPatches.descriptor(), floats(patched.get("v")));
        List<?> patches = (List<?>) patched.get("v_patches");
        assertEquals(5, patches.size()); // 1 + 4 patches for 2 levels
        for (int i = 0; i < patches.size(); i++) {
            assertClose(withPatches.patches().get(i), floats(((Map<?, ?>) patches.get(i)).get("vector")));
        }

        Map<String, Object> whitened = sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"whitening_id\": \"half\"}",
            "{\"img\": " + image + "}"));
        float[] v = floats(whitened.get("v"));
        assertEquals(64, v.length);
        // y = L2(P (x - m)) on the L2 descriptor x: with HALF (m = 0, P the first 64 rows of I) the first 64 components
        // of the unwhitened descriptor, L2-normalised again (computed here, not by the whitening classes)
        float[] plain = floats(sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\"}", "{\"img\": " + image + "}")).get("v"));
        assertEquals(128, plain.length);
        assertClose(expected(png, null, builtInRecipe()).descriptor(), plain);
        assertClose(BruteForce.l2(java.util.Arrays.copyOf(plain, 64)), v);

        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"whitening_id\": \"wrong-dim\"}", "{\"img\": " + image + "}")),
            containsString("whitening [wrong-dim] expects dimension 64 but the model produces 128"));
        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"whitening_id\": \"nope\"}", "{\"img\": " + image + "}")),
            containsString("whitening [nope] not found"));
        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"bbox_field\": \"box\"}",
            "{\"img\": " + image + ", \"box\": [100, 100, 120, 130]}")), containsString("is empty or outside the 64x48 image"));
        assertThat(errorOf(simulate("{\"field\": \"img\", \"target_field\": \"v\", \"model_id\": \"no-such-model\"}", "{\"img\": " + image + "}")),
            containsString("unknown model [no-such-model]"));
    }

    public void testIgnoreMissingAndIgnoreFailure() throws Exception {
        Map<String, Object> skipped = sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"ignore_missing\": true}",
            "{\"title\": \"no image\"}"));
        assertEquals(Map.of("title", "no image"), skipped);
        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\"}", "{\"title\": \"no image\"}")),
            containsString("field [img] is missing or null"));
        // ignore_missing does not hide a bad image; ignore_failure (the framework's) does.
        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"ignore_missing\": true}", "{\"img\": \"\"}")),
            containsString("field [img] is empty"));
        Map<String, Object> ignored = sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"ignore_failure\": true}",
            "{\"img\": \"AAAA\"}"));
        assertEquals(Map.of("img", "AAAA"), ignored);
    }

    /** The default zip has ONNX Runtime's CPU build: device cuda fails the document, naming the device; auto falls back. */
    public void testCudaWithoutGpuFailsTheDocumentAndAutoFallsBack() throws Exception {
        String image = "\"" + Base64.getEncoder().encodeToString(ImageDescriptorIT.encode(ImageDescriptorIT.pattern(16, 12, 6), "png")) + "\"";
        assertThat(errorOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"device\": \"cuda\"}", "{\"img\": " + image + "}")),
            containsString("model [filter_bank] cannot run on device [cuda]"));
        assertEquals(128, ((List<?>) sourceOf(simulate("{\"model_id\": \"filter_bank\", \"field\": \"img\", \"target_field\": \"v\", \"device\": \"auto\"}",
            "{\"img\": " + image + "}")).get("v")).size());
    }
}
