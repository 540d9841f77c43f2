package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.keras.KerasOnnxConverter;
import org.instanceretrieval.model.keras.TfjsLayersModel;
import org.instanceretrieval.pooling.FeatureMap;
import org.instanceretrieval.pooling.MultiScaleCombination;
import org.instanceretrieval.pooling.Pooling;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nsfwjs InceptionV3 trunk on the real-photo benchmark of {@link BackboneBenchmark}, same photos,
 * same copies, same GPR1200 protocol, no whitening: layers {@code mixed0..mixed7} (the model JSON
 * freezes everything up to {@code mixed5}), longest side 224 and 317 (system property {@code sizes} adds
 * others) and the two-scale combination
 * ({@code ms317}: 317 and 224), MAC / SPoC / GeM. In the same run: the 16 x 16 thumbnail and the
 * MobileNetV2 configuration chosen by {@link BackboneBenchmark} ({@code block_13_expand_relu GeM @224}) and the
 * MobileNetV2 layers of {@link BackboneBenchmark} re-chosen over the same sizes. The InceptionV3
 * configuration is chosen on the validation split and reported on the test split.
 * <p>
 * Usage: {@code InceptionBenchmark <photo list> <inception_v3 model.min.js> <mobilenet_v2 model.min.js>};
 * system property {@code variants}: {@code strong} (default) or {@code mild}. Prints markdown tables.
 */
public final class InceptionBenchmark {

