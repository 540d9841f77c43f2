package org.instanceretrieval.demo.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo on a folder of real photos ({@code --photos DIR}, class = file-name prefix, {@link PhotoCollection}), in place of
 * the generated dataset: one row per descriptor, each evaluated with {@code _retrieval_eval} (engine {@code exact}, the
 * GPR1200 protocol of a {@code json} class-label ground truth: every photo queries all the photos, itself included, and
 * its class is its positives; non-interpolated AP). The rows, in order:
 * <ol>
 *   <li>{@link #THUMBNAIL_ROW}: the {@link Thumbnail} vectors computed here in Java from the same decoded photos, indexed
 *       as they are into {@code demo-photos-0};</li>
 *   <li>one per model, {@code default}, {@code filter_bank}, {@code nsfwjs_mobilenet_v2} and the user's {@code --model} when given, each indexed
 *       through an {@code image_descriptor} pipeline (no whitening) into {@code demo-photos-1}, {@code -2}, ...</li>
 * </ol>
 * Each index has one shard and its own ground truth {@code demo-photos-gt-N}; all are replaced on the next run.
 */
final class PhotoDemo {

    static final String THUMBNAIL_ROW = "thumbnail 16x16";
    static final String PREFIX = "demo-photos-";
    static final List<String> BUILT_IN_MODELS = List.of("default", "filter_bank", "nsfwjs_mobilenet_v2");
    static final int THUMBNAIL_BATCH = 500;

    private final DemoMain demo;
    private final EsClient es;
    private final PrintStream out;

    PhotoDemo(DemoMain demo, EsClient es, PrintStream out) {
        this.demo = demo;
        this.es = es;
        this.out = out;
    }

    /** Runs it; the result's evaluations are row name to {@code _retrieval_eval} response, thumbnail first; no report. */
    DemoMain.Result run() throws IOException, InterruptedException {
        demo.step("Reading the photos of " + demo.options().photos() + " (class = file name up to the first '_' or '-')");
        PhotoCollection photos = PhotoCollection.read(demo.options().photos());
        out.printf(Locale.ROOT, "    %d photos in %d classes%n", photos.files().size(), photos.classCount());
        demo.waitForNode();
        List<String> models = new ArrayList<>(BUILT_IN_MODELS);
        if (demo.options().model() != null) {
            demo.step("Uploading " + demo.options().model() + " as model [" + DemoMain.USER_MODEL + "]");
            Object state = ModelUpload.upload(es, DemoMain.USER_MODEL, demo.options().model(), demo.options().modelConfig(),
                (done, total) -> demo.progress("parts", done, total));
            out.println("    state: " + state);
            models.add(DemoMain.USER_MODEL);
        }
        Map<String, Object> groundTruth = Map.of("protocol", "gpr1200", "classes", photos.classes());
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();

        String index = PREFIX + 0;
        demo.step("Row [" + THUMBNAIL_ROW + "]: indexing the thumbnails computed in Java into " + index);
        reset(0);
        demo.createIndex(index, Map.of("descriptor", Thumbnail.DIMS));
        indexThumbnails(index, photos);
        rows.put(THUMBNAIL_ROW, evaluate(0, THUMBNAIL_ROW, groundTruth));

        for (int i = 1; i <= models.size(); i++) {
            String model = models.get(i - 1);
            index = PREFIX + i;
            demo.step("Row [" + model + "]: indexing through the image_descriptor processor into " + index);
            reset(i);
            es.put("_ingest/pipeline/" + index, Map.of("description", "instance-retrieval demo --photos: image -> descriptor",
                "processors", List.of(Map.of("image_descriptor", Map.of("field", "image", "target_field", "descriptor", "model_id", model)))));
            int dims = demo.probeDimension(model, photos.files().values().iterator().next());
            out.printf(Locale.ROOT, "    model [%s] gives %d dimensions%n", model, dims);
            demo.createIndex(index, Map.of("descriptor", dims));
            demo.bulkIndex(index, index, photos.files(), Map.of());
            rows.put(model, evaluate(i, model, groundTruth));
        }
        out.println();
        out.println(table(rows));
        return new DemoMain.Result(rows, null, List.of());
    }

    private void reset(int i) {
        es.deleteIfExists(PREFIX + i);
        es.deleteIfExists("_ingest/pipeline/" + PREFIX + i);
        es.deleteIfExists("_retrieval/ground_truth/" + PREFIX + "gt-" + i);
    }

    /** Bulk-indexes the thumbnail vectors, {@link #THUMBNAIL_BATCH} per request (far below the 100 MB request limit). */
    private void indexThumbnails(String index, PhotoCollection photos) throws IOException {
        List<Map.Entry<String, float[]>> all = new ArrayList<>(photos.thumbnails().entrySet());
        for (int from = 0; from < all.size(); from += THUMBNAIL_BATCH) {
            StringBuilder bulk = new StringBuilder();
            for (Map.Entry<String, float[]> e : all.subList(from, Math.min(all.size(), from + THUMBNAIL_BATCH))) {
                bulk.append(EsClient.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", e.getKey())))).append('\n');
                bulk.append(EsClient.JSON.writeValueAsString(Map.of("name", e.getKey(), "descriptor", e.getValue()))).append('\n');
            }
            Map<String, Object> response = es.bulk("_bulk", bulk.toString());
            if (Boolean.TRUE.equals(response.get("errors"))) {
                for (Object item : (List<?>) response.get("items")) {
                    Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
                    if (result.get("error") != null) {
                        throw new IllegalStateException("indexing the thumbnail of [" + result.get("_id") + "] failed: " + result.get("error"));
                    }
                }
            }
        }
        es.post(index + "/_refresh", null);
        out.printf(Locale.ROOT, "    %d thumbnails of %d dimensions%n", all.size(), Thumbnail.DIMS);
    }

    private Map<String, Object> evaluate(int i, String row, Map<String, Object> groundTruth) {
        String index = PREFIX + i, gt = PREFIX + "gt-" + i;
        es.put("_retrieval/ground_truth/" + gt + "?index=" + index, Map.of("format", "json", "data", groundTruth));
        Map<String, Object> evaluation = es.post(index + "/_retrieval_eval",
            Map.of("ground_truth", gt, "field", "descriptor", "engine", "exact", "name", row));
        out.printf(Locale.ROOT, "    %-22s mAP %s%n", row, ResultTable.percent(ResultTable.overall(evaluation), "mAP"));
        return evaluation;
    }

    /** The table: one line per row, {@code name  mAP} with mAP in percent and two decimals, the thumbnail first. */
    static String table(Map<String, Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %8s%n", "Descriptor (GPR1200)", "mAP"));
        rows.forEach((name, e) -> sb.append(String.format(Locale.ROOT, "%-22s %8s%n", name, ResultTable.percent(ResultTable.overall(e), "mAP"))));
        return sb.toString();
    }
}
