package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.keras.KerasOnnxConverter;
import org.instanceretrieval.model.keras.TfjsLayersModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.pooling.FeatureMap;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one-shot evaluation of the pre-registered candidates of {@code bench/backbone-preregistered-test3.md} on the
 * fresh split {@code test3} ({@code bench/backbone-photos-test3.txt}): same copies ({@link PhotoVariants}) and
 * GPR1200 protocol as {@link BackboneBenchmark}, no whitening. Rows, fixed in advance and nothing chosen here:
 * the 16 x 16 thumbnail, the filter bank (default recipe), candidate A (MobileNetV2 {@code block_12_add} SPoC
 * @128), candidate B (InceptionV3 {@code mixed5} GeM @160) and, for information only, MobileNetV2
 * {@code block_13_expand_relu} GeM @224 and InceptionV3 {@code mixed6} GeM @224.
 * <p>
 * Usage: {@code PreregisteredBenchmark <photo list> <split> <inception_v3 model.min.js> <mobilenet_v2 model.min.js>};
 * system property {@code variants}: {@code strong} (default) or {@code mild}. Prints a markdown table.
 */
public final class PreregisteredBenchmark {

    static final String THUMB = "thumbnail 16x16";
    static final String BANK = "filter bank (default recipe, today's `default`)";
    static final String A = "A: MobileNetV2 block_12_add SPoC @128";
    static final String B = "B: InceptionV3 mixed5 GeM @160";
    static final String MNV2_224 = "(info) MobileNetV2 block_13_expand_relu GeM @224";
    static final String INC_224 = "(info) InceptionV3 mixed6 GeM @224";

    private PreregisteredBenchmark() {}

    public static void main(String[] args) throws Exception {
        String split = args[1];
        List<Path> photos = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.trim().split("\\s+", 2);
            if (line.isBlank() == false && line.startsWith("#") == false && f[0].equals(split)) {
                photos.add(Path.of(f[1]));
            }
        }
        boolean strong = "strong".equals(System.getProperty("variants", "strong"));
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        OrtSession inception = env.createSession(
            KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[2])), List.of("mixed5", "mixed6"), rule, "bench"), opts);
        OrtSession mobilenet = env.createSession(KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[3])),
            List.of("block_12_add", "block_13_expand_relu"), rule, "bench"), opts);
        OrtSession bank = env.createSession(DefaultModel.onnx(), opts);
        TensorLayout unit = new TensorLayout(new float[3], new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);
        TensorLayout imagenet = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

        List<String> ids = new ArrayList<>();
        Map<String, List<float[]>> desc = new LinkedHashMap<>();
        for (String row : List.of(THUMB, BANK, A, B, MNV2_224, INC_224)) {
            desc.put(row, new ArrayList<>());
        }
        long start = System.nanoTime();
        for (int p = 0; p < photos.size(); p++) {
            Path path = photos.get(p);
            BufferedImage read = ImageIO.read(path.toFile());
            if (read == null) {
                throw new IllegalArgumentException("cannot read [" + path + "]");
            }
            BufferedImage base = PhotoVariants.base(read);
            for (int k = 0; k < PhotoVariants.COPIES; k++) {
                RgbImage img = decoder.decode(PhotoVariants.copy(base, path.getFileName().toString(), k, strong));
                ids.add(String.format(Locale.ROOT, "p%03d_%d", p, k));
                desc.get(THUMB).add(BackboneBenchmark.thumbnail(img));
                FeatureMap fb = BackboneBenchmark.run(env, bank, imagenet, BackboneBenchmark.resize(img, 1024)).get(0);
                desc.get(BANK).add(pool("GeM", fb));
                desc.get(A).add(pool("SPoC", BackboneBenchmark.run(env, mobilenet, unit, BackboneBenchmark.resize(img, 128)).get(0)));
                desc.get(MNV2_224).add(pool("GeM", BackboneBenchmark.run(env, mobilenet, unit, BackboneBenchmark.resize(img, 224)).get(1)));
                desc.get(B).add(pool("GeM", BackboneBenchmark.run(env, inception, unit, BackboneBenchmark.resize(img, 160)).get(0)));
                desc.get(INC_224).add(pool("GeM", BackboneBenchmark.run(env, inception, unit, BackboneBenchmark.resize(img, 224)).get(1)));
            }
            System.err.printf(Locale.ROOT, "photo %d/%d %s %.0fs%n", p + 1, photos.size(), path.getFileName(), (System.nanoTime() - start) / 1e9);
        }
        System.out.println("## " + (strong ? "strong" : "mild") + " set, split " + split + ": " + photos.size() + " photos, "
            + ids.size() + " images, GPR1200 mAP, no whitening");
        System.out.println("| descriptor | mAP | mAP - thumbnail | rule (>= +0.150) |");
        System.out.println("|---|---|---|---|");
        double thumb = BackboneBenchmark.map(ids, desc.get(THUMB));
        for (Map.Entry<String, List<float[]>> e : desc.entrySet()) {
            double m = BackboneBenchmark.map(ids, e.getValue());
            String verdict = e.getKey().startsWith("A:") || e.getKey().startsWith("B:") ? (m - thumb >= 0.150 ? "wins" : "does not win") : "-";
            System.out.printf(Locale.ROOT, "| %s | %.3f | %+.3f | %s |%n", e.getKey(), m, m - thumb, verdict);
        }
    }

    private static float[] pool(String pooling, FeatureMap map) {
        return BackboneBenchmark.l2(BackboneBenchmark.POOLINGS.get(pooling).pool(map));
    }
}