    static final List<String> LAYERS = List.of("mixed0", "mixed1", "mixed2", "mixed3", "mixed4", "mixed5", "mixed6", "mixed7");
    /** Longest sides; system property {@code sizes} (comma-separated) overrides; 224 and 317 must be among them. */
    static final int[] SIZES = java.util.Arrays.stream(System.getProperty("sizes", "224,317").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    static final String MNV2 = "MobileNetV2 ";
    static final String MOBILENET = MNV2 + "block_13_expand_relu GeM @224";
    private static final String THUMB = "thumbnail 16x16";

    private InceptionBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String[]> photos = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() == false && line.startsWith("#") == false) {
                photos.add(line.trim().split("\\s+", 2));
            }
        }
        boolean strong = "strong".equals(System.getProperty("variants", "strong"));
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        OrtSession inception = env.createSession(
            KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[1])), LAYERS, rule, "bench"), opts);
        OrtSession mobilenet = env.createSession(
            KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[2])), BackboneBenchmark.LAYERS, rule, "bench"), opts);
        TensorLayout unit = new TensorLayout(new float[3], new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

        Map<String, List<String>> ids = new TreeMap<>();
        Map<String, Map<String, List<float[]>>> desc = new TreeMap<>(); // split -> config -> vectors
        long start = System.nanoTime();
        for (int p = 0; p < photos.size(); p++) {
            String split = photos.get(p)[0];
            if (split.equals("whiten")) {
                continue;
            }
            Path path = Path.of(photos.get(p)[1]);
            BufferedImage base = PhotoVariants.base(ImageIO.read(path.toFile()));
            for (int k = 0; k < PhotoVariants.COPIES; k++) {
                RgbImage img = decoder.decode(PhotoVariants.copy(base, path.getFileName().toString(), k, strong));
                ids.computeIfAbsent(split, s -> new ArrayList<>()).add(String.format(Locale.ROOT, "p%03d_%d", p, k));
                Map<String, List<float[]>> d = desc.computeIfAbsent(split, s -> new TreeMap<>());
                add(d, THUMB, BackboneBenchmark.thumbnail(img));
                for (int size : SIZES) {
                    List<FeatureMap> maps = run(env, mobilenet, unit, BackboneBenchmark.resize(img, size));
                    for (int l = 0; l < BackboneBenchmark.LAYERS.size(); l++) {
                        for (Map.Entry<String, Pooling> pool : BackboneBenchmark.POOLINGS.entrySet()) {
                            String key = BackboneBenchmark.LAYERS.get(l) + " " + pool.getKey() + " @" + size;
                            add(d, MNV2 + key, BackboneBenchmark.l2(pool.getValue().pool(maps.get(l))));
                        }
                    }
                }
                Map<String, Map<Integer, float[]>> perScale = new TreeMap<>();
                for (int size : SIZES) {
                    List<FeatureMap> maps = run(env, inception, unit, BackboneBenchmark.resize(img, size));
                    for (int l = 0; l < LAYERS.size(); l++) {
                        for (Map.Entry<String, Pooling> pool : BackboneBenchmark.POOLINGS.entrySet()) {
                            float[] v = BackboneBenchmark.l2(pool.getValue().pool(maps.get(l)));
                            String key = LAYERS.get(l) + " " + pool.getKey();
                            add(d, key + " @" + size, v);
                            perScale.computeIfAbsent(key, x -> new TreeMap<>()).put(size, v);
                        }
                    }
                }
                for (Map.Entry<String, Map<Integer, float[]>> e : perScale.entrySet()) {
                    Pooling pool = BackboneBenchmark.POOLINGS.get(e.getKey().substring(e.getKey().lastIndexOf(' ') + 1));
                    MultiScaleCombination ms = MultiScaleCombination.forPooling(pool, false);
                    add(d, e.getKey() + " @ms317", ms.combine(List.of(e.getValue().get(317), e.getValue().get(224))));
                }
            }
            System.err.printf(Locale.ROOT, "photo %d/%d %s %.0fs%n", p + 1, photos.size(), path.getFileName(), (System.nanoTime() - start) / 1e9);
        }
        report(ids, desc, strong);
    }

    private static void report(Map<String, List<String>> ids, Map<String, Map<String, List<float[]>>> desc, boolean strong) {
        Map<String, Double> val = new TreeMap<>();
        for (String config : desc.get("val").keySet()) {
            val.put(config, BackboneBenchmark.map(ids.get("val"), desc.get("val").get(config)));
        }
        System.out.println("## " + (strong ? "strong" : "mild") + " set, validation mAP (" + ids.get("val").size()
            + " images), nsfwjs InceptionV3");
        List<String> columnList = new ArrayList<>();
        for (int size : SIZES) {
            columnList.add(Integer.toString(size));
        }
        columnList.add("ms317");
        String[] columns = columnList.toArray(new String[0]);
        System.out.println("| layer | pooling | " + String.join(" | ", columns) + " |");
        System.out.println("|---|---|" + "---|".repeat(columns.length));
        String best = null;
        String bestFrozen = null;
        String bestProtocol = null; // among 224, 317 and ms317 only
        List<String> protocolColumns = List.of("224", "317", "ms317");
        for (String layer : LAYERS) {
            boolean frozen = LAYERS.indexOf(layer) <= LAYERS.indexOf("mixed5");
            for (String pool : BackboneBenchmark.POOLINGS.keySet()) {
                StringBuilder row = new StringBuilder("| " + layer + " | " + pool + " |");
                for (String s : columns) {
                    String key = layer + " " + pool + " @" + s;
                    row.append(String.format(Locale.ROOT, " %.3f |", val.get(key)));
                    if (best == null || val.get(key) > val.get(best)) {
                        best = key;
                    }
                    if (protocolColumns.contains(s) && (bestProtocol == null || val.get(key) > val.get(bestProtocol))) {
                        bestProtocol = key;
                    }
                    if (frozen && (bestFrozen == null || val.get(key) > val.get(bestFrozen))) {
                        bestFrozen = key;
                    }
                }
                System.out.println(row);
            }
        }
        System.out.println();
        System.out.println("## test mAP (" + ids.get("test").size() + " images); InceptionV3 config chosen on validation: " + best);
        System.out.println("| descriptor | validation mAP | test mAP | test mAP - thumbnail |");
        System.out.println("|---|---|---|---|");
        double thumb = BackboneBenchmark.map(ids.get("test"), desc.get("test").get(THUMB));
        String bestMobile = null; // MobileNetV2 re-chosen on validation over the same sizes
        for (String key : val.keySet()) {
            if (key.startsWith(MNV2) && (bestMobile == null || val.get(key) > val.get(bestMobile))) {
                bestMobile = key;
            }
        }
        List<String> rows = new ArrayList<>(java.util.stream.Stream.of(THUMB, MOBILENET, bestMobile, best).distinct().toList());
        for (String extra : new String[] { bestProtocol, bestFrozen, "mixed5 GeM @224", "mixed2 GeM @224", "mixed7 GeM @224" }) {
            if (rows.contains(extra) == false) {
                rows.add(extra);
            }
        }
        for (String config : rows) {
            double t = BackboneBenchmark.map(ids.get("test"), desc.get("test").get(config));
            String name = config.startsWith(MNV2) || config.equals(THUMB) ? config : "InceptionV3 " + config;
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %+.3f |%n", name, val.get(config), t, t - thumb);
        }
    }

    private static void add(Map<String, List<float[]>> d, String config, float[] v) {
        d.computeIfAbsent(config, c -> new ArrayList<>()).add(v);
    }

    private static List<FeatureMap> run(OrtEnvironment env, OrtSession session, TensorLayout layout, RgbImage img) throws Exception {
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
}
