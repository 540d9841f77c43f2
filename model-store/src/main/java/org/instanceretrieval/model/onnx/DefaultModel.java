package org.instanceretrieval.model.onnx;

import java.util.List;
import java.util.Random;

/**
 * The built-in model {@code default}: a small, fixed (untrained) convolutional feature
 * extractor that the plugin writes as an ONNX graph itself, so the whole pipeline works with
 * no download. It is a hand-designed early-vision front end, not a learned network:
 * <ol>
 *   <li>colour-opponent channels (1x1 convolution): luminance (R+G+B)/3, red-green R-G and
 *       blue-yellow (R+G)/2-B;</li>
 *   <li>a 7x7 filter bank at stride 2: on luminance, zero-mean Gabor filters at
 *       {@value #ORIENTATIONS} orientations and wavelengths 4 and 8 pixels; on each opponent
 *       channel a centre-surround (difference of Gaussians) and a Gaussian blob filter;</li>
 *   <li>full-wave rectification into separate channels: Relu(x) and Relu(-x);</li>
 *   <li>3x3 max pooling at stride 2;</li>
 *   <li>a fixed pseudo-random 1x1 projection to {@value #CHANNELS} channels (seeded, so every
 *       node builds the same bytes) with Relu, then 2x2 average pooling at stride 2.</li>
 * </ol>
 * Input {@value #INPUT}: float {@code [N, 3, H, W]}, RGB, ImageNet mean/std normalised.
 * Output {@value #OUTPUT}: a non-negative {@code [N, 128, H', W']} map with
 * {@code H' = floor(ceil(ceil(H/2)/2)/2)} (about H/8; same for W).
 * <p>
 * What to expect: it responds to oriented texture, edges and colour, so it retrieves
 * near-duplicates and the same textured object under moderate changes of scale, crop and
 * illumination; it has no learned invariance to viewpoint or semantics, and a real network
 * (a ResNet or DINOv2 exported to ONNX) is far better on real photos.
 */
public final class DefaultModel {

    public static final String INPUT = "image";
    public static final String OUTPUT = "features";
    public static final int CHANNELS = 128;
    static final int ORIENTATIONS = 8;
    static final int[] WAVELENGTHS = { 4, 8 };
    static final int KERNEL = 7;
    /** Filters of stage 2: Gabor bank on luminance + two per opponent channel. */
    static final int FILTERS = ORIENTATIONS * WAVELENGTHS.length + 4;
    static final long PROJECTION_SEED = 0x1257A9C3L;
    /** Normalisation the model expects (ImageNet statistics, on RGB in [0, 1]). */
    public static final float[] MEAN = { 0.485f, 0.456f, 0.406f };
    public static final float[] STD = { 0.229f, 0.224f, 0.225f };

    private DefaultModel() {}

    /** The serialised ONNX model; the same bytes on every call and every node. */
    public static byte[] onnx() {
        return new OnnxGraphWriter("instance-retrieval-default")
            .input(INPUT, null, 3L, null, null)
            .output(OUTPUT, null, (long) CHANNELS, null, null)
            .initializer("opponent_w", new long[] { 3, 3, 1, 1 }, opponentWeights())
            .initializer("bank_w", new long[] { FILTERS, 3, KERNEL, KERNEL }, filterBank())
            .initializer("projection_w", new long[] { CHANNELS, 2 * FILTERS, 1, 1 }, projection())
            .node("Conv", List.of(INPUT, "opponent_w"), List.of("opponent"), OnnxGraphWriter.intsAttr("kernel_shape", 1, 1))
            .node("Conv", List.of("opponent", "bank_w"), List.of("bank"),
                OnnxGraphWriter.intsAttr("kernel_shape", KERNEL, KERNEL),
                OnnxGraphWriter.intsAttr("strides", 2, 2),
                OnnxGraphWriter.intsAttr("pads", KERNEL / 2, KERNEL / 2, KERNEL / 2, KERNEL / 2))
            .node("Relu", List.of("bank"), List.of("positive"))
            .node("Neg", List.of("bank"), List.of("negated"))
            .node("Relu", List.of("negated"), List.of("negative"))
            .node("Concat", List.of("positive", "negative"), List.of("rectified"), OnnxGraphWriter.intAttr("axis", 1))
            .node("MaxPool", List.of("rectified"), List.of("pooled"),
                OnnxGraphWriter.intsAttr("kernel_shape", 3, 3),
                OnnxGraphWriter.intsAttr("strides", 2, 2),
                OnnxGraphWriter.intsAttr("pads", 1, 1, 1, 1))
            .node("Conv", List.of("pooled", "projection_w"), List.of("projected"), OnnxGraphWriter.intsAttr("kernel_shape", 1, 1))
            .node("Relu", List.of("projected"), List.of("mixed"))
            .node("AveragePool", List.of("mixed"), List.of(OUTPUT),
                OnnxGraphWriter.intsAttr("kernel_shape", 2, 2),
                OnnxGraphWriter.intsAttr("strides", 2, 2))
            .build("instance-retrieval", "Built-in untrained early-vision feature extractor; see DefaultModel's Javadoc.");
    }

