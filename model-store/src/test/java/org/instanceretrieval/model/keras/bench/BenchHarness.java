package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.eval.Gpr1200Protocol;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.model.image.BilinearResize;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.keras.KerasOnnxConverter;
import org.instanceretrieval.model.keras.TfjsLayersModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.pooling.FeatureMap;
import org.instanceretrieval.pooling.GemPooling;
import org.instanceretrieval.pooling.MacPooling;
import org.instanceretrieval.pooling.MultiScaleCombination;
import org.instanceretrieval.pooling.Pooling;
import org.instanceretrieval.pooling.SpocPooling;
import org.instanceretrieval.whitening.PcaWhitening;
import org.instanceretrieval.whitening.Whitening;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What the real-photo backbone benchmarks ({@link BackboneBenchmark}, {@link InceptionBenchmark}, {@link Test2Benchmark},
 * {@link PreregisteredBenchmark}) share: the photo list ({@code split path} lines), the ONNX Runtime sessions, the
 * {@value PhotoVariants#COPIES} copies of each photo ({@link PhotoVariants}), the descriptors (a 16 x 16 thumbnail, the
 * filter bank's built-in recipe, pooled layer outputs, multi-scale combinations; all L2-normalised), GPR1200 mAP within a
 * set of images, and the rows of the printed markdown tables. Stateless; it prints only where a method says so.
 */
final class BenchHarness {

    /** The poolings compared, by the name the tables print: MAC, SPoC, GeM (p = 3). */
    static final Map<String, Pooling> POOLINGS = new LinkedHashMap<>();
    static {
        POOLINGS.put("MAC", new MacPooling());
        POOLINGS.put("SPoC", new SpocPooling());
        POOLINGS.put("GeM", new GemPooling(3.0));
    }

    /** The nsfwjs trunks' input: pixels / 255, RGB. */
    static final TensorLayout UNIT = new TensorLayout(new float[3], new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);

    /** The filter bank's input: ImageNet mean and standard deviation, RGB. */
    static final TensorLayout IMAGENET = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);

    private BenchHarness() {}

    /** True unless system property {@code variants} is set to something other than {@code strong} (then: the mild set). */
    static boolean strongVariants() {
        return "strong".equals(System.getProperty("variants", "strong"));
    }

    /** The lines of a photo list as {@code [split, path]}, in order; blank lines and lines starting with {@code #} skipped. */
    static List<String[]> photoLines(Path list) throws IOException {
        List<String[]> photos = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            if (line.isBlank() == false && line.startsWith("#") == false) {
                photos.add(line.trim().split("\\s+", 2));
            }
        }
        return photos;
    }

    /** The lines of {@link #photoLines(Path)} whose split is {@code split}, in order. */
    static List<String[]> photoLines(Path list, String split) throws IOException {
        return photoLines(list).stream().filter(f -> f[0].equals(split)).toList();
    }

    /** Session options of the benchmarks: 2 intra-op threads. */
    static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        return opts;
    }

    /** A session of the tfjs layers model at {@code modelJs}, converted with one output per layer of {@code layers}, in that order. */
    static OrtSession trunk(OrtEnvironment env, OrtSession.SessionOptions opts, Path modelJs, List<String> layers,
                            KerasOnnxConverter.ZeroCodeVariance rule) throws Exception {
        return env.createSession(KerasOnnxConverter.convertLayers(TfjsLayersModel.load(modelJs), layers, rule, "bench"), opts);
    }

    /**
     * The networks of the candidate evaluations ({@link Test2Benchmark}, {@link PreregisteredBenchmark}), each a session on
     * {@link #options()}: the nsfwjs InceptionV3 with the outputs given to {@link #open}, MobileNetV2 with the outputs
     * {@code block_12_add, block_13_expand_relu} (in that order), both converted with zero-code variance as dequantised, and
     * the filter bank ({@link DefaultModel}).
     */
    record Candidates(OrtEnvironment env, OrtSession inception, OrtSession mobilenet, OrtSession bank) {

        /** Opens the sessions of the tfjs models at {@code inceptionJs} (outputs {@code inceptionLayers}) and {@code mobilenetJs}. */
        static Candidates open(Path inceptionJs, List<String> inceptionLayers, Path mobilenetJs) throws Exception {
            KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = options();
            OrtSession inception = trunk(env, opts, inceptionJs, inceptionLayers, rule);
            OrtSession mobilenet = trunk(env, opts, mobilenetJs, List.of("block_12_add", "block_13_expand_relu"), rule);
            return new Candidates(env, inception, mobilenet, env.createSession(DefaultModel.onnx(), opts));
        }

        /** InceptionV3's outputs on {@code img} at longest side {@code side}. */
        List<FeatureMap> inceptionAt(RgbImage img, int side) throws Exception {
            return run(env, inception, UNIT, resize(img, side));
        }

        /** MobileNetV2's outputs on {@code img} at longest side {@code side}. */
        List<FeatureMap> mobilenetAt(RgbImage img, int side) throws Exception {
            return run(env, mobilenet, UNIT, resize(img, side));
        }

        /** {@link BenchHarness#filterBank} of {@code img}. */
        float[] filterBank(RgbImage img) throws Exception {
            return BenchHarness.filterBank(env, bank, img);
        }
    }

    /** Empty vector lists for the rows {@code names}, in that order. */
    static Map<String, List<float[]>> rows(String... names) {
        Map<String, List<float[]>> rows = new LinkedHashMap<>();
        for (String name : names) {
            rows.put(name, new ArrayList<>());
        }
        return rows;
    }

    /** Receives one copy of one photo. */
    @FunctionalInterface
    interface CopyVisitor {
        /**
         * @param split the photo's split
         * @param id    {@code p<photo>_<copy>}: the photo's index in the list (3 digits) and the copy's
         * @param copy  the copy, decoded as the plugin decodes
         */
        void accept(String split, String id, RgbImage copy) throws Exception;
    }

    /**
     * For each photo of {@code photos} ({@code [split, path]}) whose split {@code splits} accepts, in list order: its
     * {@value PhotoVariants#COPIES} copies ({@link PhotoVariants}, the strong or the mild set) in order to {@code visitor},
     * then a progress line {@code photo <n>/<photos.size()> <file name> <seconds>s} on standard error.
     *
     * @throws IllegalArgumentException when a photo cannot be read
     */
    static void forEachCopy(List<String[]> photos, boolean strong, Predicate<String> splits, CopyVisitor visitor) throws Exception {
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        long start = System.nanoTime();
        for (int p = 0; p < photos.size(); p++) {
            String split = photos.get(p)[0];
            if (splits.test(split) == false) {
                continue;
            }
            Path path = Path.of(photos.get(p)[1]);
            BufferedImage read = ImageIO.read(path.toFile());
            if (read == null) {
                throw new IllegalArgumentException("cannot read [" + path + "]");
            }
            BufferedImage base = PhotoVariants.base(read);
            for (int k = 0; k < PhotoVariants.COPIES; k++) {
                RgbImage img = decoder.decode(PhotoVariants.copy(base, path.getFileName().toString(), k, strong));
                visitor.accept(split, String.format(Locale.ROOT, "p%03d_%d", p, k), img);
            }
            System.err.printf(Locale.ROOT, "photo %d/%d %s %.0fs%n", p + 1, photos.size(), path.getFileName(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Appends {@code v} to the vectors of {@code config} in {@code d}. */
    static void add(Map<String, List<float[]>> d, String config, float[] v) {
        d.computeIfAbsent(config, c -> new ArrayList<>()).add(v);
    }

    /** {@code map} pooled with {@code POOLINGS.get(pooling)}, L2-normalised. */
    static float[] pool(String pooling, FeatureMap map) {
        return l2(POOLINGS.get(pooling).pool(map));
    }

    /** The filter bank's descriptor in its built-in recipe: {@code bank} on the image at longest side 1024, GeM, L2. */
    static float[] filterBank(OrtEnvironment env, OrtSession bank, RgbImage img) throws Exception {
        return pool("GeM", run(env, bank, IMAGENET, resize(img, 1024)).get(0));
    }

    /**
     * Runs {@code session} (input {@link #UNIT}) on {@code img} at each longest side of {@code sizes} and adds to {@code d},
     * for its output {@code l} (the map of {@code layers.get(l)}) and each pooling of {@link #POOLINGS}, the pooled L2 vector
     * under {@code <prefix><layer> <pooling> @<size>}.
     *
     * @return the same vectors by {@code <layer> <pooling>}, then by size (for {@link #addMultiScale})
     */
    static Map<String, Map<Integer, float[]>> poolLayers(OrtEnvironment env, OrtSession session, RgbImage img, int[] sizes,
                                                         List<String> layers, String prefix, Map<String, List<float[]>> d)
        throws Exception {
        Map<String, Map<Integer, float[]>> perScale = new TreeMap<>();
        for (int size : sizes) {
            List<FeatureMap> maps = run(env, session, UNIT, resize(img, size));
            for (int l = 0; l < layers.size(); l++) {
                for (Map.Entry<String, Pooling> pool : POOLINGS.entrySet()) {
                    float[] v = l2(pool.getValue().pool(maps.get(l)));
                    String key = layers.get(l) + " " + pool.getKey();
                    add(d, prefix + key + " @" + size, v);
                    perScale.computeIfAbsent(key, x -> new TreeMap<>()).put(size, v);
                }
            }
        }
        return perScale;
    }

    /**
     * Adds to {@code d}, for each {@code <layer> <pooling>} of {@code perScale}, its vectors at {@code sizes} (in that order)
     * combined as the plugin combines scales for that pooling, under {@code <layer> <pooling> @<name>}.
     */
    static void addMultiScale(Map<String, List<float[]>> d, Map<String, Map<Integer, float[]>> perScale, String name, int... sizes) {
        for (Map.Entry<String, Map<Integer, float[]>> e : perScale.entrySet()) {
            Pooling pool = POOLINGS.get(e.getKey().substring(e.getKey().lastIndexOf(' ') + 1));
            List<float[]> scales = new ArrayList<>();
            for (int size : sizes) {
                scales.add(e.getValue().get(size));
            }
            add(d, e.getKey() + " @" + name, MultiScaleCombination.forPooling(pool, false).combine(scales));
        }
    }

    /**
     * Prints one markdown row per descriptor of {@code desc}, in its order: {@code | name | mAP | mAP - thumbnail |}, mAP
     * over {@code ids} ({@link #map}), the thumbnail's being that of {@code desc.get(thumbnail)}; then one more column
     * {@code extra.apply(name, mAP - thumbnail) |} unless that is null.
     */
    static void printAgainstThumbnail(List<String> ids, Map<String, List<float[]>> desc, String thumbnail,
                                      BiFunction<String, Double, String> extra) {
        double thumb = map(ids, desc.get(thumbnail));
        for (Map.Entry<String, List<float[]>> e : desc.entrySet()) {
            double m = map(ids, e.getValue());
            String more = extra.apply(e.getKey(), m - thumb);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %+.3f |%s%n", e.getKey(), m, m - thumb, more == null ? "" : " " + more + " |");
        }
    }

    /**
     * GPR1200 mAP of {@code test} after PCA whitening ({@code PcaWhitening.full()}, lucene-ext) learned on
     * {@code train} (descriptors of disjoint photos), each whitened vector L2-normalised again.
     */
    static double whitenedMap(List<String> ids, List<float[]> train, List<float[]> test) {
        Whitening w = PcaWhitening.full().learn(train.toArray(new float[0][]));
        List<float[]> whitened = new ArrayList<>();
        for (float[] v : test) {
            whitened.add(l2(w.apply(v)));
        }
        return map(ids, whitened);
    }

    /** GPR1200 mAP: every image queries all images of the split (itself included, as GPR1200 does). */
    static double map(List<String> ids, List<float[]> vectors) {
        int n = ids.size();
        Gpr1200Protocol protocol = new Gpr1200Protocol(ids, n, List.of("all"));
        return protocol.evaluate(q -> {
            double[] s = new double[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                s[i] = VectorMath.dot(vectors.get(q), vectors.get(i));
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
            int[] ranking = new int[n];
            for (int i = 0; i < n; i++) {
                ranking[i] = order[i];
            }
            return ranking;
        }).mean();
    }

    /** {@code img} bilinearly resized to longest side {@code side} (itself when it has that size). */
    static RgbImage resize(RgbImage img, int side) {
        int[] wh = ResizePolicy.longestSide(side).outputSize(img.width(), img.height());
        return wh[0] == img.width() && wh[1] == img.height() ? img : BilinearResize.resize(img, wh[0], wh[1]);
    }

    /** The outputs of one session run on {@code img} (batch of one), in the order the session declares them. */
    static List<FeatureMap> run(OrtEnvironment env, OrtSession session, TensorLayout layout, RgbImage img) throws Exception {
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(layout.toTensor(img)),
                new long[] { 1, 3, img.height(), img.width() });
             OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            List<FeatureMap> maps = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                OnnxTensor t = (OnnxTensor) r.get(i);
                long[] shape = t.getInfo().getShape();
                float[] values = new float[t.getFloatBuffer().remaining()];
                t.getFloatBuffer().get(values);
                maps.add(new FeatureMap((int) shape[1], (int) shape[2], (int) shape[3], values));
            }
            return maps;
        }
    }

    /** 16 x 16 area average of the whole image (aspect ignored), 0-1 values, minus their mean, L2. */
    static float[] thumbnail(RgbImage img) {
        int n = 16;
        double[] sum = new double[3 * n * n];
        int[] count = new int[n * n];
        for (int y = 0; y < img.height(); y++) {
            int cy = y * n / img.height();
            for (int x = 0; x < img.width(); x++) {
                int cell = cy * n + x * n / img.width();
                count[cell]++;
                for (int c = 0; c < 3; c++) {
                    sum[c * n * n + cell] += img.sample(c, x, y) / 255.0;
                }
            }
        }
        float[] v = new float[sum.length];
        double mean = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (sum[i] / count[i % (n * n)]);
            mean += v[i] / v.length;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] -= (float) mean;
        }
        return l2(v);
    }

    /** {@code v} / |v| (all zeros for the zero vector). */
    static float[] l2(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float[] out = new float[v.length];
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * inv);
        }
        return out;
    }
}
