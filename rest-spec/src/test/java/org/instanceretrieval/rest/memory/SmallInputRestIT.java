package org.instanceretrieval.rest.memory;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.WarningsHandler;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.hamcrest.Matchers.containsString;

/**
 * A user-uploaded convolutional network on the real node: four 3x3 stride-2 'valid' convolutions (3 -> 4 -> 4 -> 4 -> 4
 * channels), described at one scale. Worked by hand, for a side s: c1 = floor((s - 3) / 2) + 1, and each next conv needs 3 from the one before, so
 * c3 >= 3 needs c2 >= 7, c1 >= 15, floor((s - 3) / 2) >= 14, s >= 31 (30 leaves c4 = 0). A 30 x 40 image in a bulk is
 * refused per document, before ONNX Runtime runs, with an error naming the model, the minimum and the image's size; the
 * other documents of the bulk (31 x 31 and 64 x 48) are indexed and the node stays up.
 */
public class SmallInputRestIT extends MemoryRestSupport {

    private static byte[] fourStrideTwoConvs() {
        OnnxGraphWriter g = new OnnxGraphWriter("strided").input("x", null, 3L, null, null).output("y", null, 4L, null, null);
        for (int i = 0; i < 4; i++) {
            int in = i == 0 ? 3 : 4;
            float[] w = new float[4 * in * 9];
            Arrays.fill(w, 0.05f);
            g.initializer("w" + i, new long[] { 4, in, 3, 3 }, w)
                .node("Conv", List.of(i == 0 ? "x" : "c" + i, "w" + i), List.of(i == 3 ? "y" : "c" + (i + 1)),
                    OnnxGraphWriter.intsAttr("kernel_shape", 3, 3), OnnxGraphWriter.intsAttr("strides", 2, 2));
        }
        return g.build("test", "");
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 7) & 0xFF) << 16 | ((y * 9) & 0xFF) << 8 | ((x * y + 40) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A 3x3 stride-2 convolution, a Transpose of H and W (not followed by the analysis), another such convolution. */
    private static byte[] convTransposeConv() {
        float[] w = new float[4 * 4 * 9];
        Arrays.fill(w, 0.05f);
        return new OnnxGraphWriter("transposed").input("x", null, 3L, null, null).output("y", null, 4L, null, null)
            .initializer("w0", new long[] { 4, 3, 3, 3 }, Arrays.copyOf(w, 4 * 3 * 9))
            .initializer("w1", new long[] { 4, 4, 3, 3 }, w)
            .node("Conv", List.of("x", "w0"), List.of("c"), OnnxGraphWriter.intsAttr("kernel_shape", 3, 3),
                OnnxGraphWriter.intsAttr("strides", 2, 2))
            .node("Transpose", List.of("c"), List.of("t"), OnnxGraphWriter.intsAttr("perm", 0, 1, 3, 2))
            .node("Conv", List.of("t", "w1"), List.of("y"), OnnxGraphWriter.intsAttr("kernel_shape", 3, 3),
                OnnxGraphWriter.intsAttr("strides", 2, 2))
            .build("test", "");
    }

    /**
     * A network whose second convolution follows a Transpose (whose output size the analysis does not follow) is accepted with a
     * Warning header that names the unchecked layer and the option; with {@code input.min_side} set there is no warning.
     */
    public void testANetworkTheAnalysisCannotFollowIsAcceptedWithAWarningUnlessMinSideIsSet() throws Exception {
        byte[] onnx = convTransposeConv();
        List<String> warned = upload("transposed", "{\"size\": {\"longest_side\": 64}}", onnx);
        List<String> quiet = upload("transposed-set", "{\"size\": {\"longest_side\": 64}, \"min_side\": 7}", onnx);
        try {
            // by hand: the first conv needs 3 (floor((s - 3) / 2) + 1 >= 1), the second one is not checked
            assertEquals(List.of("model [transposed]: the smallest input side (3) was computed without 1 convolution or pooling "
                + "layers that follow [Transpose], whose output size is not followed; an image too small for them can abort the "
                + "node inside ONNX Runtime: set [input.min_side] in the model's configuration"), warned);
            assertEquals(List.of(), quiet);
        } finally {
            client().performRequest(new Request("DELETE", "/_retrieval/model/transposed"));
            client().performRequest(new Request("DELETE", "/_retrieval/model/transposed-set"));
        }
    }

    /** Uploads {@code onnx} as model {@code id} (input configuration {@code input}) in one part; the part's response warnings. */
    private List<String> upload(String id, String input, byte[] onnx) throws Exception {
        Request put = new Request("PUT", "/_retrieval/model/" + id);
        put.setJsonEntity("{\"input\": " + input + ", \"output\": {\"name\": \"y\", \"kind\": \"feature_map\"}, "
            + "\"recipe\": {\"scales\": [1]}}");
        client().performRequest(put);
        Request part = new Request("PUT", "/_retrieval/model/" + id + "/definition/0");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        part.setJsonEntity("{\"definition\": \"" + b64(onnx) + "\", \"total_parts\": 1, \"total_definition_length\": " + onnx.length
            + ", \"sha256\": \"" + sha + "\"}");
        part.setOptions(RequestOptions.DEFAULT.toBuilder().setWarningsHandler(WarningsHandler.PERMISSIVE));
        Response response = client().performRequest(part);
        assertEquals("ready", entityAsMap(response).get("state"));
        return response.getWarnings();
    }

    /** Uploads the four convolutions as model {@code id} with {@code input} as its input configuration: ready, no warning. */
    private void uploadFourStrideTwoConvs(String id, String input) throws Exception {
        assertEquals(List.of(), upload(id, input, fourStrideTwoConvs()));
    }

    /**
     * {@code input.min_side} raises the guard above the graph's 31: with 40, a 35 x 35 image (which the graph alone admits) is
     * refused naming 40, a 40 x 40 one is indexed; the option is shown by GET.
     */
    @SuppressWarnings("unchecked")
    public void testTheConfiguredMinimumSideRaisesTheGraphsMinimum() throws Exception {
        uploadFourStrideTwoConvs("small-raised", "{\"size\": {\"longest_side\": 1024}, \"min_side\": 40}");
        try {
            Map<String, Object> got = entityAsMap(client().performRequest(new Request("GET", "/_retrieval/model/small-raised")));
            assertThat(got.toString(), containsString("min_side=40"));
            putPipeline("small-raised", "small-raised");
            Map<String, Object> response = bulk(client(), bulkLine("raised-idx", "under", "small-raised", png(35, 35))
                + bulkLine("raised-idx", "at", "small-raised", png(40, 40)));
            Map<String, Object> under = item(response, "under");
            assertEquals(under.toString(), 400, under.get("status"));
            assertThat((String) ((Map<String, Object>) under.get("error")).get("reason"),
                containsString("model [small-raised] needs inputs of at least 40x40 pixels but the image was sized 35x35"));
            assertEquals(201, item(response, "at").get("status"));
            assertNodeUp();
            assertEquals(1, count("raised-idx"));
        } finally {
            client().performRequest(new Request("DELETE", "/_ingest/pipeline/small-raised"));
            client().performRequest(new Request("DELETE", "/_retrieval/model/small-raised"));
        }
    }

    @SuppressWarnings("unchecked")
    public void testAnImageBelowTheNetworksMinimumSideFailsItsDocumentOnlyAndTheNodeStaysUp() throws Exception {
        uploadFourStrideTwoConvs("small-strided", "{\"size\": {\"longest_side\": 1024}}");
        try {
            putPipeline("small-strided", "small-strided");
            Map<String, Object> response = bulk(client(), bulkLine("small-idx", "big", "small-strided", png(64, 48))
                + bulkLine("small-idx", "small", "small-strided", png(30, 40))
                + bulkLine("small-idx", "just", "small-strided", png(31, 31)));
            Map<String, Object> small = item(response, "small");
            assertEquals(small.toString(), 400, small.get("status"));
            Map<String, Object> error = (Map<String, Object>) small.get("error");
            assertEquals("illegal_argument_exception", error.get("type"));
            assertThat((String) error.get("reason"), containsString("model [small-strided] needs inputs of at least 31x31 pixels but "
                + "the image was sized 30x40 (width x height, after resizing and scaling); use a larger image or another model"));
            assertEquals(201, item(response, "big").get("status"));
            assertEquals(201, item(response, "just").get("status"));
            assertNodeUp();
            assertEquals(2, count("small-idx"));
            Map<String, Object> doc = entityAsMap(client().performRequest(new Request("GET", "/small-idx/_source/just")));
            assertEquals(4, ((List<Object>) doc.get("descriptor")).size()); // four channels, pooled
        } finally {
            client().performRequest(new Request("DELETE", "/_ingest/pipeline/small-strided"));
            client().performRequest(new Request("DELETE", "/_retrieval/model/small-strided"));
        }
    }
}
