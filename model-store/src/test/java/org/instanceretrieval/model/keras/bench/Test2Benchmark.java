package org.instanceretrieval.model.keras.bench;

import ai.onnxruntime.OnnxTensor;
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
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pre-registered evaluation of issue 15, part 1 ({@code bench/backbone-preregistered.md}): exactly five
 * descriptors, fixed beforehand, on one split of a photo list, with the copies and GPR1200 protocol of
 * {@link BackboneBenchmark}: the 16 x 16 thumbnail, the filter bank (built-in recipe), MobileNetV2
 * {@code block_13_expand_relu} GeM @224, and the two candidates MobileNetV2 {@code block_12_add} SPoC @128 and
 * InceptionV3 {@code mixed5} GeM @160 (single scale, pixels / 255, bilinear resize, L2, no whitening).
 * Nothing is chosen here: it prints the mAP of each descriptor and its difference to the thumbnail.
 * <p>
 * Usage: {@code Test2Benchmark <photo list> <split> <inception_v3 model.min.js> <mobilenet_v2 model.min.js>};
 * system property {@code variants}: {@code strong} (default) or {@code mild}.
 */
public final class Test2Benchmark {

    static final String THUMB = "thumbnail 16x16";
    static final String BANK = "filter bank (default recipe)";
    static final String MOBILE_224 = "MobileNetV2 block_13_expand_relu GeM @224";
    static final String C1 = "C1 MobileNetV2 block_12_add SPoC @128";
    static final String C2 = "C2 InceptionV3 mixed5 GeM @160";

    private Test2Benchmark() {}

    public static void main(String[] args) throws Exception {
        String split = args[1];
        List<Path> photos = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() == false && line.startsWith("#") == false) {
                String[] f = line.trim().split("\\s+", 2);
                if (f[0].equals(split)) {
                    photos.add(Path.of(f[1]));
                }
            }
        }
        boolean strong = "strong".equals(System.getProperty("variants", "strong"));
        KerasOnnxConverter.ZeroCodeVariance rule = KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        OrtSession inception = env.createSession(
            KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[2])), List.of("mixed5"), rule, "bench"), opts);
        OrtSession mobilenet = env.createSession(KerasOnnxConverter.convertLayers(TfjsLayersModel.load(Path.of(args[3])),
            List.of("block_12_add", "block_13_expand_relu"), rule, "bench"), opts);
        OrtSession bank = env.createSession(DefaultModel.onnx(), opts);
        TensorLayout unit = new TensorLayout(new float[3], new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);
        TensorLayout imagenet = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

        List<String> ids = new ArrayList<>();
        Map<String, List<float[]>> desc = new LinkedHashMap<>();
        for (String c : List.of(THUMB, BANK, MOBILE_224, C1, C2)) {
            desc.put(c, new ArrayList<>());
        }
        long start = System.nanoTime();
        for (int p = 0; p < photos.size(); p++) {
            Path path = photos.get(p);
            BufferedImage base = PhotoVariants.base(ImageIO.read(path.toFile()));
            for (int k = 0; k < PhotoVariants.COPIES; k++) {
                RgbImage img = decoder.decode(PhotoVariants.copy(base, path.getFileName().toString(), k, strong));
                ids.add(String.format(Locale.ROOT, "p%03d_%d", p, k));
                desc.get(THUMB).add(BackboneBenchmark.thumbnail(img));
                FeatureMap fb = run(env, bank, imagenet, BackboneBenchmark.resize(img, 1024)).get(0);
                desc.get(BANK).add(BackboneBenchmark.l2(BackboneBenchmark.POOLINGS.get("GeM").pool(fb)));
                FeatureMap at224 = run(env, mobilenet, unit, BackboneBenchmark.resize(img, 224)).get(1);
                desc.get(MOBILE_224).add(BackboneBenchmark.l2(BackboneBenchmark.POOLINGS.get("GeM").pool(at224)));
                FeatureMap at128 = run(env, mobilenet, unit, BackboneBenchmark.resize(img, 128)).get(0);
                desc.get(C1).add(BackboneBenchmark.l2(BackboneBenchmark.POOLINGS.get("SPoC").pool(at128)));
                FeatureMap at160 = run(env, inception, unit, BackboneBenchmark.resize(img, 160)).get(0);
                if (at224.channels() != 576 || at128.channels() != 96 || at160.channels() != 768) {
                    throw new IllegalStateException("unexpected layer outputs: " + at224.channels() + ", " + at128.channels() + ", "
                        + at160.channels());
                }
                desc.get(C2).add(BackboneBenchmark.l2(BackboneBenchmark.POOLINGS.get("GeM").pool(at160)));
            }
            System.err.printf(Locale.ROOT, "photo %d/%d %s %.0fs%n", p + 1, photos.size(), path.getFileName(), (System.nanoTime() - start) / 1e9);
        }
        System.out.println("## split " + split + ", " + (strong ? "strong" : "mild") + " set: " + photos.size() + " photos, "
            + ids.size() + " images");
        System.out.println("| descriptor | mAP | mAP - thumbnail |");
        System.out.println("|---|---|---|");
        double thumb = BackboneBenchmark.map(ids, desc.get(THUMB));
        for (Map.Entry<String, List<float[]>> e : desc.entrySet()) {
            double m = BackboneBenchmark.map(ids, e.getValue());
            System.out.printf(Locale.ROOT, "| %s | %.3f | %+.3f |%n", e.getKey(), m, m - thumb);
        }
    }

    /** The outputs of one session run, in the order the session declares them. */
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
