package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.keras.KerasOnnxConverter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.instanceretrieval.model.keras.bench.BenchHarness.POOLINGS;
import static org.instanceretrieval.model.keras.bench.BenchHarness.add;
import static org.instanceretrieval.model.keras.bench.BenchHarness.addMultiScale;
import static org.instanceretrieval.model.keras.bench.BenchHarness.forEachCopy;
import static org.instanceretrieval.model.keras.bench.BenchHarness.map;
import static org.instanceretrieval.model.keras.bench.BenchHarness.options;
import static org.instanceretrieval.model.keras.bench.BenchHarness.photoLines;
import static org.instanceretrieval.model.keras.bench.BenchHarness.poolLayers;
import static org.instanceretrieval.model.keras.bench.BenchHarness.strongVariants;
import static org.instanceretrieval.model.keras.bench.BenchHarness.thumbnail;
import static org.instanceretrieval.model.keras.bench.BenchHarness.trunk;
import static org.instanceretrieval.model.keras.bench.BenchHarness.whitenedMap;

/**
 * The nsfwjs InceptionV3 trunk on the real-photo benchmark of {@link BackboneBenchmark}, same photos,
 * same copies, same GPR1200 protocol: layers {@code mixed0..mixed7} (the model JSON
 * freezes everything up to {@code mixed5}), longest side 224 and 317 (system property {@code sizes} adds
 * others) and the multi-scale combinations
 * ({@code ms317}: 317 and 224; {@code ms448}: 448, 317 and 224 when 448 is among the sizes), MAC / SPoC / GeM.
 * The test table adds each row's mAP after PCA whitening learned on the copies of the {@code whiten} photos. In the same run: the 16 x 16 thumbnail and the
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
    /** Whether the run adds {@code ms448} (448, 317 and 224 combined): when 448 is among {@link #SIZES}. */
    static final boolean MS448 = java.util.Arrays.stream(SIZES).anyMatch(size -> size == 448);
    static final String MNV2 = "MobileNetV2 ";
    static final String MOBILENET = MNV2 + "block_13_expand_relu GeM @224";
    private static final String THUMB = "thumbnail 16x16";

    private InceptionBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String[]> photos = photoLines(Path.of(args[0]));
        boolean strong = strongVariants();
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = options();
        OrtSession inception = trunk(env, opts, Path.of(args[1]), LAYERS, rule);
        OrtSession mobilenet = trunk(env, opts, Path.of(args[2]), BackboneBenchmark.LAYERS, rule);

        Map<String, List<String>> ids = new TreeMap<>();
        Map<String, Map<String, List<float[]>>> desc = new TreeMap<>(); // split -> config -> vectors
        forEachCopy(photos, strong, split -> true, (split, id, img) -> {
            ids.computeIfAbsent(split, s -> new ArrayList<>()).add(id);
            Map<String, List<float[]>> d = desc.computeIfAbsent(split, s -> new TreeMap<>());
            add(d, THUMB, thumbnail(img));
            poolLayers(env, mobilenet, img, SIZES, BackboneBenchmark.LAYERS, MNV2, d);
            Map<String, Map<Integer, float[]>> perScale = poolLayers(env, inception, img, SIZES, LAYERS, "", d);
            addMultiScale(d, perScale, "ms317", 317, 224);
            if (MS448) {
                addMultiScale(d, perScale, "ms448", 448, 317, 224);
            }
        });
        report(ids, desc, strong);
    }

    private static void report(Map<String, List<String>> ids, Map<String, Map<String, List<float[]>>> desc, boolean strong) {
        Map<String, Double> val = new TreeMap<>();
        for (String config : desc.get("val").keySet()) {
            val.put(config, map(ids.get("val"), desc.get("val").get(config)));
        }
        System.out.println("## " + (strong ? "strong" : "mild") + " set, validation mAP (" + ids.get("val").size()
            + " images), nsfwjs InceptionV3");
        List<String> columnList = new ArrayList<>();
        for (int size : SIZES) {
            columnList.add(Integer.toString(size));
        }
        columnList.add("ms317");
        if (MS448) {
            columnList.add("ms448");
        }
        String[] columns = columnList.toArray(new String[0]);
        System.out.println("| layer | pooling | " + String.join(" | ", columns) + " |");
        System.out.println("|---|---|" + "---|".repeat(columns.length));
        String best = null;
        String bestFrozen = null;
        String bestProtocol = null; // among 224, 317 and ms317 only
        List<String> protocolColumns = List.of("224", "317", "ms317");
        for (String layer : LAYERS) {
            boolean frozen = LAYERS.indexOf(layer) <= LAYERS.indexOf("mixed5");
            for (String pool : POOLINGS.keySet()) {
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
        System.out.println("| descriptor | validation mAP | test mAP | test mAP - thumbnail | test mAP, PCA-whitened (learned on "
            + ids.get("whiten").size() + " images of disjoint photos) |");
        System.out.println("|---|---|---|---|---|");
        double thumb = map(ids.get("test"), desc.get("test").get(THUMB));
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
            double t = map(ids.get("test"), desc.get("test").get(config));
            String name = config.startsWith(MNV2) || config.equals(THUMB) ? config : "InceptionV3 " + config;
            double whitened = whitenedMap(ids.get("test"), desc.get("whiten").get(config), desc.get("test").get(config));
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %+.3f | %.3f |%n", name, val.get(config), t, t - thumb, whitened);
        }
    }
}
