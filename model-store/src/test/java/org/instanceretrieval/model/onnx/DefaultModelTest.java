package org.instanceretrieval.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.Test;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class DefaultModelTest {

    /**
     * The weights come from StrictMath (and java.util.Random, specified bit for bit), so the bytes are the same on every JVM:
     * a second JVM, Temurin 25 where installed (this build runs on OpenJDK 17), computes the same SHA-256 as this one. The
     * child reports its java.version, so the test shows that another JVM, not this one again, computed the digest.
     */
    @Test
    public void bytesAreIdenticalInASecondJvm() throws Exception {
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        boolean otherJdk = Files.isExecutable(temurin);
        String java = otherJdk ? temurin.toString() : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = Files.createTempFile("default-model-digest", ".err");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DefaultModelDigest.class.getName())
            .redirectError(stderr.toFile()).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        String errors = Files.readString(stderr);
        Files.delete(stderr);
        assertEquals(java + " failed: " + printed + errors, 0, exit);
        String[] versionAndDigest = printed.split(" ");
        assertEquals("expected '<java.version> <sha256>' from " + java + ", got: " + printed, 2, versionAndDigest.length);
        if (otherJdk) {
            assertTrue("the child is Temurin 25: " + versionAndDigest[0], versionAndDigest[0].startsWith("25"));
        }
        assertEquals(64, versionAndDigest[1].length());
        assertEquals("the ONNX bytes of " + java + " (" + versionAndDigest[0] + ") against this JVM ("
            + System.getProperty("java.version") + ")", DefaultModelDigest.sha256(), versionAndDigest[1]);
    }

    /**
     * The filter bank is what the class Javadoc documents, recomputed here from the formulas (not through DefaultModel's
     * helpers): Gabor filters on luminance only, zero mean and unit norm; per opponent channel a zero-mean unit-norm
     * difference of Gaussians (sigma 1 and 2, each of unit sum) and a unit-sum Gaussian (sigma 1.5).
     */
    @Test
    public void filterBankIsTheDocumentedKernels() {
        float[] bank = DefaultModel.filterBank();
        int k = DefaultModel.KERNEL, k2 = k * k;
        assertEquals(DefaultModel.FILTERS * 3 * k2, bank.length);
        int filter = 0;
        for (int lambda : new int[] { 4, 8 }) {
            for (int o = 0; o < 8; o++) {
                double theta = Math.PI * o / 8, sigma = 0.56 * lambda;
                double[] g = new double[k2];
                for (int y = -3; y <= 3; y++) {
                    for (int x = -3; x <= 3; x++) {
                        double xr = x * Math.cos(theta) + y * Math.sin(theta), yr = -x * Math.sin(theta) + y * Math.cos(theta);
                        g[(y + 3) * k + x + 3] = Math.exp(-(xr * xr + 0.25 * yr * yr) / (2 * sigma * sigma)) * Math.cos(2 * Math.PI * xr / lambda);
                    }
                }
                assertKernel(bank, filter++, 0, centreAndNormalise(g), "gabor lambda " + lambda + " orientation " + o);
            }
        }
        for (int channel = 1; channel <= 2; channel++) {
            double[] centre = unitSumGaussian(1.0), surround = unitSumGaussian(2.0), dog = new double[k2];
            for (int i = 0; i < k2; i++) {
                dog[i] = centre[i] - surround[i];
            }
            assertKernel(bank, filter++, channel, centreAndNormalise(dog), "difference of Gaussians, channel " + channel);
            assertKernel(bank, filter++, channel, unitSumGaussian(1.5), "Gaussian, channel " + channel);
        }
        assertEquals(DefaultModel.FILTERS, filter);
        assertArrayEquals(new float[] { 1f / 3, 1f / 3, 1f / 3, 1, -1, 0, 0.5f, 0.5f, -1 }, DefaultModel.opponentWeights(), 0f);
    }

    /** {@code expected} on {@code channel} of {@code filter}, zeros on the two other channels. */
    private static void assertKernel(float[] bank, int filter, int channel, double[] expected, String what) {
        int k2 = expected.length;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < k2; i++) {
                float actual = bank[(filter * 3 + c) * k2 + i];
                assertEquals(what + ", input channel " + c + ", tap " + i, c == channel ? expected[i] : 0, actual, 1e-6);
            }
        }
    }

    private static double[] centreAndNormalise(double[] kernel) {
        double mean = Arrays.stream(kernel).average().orElseThrow();
        double[] out = Arrays.stream(kernel).map(v -> v - mean).toArray();
        double norm = Math.sqrt(Arrays.stream(out).map(v -> v * v).sum());
        return Arrays.stream(out).map(v -> v / norm).toArray();
    }

    private static double[] unitSumGaussian(double sigma) {
        double[] g = new double[49];
        for (int y = -3; y <= 3; y++) {
            for (int x = -3; x <= 3; x++) {
                g[(y + 3) * 7 + x + 3] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
            }
        }
        double sum = Arrays.stream(g).sum();
        return Arrays.stream(g).map(v -> v / sum).toArray();
    }

    @Test
    public void onnxRuntimeComputesTheDocumentedNetwork() throws Exception {
        int h = 20, w = 28;
        Random random = new Random(3);
        float[] input = new float[3 * h * w];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][][][] actual;
        try (OrtSession session = env.createSession(DefaultModel.onnx(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] { 1, 3, h, w });
             OrtSession.Result result = session.run(Map.of(DefaultModel.INPUT, x))) {
            actual = (float[][][][]) result.get(DefaultModel.OUTPUT).get().getValue();
        }
        // 20 x 28 -> conv stride 2: 10 x 14 -> max pool stride 2: 5 x 7 -> average pool 2: 2 x 3
        assertEquals(DefaultModel.CHANNELS, actual[0].length);
        assertEquals(2, actual[0][0].length);
        assertEquals(3, actual[0][0][0].length);

        double[][][] expected = reference(input, h, w);
        for (int c = 0; c < DefaultModel.CHANNELS; c++) {
            for (int y = 0; y < 2; y++) {
                for (int xx = 0; xx < 3; xx++) {
                    assertEquals("channel " + c, expected[c][y][xx], actual[0][c][y][xx], 1e-4);
                    assertTrue(actual[0][c][y][xx] >= 0);
                }
            }
        }
    }

    /** The network of DefaultModel's Javadoc, written out with plain loops. */
    private static double[][][] reference(float[] input, int h, int w) {
        double[][][] x = new double[3][h][w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < w; i++) {
                    x[c][y][i] = input[(c * h + y) * w + i];
                }
            }
        }
        double[][][] opponent = conv(x, DefaultModel.opponentWeights(), 3, 1, 1, 0);
        double[][][] bank = conv(opponent, DefaultModel.filterBank(), DefaultModel.FILTERS, 7, 2, 3);
        int f = DefaultModel.FILTERS;
        double[][][] rectified = new double[2 * f][][];
        for (int c = 0; c < f; c++) {
            rectified[c] = map(bank[c], v -> Math.max(v, 0));
            rectified[f + c] = map(bank[c], v -> Math.max(-v, 0));
        }
        double[][][] pooled = new double[2 * f][][];
        for (int c = 0; c < 2 * f; c++) {
            pooled[c] = pool(rectified[c], 3, 2, 1, true);
        }
        double[][][] projected = conv(pooled, DefaultModel.projection(), DefaultModel.CHANNELS, 1, 1, 0);
        double[][][] out = new double[DefaultModel.CHANNELS][][];
        for (int c = 0; c < out.length; c++) {
            out[c] = pool(map(projected[c], v -> Math.max(v, 0)), 2, 2, 0, false);
        }
        return out;
    }

    private static double[][][] conv(double[][][] x, float[] weights, int outChannels, int k, int stride, int pad) {
        int in = x.length, h = x[0].length, w = x[0][0].length;
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        double[][][] out = new double[outChannels][oh][ow];
        for (int o = 0; o < outChannels; o++) {
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double sum = 0;
                    for (int c = 0; c < in; c++) {
                        for (int dy = 0; dy < k; dy++) {
                            for (int dx = 0; dx < k; dx++) {
                                int sy = y * stride - pad + dy, sx = xx * stride - pad + dx;
                                if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                                    sum += weights[((o * in + c) * k + dy) * k + dx] * x[c][sy][sx];
                                }
                            }
                        }
                    }
                    out[o][y][xx] = sum;
                }
            }
        }
        return out;
    }

    private static double[][] pool(double[][] x, int k, int stride, int pad, boolean max) {
        int h = x.length, w = x[0].length;
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        double[][] out = new double[oh][ow];
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        int sy = y * stride - pad + dy, sx = xx * stride - pad + dx;
                        if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                            acc = max ? Math.max(acc, x[sy][sx]) : acc + x[sy][sx] / (k * k);
                        }
                    }
                }
                out[y][xx] = acc;
            }
        }
        return out;
    }

    private static double[][] map(double[][] x, java.util.function.DoubleUnaryOperator f) {
        return Arrays.stream(x).map(row -> Arrays.stream(row).map(f).toArray()).toArray(double[][]::new);
    }
}
