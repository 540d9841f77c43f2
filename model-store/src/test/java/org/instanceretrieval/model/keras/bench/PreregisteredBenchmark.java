package org.instanceretrieval.model.keras.bench;

import org.instanceretrieval.model.keras.bench.BenchHarness.Candidates;

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
        List<String[]> photos = photoLines(Path.of(args[0]), split);
        boolean strong = strongVariants();
        Candidates nets = Candidates.open(Path.of(args[2]), List.of("mixed5", "mixed6"), Path.of(args[3]));
        List<String> ids = new ArrayList<>();
        Map<String, List<float[]>> desc = rows(THUMB, BANK, A, B, MNV2_224, INC_224);
        forEachCopy(photos, strong, s -> true, (s, id, img) -> {
            ids.add(id);
            desc.get(THUMB).add(thumbnail(img));
            desc.get(BANK).add(nets.filterBank(img));
            desc.get(A).add(pool("SPoC", nets.mobilenetAt(img, 128).get(0)));
            desc.get(MNV2_224).add(pool("GeM", nets.mobilenetAt(img, 224).get(1)));
            desc.get(B).add(pool("GeM", nets.inceptionAt(img, 160).get(0)));
            desc.get(INC_224).add(pool("GeM", nets.inceptionAt(img, 224).get(1)));
        });
        System.out.println("## " + (strong ? "strong" : "mild") + " set, split " + split + ": " + photos.size() + " photos, "
            + ids.size() + " images, GPR1200 mAP, no whitening");
        System.out.println("| descriptor | mAP | mAP - thumbnail | rule (>= +0.150) |");
        System.out.println("|---|---|---|---|");
        printAgainstThumbnail(ids, desc, THUMB,
            (name, gain) -> name.startsWith("A:") || name.startsWith("B:") ? (gain >= 0.150 ? "wins" : "does not win") : "-");
    }
}