    /** Rows: luminance, red-green, blue-yellow; columns: R, G, B. */
    static float[] opponentWeights() {
        return new float[] {
            1f / 3, 1f / 3, 1f / 3,
            1, -1, 0,
            0.5f, 0.5f, -1 };
    }

    /** {@code [FILTERS, 3, 7, 7]}: Gabor filters read luminance, colour filters their opponent channel. */
    static float[] filterBank() {
        int k2 = KERNEL * KERNEL;
        float[] w = new float[FILTERS * 3 * k2];
        int f = 0;
        for (int lambda : WAVELENGTHS) {
            for (int o = 0; o < ORIENTATIONS; o++) {
                put(w, f++, 0, gabor(Math.PI * o / ORIENTATIONS, lambda));
            }
        }
        for (int channel = 1; channel <= 2; channel++) {
            put(w, f++, channel, zeroMeanUnitNorm(differenceOfGaussians(1.0, 2.0)));
            put(w, f++, channel, unitSum(gaussian(1.5)));
        }
        return w;
    }

    private static void put(float[] w, int filter, int channel, double[] kernel) {
        int k2 = KERNEL * KERNEL;
        for (int i = 0; i < k2; i++) {
            w[(filter * 3 + channel) * k2 + i] = (float) kernel[i];
        }
    }

    /** Zero-mean, unit-norm Gabor: sigma = 0.56 lambda (one-octave bandwidth), aspect 0.5. */
    static double[] gabor(double theta, double lambda) {
        double sigma = 0.56 * lambda, gamma = 0.5;
        double[] k = new double[KERNEL * KERNEL];
        int r = KERNEL / 2;
        for (int y = -r; y <= r; y++) {
            for (int x = -r; x <= r; x++) {
                double xr = x * StrictMath.cos(theta) + y * StrictMath.sin(theta);
                double yr = -x * StrictMath.sin(theta) + y * StrictMath.cos(theta);
                k[(y + r) * KERNEL + x + r] = StrictMath.exp(-(xr * xr + gamma * gamma * yr * yr) / (2 * sigma * sigma))
                    * StrictMath.cos(2 * Math.PI * xr / lambda);
            }
        }
        return zeroMeanUnitNorm(k);
    }

    static double[] gaussian(double sigma) {
        double[] k = new double[KERNEL * KERNEL];
        int r = KERNEL / 2;
        for (int y = -r; y <= r; y++) {
            for (int x = -r; x <= r; x++) {
                k[(y + r) * KERNEL + x + r] = StrictMath.exp(-(x * x + y * y) / (2 * sigma * sigma));
            }
        }
        return k;
    }

    static double[] differenceOfGaussians(double centre, double surround) {
        double[] c = unitSum(gaussian(centre)), s = unitSum(gaussian(surround));
        double[] k = new double[c.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = c[i] - s[i];
        }
        return k;
    }

    private static double[] unitSum(double[] k) {
        double sum = 0;
        for (double v : k) {
            sum += v;
        }
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = k[i] / sum;
        }
        return out;
    }

    private static double[] zeroMeanUnitNorm(double[] k) {
        double mean = 0;
        for (double v : k) {
            mean += v / k.length;
        }
        double norm = 0;
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = k[i] - mean;
            norm += out[i] * out[i];
        }
        for (int i = 0; i < k.length; i++) {
            out[i] /= Math.sqrt(norm);
        }
        return out;
    }

    /** {@code [CHANNELS, 2 * FILTERS]} Gaussian weights scaled by 1/sqrt(fan-in), from a fixed seed. */
    static float[] projection() {
        Random random = new Random(PROJECTION_SEED);
        int fanIn = 2 * FILTERS;
        float[] w = new float[CHANNELS * fanIn];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() / Math.sqrt(fanIn));
        }
        return w;
    }
}
