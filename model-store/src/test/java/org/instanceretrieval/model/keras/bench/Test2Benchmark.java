package org.instanceretrieval.model.keras.bench;

import org.instanceretrieval.model.keras.bench.BenchHarness.Candidates;
import org.instanceretrieval.pooling.FeatureMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.instanceretrieval.model.keras.bench.BenchHarness.forEachCopy;
import static org.instanceretrieval.model.keras.bench.BenchHarness.photoLines;
import static org.instanceretrieval.model.keras.bench.BenchHarness.pool;
import static org.instanceretrieval.model.keras.bench.BenchHarness.printAgainstThumbnail;
import static org.instanceretrieval.model.keras.bench.BenchHarness.rows;
import static org.instanceretrieval.model.keras.bench.BenchHarness.strongVariants;
import static org.instanceretrieval.model.keras.bench.BenchHarness.thumbnail;

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
        List<String[]> photos = photoLines(Path.of(args[0]), split);
        boolean strong = strongVariants();
        Candidates nets = Candidates.open(Path.of(args[2]), List.of("mixed5"), Path.of(args[3]));
        List<String> ids = new ArrayList<>();
        Map<String, List<float[]>> desc = rows(THUMB, BANK, MOBILE_224, C1, C2);
        forEachCopy(photos, strong, s -> true, (s, id, img) -> {
            ids.add(id);
            desc.get(THUMB).add(thumbnail(img));
            desc.get(BANK).add(nets.filterBank(img));
            FeatureMap at224 = nets.mobilenetAt(img, 224).get(1);
            desc.get(MOBILE_224).add(pool("GeM", at224));
            FeatureMap at128 = nets.mobilenetAt(img, 128).get(0);
            desc.get(C1).add(pool("SPoC", at128));
            FeatureMap at160 = nets.inceptionAt(img, 160).get(0);
            if (at224.channels() != 576 || at128.channels() != 96 || at160.channels() != 768) {
                throw new IllegalStateException("unexpected layer outputs: " + at224.channels() + ", " + at128.channels() + ", "
                    + at160.channels());
            }
            desc.get(C2).add(pool("GeM", at160));
        });
        System.out.println("## split " + split + ", " + (strong ? "strong" : "mild") + " set: " + photos.size() + " photos, "
            + ids.size() + " images");
        System.out.println("| descriptor | mAP | mAP - thumbnail |");
        System.out.println("|---|---|---|");
        printAgainstThumbnail(ids, desc, THUMB, (name, gain) -> null);
    }
}
