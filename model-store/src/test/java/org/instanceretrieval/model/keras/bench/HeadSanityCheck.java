package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.keras.KerasOnnxConverter;
import org.instanceretrieval.model.onnx.NsfwjsInceptionV3;
import org.instanceretrieval.model.onnx.NsfwjsMobileNetV2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.instanceretrieval.model.keras.bench.BenchHarness.UNIT;
import static org.instanceretrieval.model.keras.bench.BenchHarness.options;
import static org.instanceretrieval.model.keras.bench.BenchHarness.trunk;

/**
 * The sanity check of the nsfwjs conversion with the classifier head (issue 15): each network of the package,
 * converted by {@link KerasOnnxConverter} up to its last layer ({@code dense_3}, softmax over nsfwjs's five classes),
 * classifies the images of a list, fed as nsfwjs feeds them (pixels / 255, the whole image resized to the network's
 * square input, 224 for MobileNetV2 and 299 for InceptionV3, by TensorFlow.js's {@code resizeBilinear} with
 * {@code alignCorners: true}, which nsfwjs uses). Each line of the list is
 * {@code <expected class> <image path>}, the class being what the image plainly shows (a photograph is
 * {@code Neutral}, a cartoon or an abstract drawing {@code Drawing}). Prints one line per network and image with
 * the probabilities and a last line with the number of images whose most probable class differs from the expected
 * one.
 * <p>
 * For the comparison with TensorFlow.js itself ({@code bench/nsfwjs_reference.cjs}, {@code bench/run-head-check.sh})
 * it writes into {@code <out dir>}: each decoded image ({@code img<i>.rgb}: width and height as two little-endian
 * int32, then the RGB bytes row by row), the head's probabilities ({@code java-<network>-dense_3-img<i>.f32}) and the
 * outputs of the two committed trunks, {@link NsfwjsInceptionV3} ({@code mixed5}) and {@link NsfwjsMobileNetV2}
 * ({@code block_13_expand_relu}), on the same square input ({@code java-<network>-<layer>-img<i>.f32}, NCHW);
 * all floats little-endian.
 * <p>
 * Usage: {@code HeadSanityCheck <list> <mobilenet_v2 model.min.js> <inception_v3 model.min.js> <out dir>}.
 */
public final class HeadSanityCheck {

    /** nsfwjs's class order (its {@code NSFW_CLASSES}). */
    static final List<String> CLASSES = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");

    /** One nsfwjs network: its bundle, its square input side, and the committed trunk cut from it. */
    private record Network(String name, Path modelJs, int side, byte[] trunk, String trunkLayer) {}

    private HeadSanityCheck() {}

    public static void main(String[] args) throws Exception {
        List<String[]> expected = Files.readAllLines(Path.of(args[0])).stream()
            .filter(l -> l.isBlank() == false && l.startsWith("#") == false)
            .map(l -> l.trim().split("\\s+", 2))
            .toList();
        Path out = Files.createDirectories(Path.of(args[3]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        List<RgbImage> images = new ArrayList<>();
        for (String[] line : expected) {
            if (CLASSES.contains(line[0]) == false) {
                throw new IllegalArgumentException("unknown class [" + line[0] + "], expected one of " + CLASSES);
            }
            RgbImage img = decoder.decode(Files.readAllBytes(Path.of(line[1])));
            writeRgb(out.resolve("img" + images.size() + ".rgb"), img);
            images.add(img);
        }
        int differing = 0;
        for (Network network : List.of(
            new Network("MobileNetV2", Path.of(args[1]), 224, NsfwjsMobileNetV2.onnx(), NsfwjsMobileNetV2.LAYER),
            new Network("InceptionV3", Path.of(args[2]), 299, NsfwjsInceptionV3.onnx(), NsfwjsInceptionV3.LAYER))) {
            try (OrtSession session = trunk(env, options(), network.modelJs(), List.of("dense_3"),
                    KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED);
                 OrtSession committed = env.createSession(network.trunk(), options())) {
                for (int i = 0; i < images.size(); i++) {
                    String[] line = expected.get(i);
                    RgbImage img = alignCornersResize(images.get(i), network.side());
                    float[] p = run(env, session, img);
                    String prefix = "java-" + network.name() + "-";
                    writeFloats(out.resolve(prefix + "dense_3-img" + i + ".f32"), p);
                    writeFloats(out.resolve(prefix + network.trunkLayer() + "-img" + i + ".f32"), run(env, committed, img));
                    int best = 0;
                    for (int c = 1; c < p.length; c++) {
                        best = p[c] > p[best] ? c : best;
                    }
                    boolean ok = CLASSES.get(best).equals(line[0]);
                    differing += ok ? 0 : 1;
                    System.out.printf(Locale.ROOT, "%s %s: %s %.2f (expected %s) %s  [%s]%n", network.name(), Path.of(line[1]).getFileName(),
                        CLASSES.get(best), p[best], line[0], ok ? "as expected" : "DIFFERS", probabilities(p));
                }
            }
        }
        System.out.println("most probable class as expected: " + (2 * images.size() - differing) + " of " + 2 * images.size());
    }

    private static void writeRgb(Path file, RgbImage img) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 3 * img.width() * img.height()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(img.width()).putInt(img.height());
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    b.put((byte) Math.round(img.sample(c, x, y)));
                }
            }
        }
        Files.write(file, b.array());
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }

    /**
     * Bilinear resampling to {@code side x side} with aligned corners (TensorFlow.js {@code resizeBilinear(..., true)}):
     * output pixel {@code i} samples the source at {@code i * (in - 1) / (side - 1)}.
     */
    static RgbImage alignCornersResize(RgbImage img, int side) {
        float[] out = new float[3 * side * side];
        double sx = (img.width() - 1) / (double) (side - 1), sy = (img.height() - 1) / (double) (side - 1);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y++) {
                double fy = y * sy;
                int y0 = (int) Math.floor(fy), y1 = Math.min(y0 + 1, img.height() - 1);
                for (int x = 0; x < side; x++) {
                    double fx = x * sx;
                    int x0 = (int) Math.floor(fx), x1 = Math.min(x0 + 1, img.width() - 1);
                    double top = img.sample(c, x0, y0) + (fx - x0) * (img.sample(c, x1, y0) - img.sample(c, x0, y0));
                    double bottom = img.sample(c, x0, y1) + (fx - x0) * (img.sample(c, x1, y1) - img.sample(c, x0, y1));
                    out[(c * side + y) * side + x] = (float) (top + (fy - y0) * (bottom - top));
                }
            }
        }
        return new RgbImage(side, side, out);
    }

    /** The session's only output for one image, flattened. */
    private static float[] run(OrtEnvironment env, OrtSession session, RgbImage img) throws Exception {
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(UNIT.toTensor(img)), new long[] { 1, 3, img.height(), img.width() });
             OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] p = new float[out.remaining()];
            out.get(p);
            return p;
        }
    }

    private static String probabilities(float[] p) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < p.length; c++) {
            s.append(c == 0 ? "" : ", ").append(CLASSES.get(c)).append(String.format(Locale.ROOT, " %.3f", p[c]));
        }
        return s.toString();
    }
}
