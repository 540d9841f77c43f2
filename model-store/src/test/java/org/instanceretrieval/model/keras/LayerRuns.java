package org.instanceretrieval.model.keras;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.keras.KerasOnnxConverter.ZeroCodeVariance;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.Assert.assertEquals;

/**
 * What the converter tests share around {@link NhwcReference}: random test images, running a model converted up to one
 * layer in ONNX Runtime, and comparing an NCHW map of ONNX Runtime with an NHWC reference map. A map is
 * {@code double[h][w][c]} (reference) or {@code float[c][h][w]} (ONNX Runtime, batch dimension dropped).
 */
final class LayerRuns {

    private LayerRuns() {}

    /** An {@code h x w} RGB image of values {@code k / 255} ({@code k} uniform in 0..255 from {@code random}, row by row). */
    static double[][][] randomImage(int h, int w, Random random) {
        double[][][] x = new double[h][w][3];
        for (double[][] row : x) {
            for (double[] px : row) {
                for (int c = 0; c < 3; c++) {
                    px[c] = random.nextInt(256) / 255.0;
                }
            }
        }
        return x;
    }

    /** The NHWC image {@code x} (3 channels) as a flat NCHW float tensor. */
    static float[] nchw(double[][][] x) {
        int h = x.length, w = x[0].length;
        float[] nchw = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    nchw[(c * h + i) * w + j] = (float) x[i][j][c];
                }
            }
        }
        return nchw;
    }

    /**
     * Converts {@code model} up to {@code layer} with {@code rule}, runs it in a new ONNX Runtime session on the image
     * {@code x} (batch of one) and returns the value of its first output ({@code float[1][c][h][w]} for a map).
     *
     * @param check called with the session after the run, before it is closed (assertions on the graph)
     */
    static Object run(TfjsLayersModel model, String layer, ZeroCodeVariance rule, double[][][] x, Consumer<OrtSession> check)
        throws Exception {
        byte[] onnx = KerasOnnxConverter.convert(model, layer, rule, "test");
        int h = x.length, w = x[0].length;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw(x)), new long[] { 1, 3, h, w });
             OrtSession.Result result = session.run(Map.of(KerasOnnxConverter.INPUT, in))) {
            check.accept(session);
            return result.get(0).getValue();
        }
    }

    /**
     * Asserts that {@code got} ({@code [c][h][w]}) has the shape of {@code want} ({@code [h][w][c]}) and every value within
     * {@code 1e-5 * max(1, max |want|)}; messages start with {@code what}.
     */
    static void assertMapEquals(String what, double[][][] want, float[][][] got) {
        assertEquals(what + " channels", want[0][0].length, got.length);
        assertEquals(what + " height", want.length, got[0].length);
        assertEquals(what + " width", want[0].length, got[0][0].length);
        double scale = 1;
        for (double[][] row : want) {
            for (double[] px : row) {
                for (double v : px) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
        }
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[0].length; j++) {
                for (int c = 0; c < want[0][0].length; c++) {
                    assertEquals(what + " at " + i + "," + j + "," + c, want[i][j][c], got[c][i][j], 1e-5 * scale);
                }
            }
        }
    }
}
