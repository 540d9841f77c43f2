package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.keras.KerasOnnxConverter;
import org.instanceretrieval.model.onnx.DefaultModel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.instanceretrieval.model.keras.bench.BenchHarness.POOLINGS;
import static org.instanceretrieval.model.keras.bench.BenchHarness.add;
import static org.instanceretrieval.model.keras.bench.BenchHarness.addMultiScale;
import static org.instanceretrieval.model.keras.bench.BenchHarness.filterBank;
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

    private BackboneBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String[]> photos = photoLines(Path.of(args[0]));
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.valueOf(args[2].toUpperCase(Locale.ROOT));
        boolean strong = strongVariants();
        int[] sizes = strong ? new int[] { 224, 317, 448, 724 } : SIZES;
        boolean ms724 = IntStream.of(sizes).anyMatch(s -> s == 512);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = options();
        OrtSession trunk = trunk(env, opts, Path.of(args[1]), LAYERS, rule);
        OrtSession bank = env.createSession(DefaultModel.onnx(), opts);

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
        forEachCopy(photos, strong, split -> true, (split, id, img) -> {
            ids.computeIfAbsent(split, s -> new ArrayList<>()).add(id);
            Map<String, List<float[]>> d = desc.computeIfAbsent(split, s -> new TreeMap<>());
            add(d, "thumbnail 16x16", thumbnail(img));
            add(d, "filter bank (default recipe)", filterBank(env, bank, img));
            Map<String, Map<Integer, float[]>> perScale = poolLayers(env, trunk, img, sizes, LAYERS, "", d);
            addMultiScale(d, perScale, "ms448", 448, 317, 224);
            if (ms724) {
                addMultiScale(d, perScale, "ms724", 724, 512, 362);
            }
        });
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
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", config, val.get(config), map(ids.get("test"), test),
                whitenedMap(ids.get("test"), desc.get("whiten").get(config), test));
        }
    }
}
