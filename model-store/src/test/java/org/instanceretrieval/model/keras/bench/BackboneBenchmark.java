package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
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
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real-photo benchmark of issue 15: photos listed as {@code split path} lines (split val,
 * test or whiten), {@value PhotoVariants#COPIES} copies each ({@link PhotoVariants}), GPR1200
 * protocol within a split (every copy queries all copies of its split; its class is its photo).
 * Descriptors: a 16 x 16 RGB thumbnail (area average, centred, L2), the filter bank
 * ({@link DefaultModel}, its built-in recipe: longest side 1024, GeM p=3) and the nsfwjs
 * MobileNetV2 trunk at several layers, sizes (longest side) and poolings, single scale and
 * multi-scale ({@code s, s/sqrt 2, s/2} combined as the plugin does). Prints markdown tables.
 * <p>
 * System property {@code variants}: {@code strong} (default; sizes 224, 317, 448, 724) or {@code mild} (also 362 and 512).
 * Usage: {@code BackboneBenchmark <photo list> <nsfwjs mobilenet_v2 model.min.js> <as_dequantised|bin_centre> [cache file]}:
 * with a cache file that exists, the descriptors are read from it instead of computed; otherwise they are written to it.
 */
public final class BackboneBenchmark {

    static final List<String> LAYERS = List.of("block_2_add", "block_5_add", "block_9_add", "block_10_project_BN", "block_12_add",
        "block_13_expand_relu", "block_15_add", "block_16_project_BN", "out_relu");
    static final int[] SIZES = { 224, 317, 362, 448, 512, 724 };
    static final Map<String, Pooling> POOLINGS = new LinkedHashMap<>();
    static {
        POOLINGS.put("MAC", new MacPooling());
        POOLINGS.put("SPoC", new SpocPooling());
        POOLINGS.put("GeM", new GemPooling(3.0));
    }

    private BackboneBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String[]> photos = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() == false && line.startsWith("#") == false) {
                photos.add(line.trim().split("\\s+", 2));
            }
        }
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.valueOf(args[2].toUpperCase(Locale.ROOT));
        boolean strong = "strong".equals(System.getProperty("variants", "strong"));
        int[] sizes = strong ? new int[] { 224, 317, 448, 724 } : SIZES;
        TfjsLayersModel nsfw = TfjsLayersModel.load(Path.of(args[1]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        OrtSession trunk = env.createSession(KerasOnnxConverter.convertLayers(nsfw, LAYERS, rule, "bench"), opts);
        OrtSession bank = env.createSession(DefaultModel.onnx(), opts);
        TensorLayout unit = new TensorLayout(new float[3], new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);
        TensorLayout imagenet = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

        Path cache = args.length > 3 ? Path.of(args[3]) : null;
        if (cache != null && Files.exists(cache)) {
            try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
                @SuppressWarnings("unchecked")
                Map<String, List<String>> ids = (Map<String, List<String>>) in.readObject();
                @SuppressWarnings("unchecked")
                Map<String, Map<String, List<float[]>>> desc = (Map<String, Map<String, List<float[]>>>) in.readObject();
                report(ids, desc, rule);
                return;
            }
        }
        Map<String, List<String>> ids = new TreeMap<>();
        Map<String, Map<String, List<float[]>>> desc = new TreeMap<>(); // split -> config -> vectors
        long start = System.nanoTime();
        for (int p = 0; p < photos.size(); p++) {
            String split = photos.get(p)[0];
            Path path = Path.of(photos.get(p)[1]);
            BufferedImage base = PhotoVariants.base(ImageIO.read(path.toFile()));
            for (int k = 0; k < PhotoVariants.COPIES; k++) {
                RgbImage img = decoder.decode(PhotoVariants.copy(base, path.getFileName().toString(), k, strong));
                ids.computeIfAbsent(split, s -> new ArrayList<>()).add(String.format(Locale.ROOT, "p%03d_%d", p, k));
                Map<String, List<float[]>> d = desc.computeIfAbsent(split, s -> new TreeMap<>());
                add(d, "thumbnail 16x16", thumbnail(img));
                FeatureMap fb = run(env, bank, imagenet, resize(img, 1024)).get(0);
                add(d, "filter bank (default recipe)", l2(POOLINGS.get("GeM").pool(fb)));
                Map<String, Map<Integer, float[]>> perScale = new TreeMap<>();
                for (int size : sizes) {
                    List<FeatureMap> maps = run(env, trunk, unit, resize(img, size));
                    for (int l = 0; l < LAYERS.size(); l++) {
                        for (Map.Entry<String, Pooling> pool : POOLINGS.entrySet()) {
                            float[] v = l2(pool.getValue().pool(maps.get(l)));
                            String key = LAYERS.get(l) + " " + pool.getKey();
                            add(d, key + " @" + size, v);
                            perScale.computeIfAbsent(key, x -> new TreeMap<>()).put(size, v);
                        }
                    }
                }
                for (Map.Entry<String, Map<Integer, float[]>> e : perScale.entrySet()) {
                    Pooling pool = POOLINGS.get(e.getKey().substring(e.getKey().lastIndexOf(' ') + 1));
                    MultiScaleCombination ms = MultiScaleCombination.forPooling(pool, false);
                    add(d, e.getKey() + " @ms448", ms.combine(List.of(e.getValue().get(448), e.getValue().get(317), e.getValue().get(224))));
                    if (e.getValue().containsKey(512)) {
                        add(d, e.getKey() + " @ms724", ms.combine(List.of(e.getValue().get(724), e.getValue().get(512), e.getValue().get(362))));
                    }
                }
            }
            System.err.printf(Locale.ROOT, "photo %d/%d %s %.0fs%n", p + 1, photos.size(), path.getFileName(), (System.nanoTime() - start) / 1e9);
        }
        if (cache != null) {
            try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(cache)))) {
                out.writeObject(ids);
                out.writeObject(desc);
            }
        }
        report(ids, desc, rule);
    }

    private static void report(Map<String, List<String>> ids, Map<String, Map<String, List<float[]>>> desc,
                               KerasOnnxConverter.ZeroCodeVariance rule) {
        Map<String, Double> val = new LinkedHashMap<>();
        for (String config : desc.get("val").keySet()) {
            val.put(config, map(ids.get("val"), desc.get("val").get(config)));
        }
        System.out.println("## validation mAP (" + ids.get("val").size() + " images), zero-code variance " + rule);
        List<String> columns = new ArrayList<>();
        for (String s : new String[] { "224", "317", "362", "448", "512", "724", "ms448", "ms724" }) {
            if (val.containsKey(LAYERS.get(0) + " MAC @" + s)) {
                columns.add(s);
            }
        }
        System.out.println("| layer | pooling | " + String.join(" | ", columns) + " |");
        System.out.println("|---|---|" + "---|".repeat(columns.size()));
        for (String layer : LAYERS) {
            for (String pool : POOLINGS.keySet()) {
                StringBuilder row = new StringBuilder("| " + layer + " | " + pool + " |");
                for (String s : columns) {
                    row.append(String.format(Locale.ROOT, " %.3f |", val.get(layer + " " + pool + " @" + s)));
                }
                System.out.println(row);
            }
        }
        String best = null;
        for (Map.Entry<String, Double> e : val.entrySet()) {
            if (e.getKey().startsWith("block") || e.getKey().startsWith("out")) {
                if (best == null || e.getValue() > val.get(best)) {
                    best = e.getKey();
                }
            }
        }
        System.out.println();
        System.out.println("## test mAP (" + ids.get("test").size() + " images); MobileNetV2 config chosen on validation: " + best);
        System.out.println("| descriptor | validation mAP | test mAP | test mAP, PCA-whitened (learned on " + ids.get("whiten").size()
            + " images of disjoint photos) |");
        System.out.println("|---|---|---|---|");
        List<String> rows = new ArrayList<>(List.of("thumbnail 16x16", "filter bank (default recipe)", best));
        for (String extra : new String[] { best.substring(0, best.lastIndexOf('@')) + "@ms448", "block_12_add SPoC @224",
            "block_10_project_BN GeM @224", "out_relu GeM @224", "out_relu GeM @448" }) {
            if (rows.contains(extra) == false) {
                rows.add(extra);
            }
        }
        for (String config : rows) {
            List<float[]> test = desc.get("test").get(config);
            Whitening w = PcaWhitening.full().learn(desc.get("whiten").get(config).toArray(new float[0][]));
            List<float[]> whitened = new ArrayList<>();
            for (float[] v : test) {
                whitened.add(l2(w.apply(v)));
            }
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", config, val.get(config), map(ids.get("test"), test),
                map(ids.get("test"), whitened));
        }
    }

    private static void add(Map<String, List<float[]>> d, String config, float[] v) {
        d.computeIfAbsent(config, c -> new ArrayList<>()).add(v);
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

    static RgbImage resize(RgbImage img, int side) {
        int[] wh = ResizePolicy.longestSide(side).outputSize(img.width(), img.height());
        return wh[0] == img.width() && wh[1] == img.height() ? img : BilinearResize.resize(img, wh[0], wh[1]);
    }

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
