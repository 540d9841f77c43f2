package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetGenerator;
import org.instanceretrieval.demo.report.HtmlReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo, end to end against a running node with the plugin: generate (or read) a collection,
 * put the model (built-in or uploaded), learn PCA whitening on the collection, index every
 * image through the {@code image_descriptor} ingest processor, run DBA and the offline
 * diffusion build, store the ground truth, evaluate the eight configurations of table 1 with
 * {@code _retrieval_eval}, print the table and write {@code report.html}.
 *
 * <p>Endpoints that the node does not have (an older plugin build) are skipped with a printed
 * note, never silently. Exit status 0 on success, 1 on an error, 2 on bad options.
 */
public final class DemoMain {

    public static final String INDEX = "demo-images";
    public static final String QUERY_INDEX = "demo-queries";
    public static final String SAMPLE_INDEX = "demo-whitening-sample";
    public static final String GROUND_TRUTH = "demo-ground-truth";
    public static final String WHITENING = "demo-pca";
    public static final String USER_MODEL = "demo-user-model";
    static final int PART_SIZE = 8 * 1024 * 1024;
    static final int BULK_BATCH = 8;
    static final int WHITENING_SAMPLE = 500;

    private final DemoOptions options;
    private final EsClient es;
    private final PrintStream out;
    private final List<String> notes = new ArrayList<>();

    /** What a run produced: the table rows (name to eval response) and the report file. */
    public record Result(Map<String, Map<String, Object>> evaluations, Path report, List<String> notes) {}

    public DemoMain(DemoOptions options, PrintStream out) {
        this.options = options;
        this.es = new EsClient(options.es());
        this.out = out;
    }

    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            new DemoMain(options, System.out).run();
        } catch (Exception e) {
            System.err.println("demo failed: " + e.getMessage());
            System.exit(1);
        }
    }

    public Result run() throws IOException, InterruptedException {
        Collection collection = collection();
        waitForNode();
        String modelId = model();
        reset();

        step("Describing one image to learn the descriptor's dimension");
        Map<String, Object> recipe = new LinkedHashMap<>();
        int rawDims = probeDimension(modelId, collection);
        out.printf(Locale.ROOT, "    model [%s] gives %d dimensions%n", modelId, rawDims);

        String whiteningId = null;
        int dims = rawDims;
        if (options.whitening()) {
            Map<String, Path> training = whiteningTrainingImages();
            if (training == null) {
                note("setting: whitening none: no disjoint training set given (--whitening-images DIR); it is never learned on the "
                    + "evaluated collection");
            } else {
                step("Learning PCA whitening (POST _retrieval/whitening/" + WHITENING + "/_learn) on a disjoint training set");
                List<String> sample = whiteningSample(new ArrayList<>(training.keySet()));
                putPipeline("demo-describe-raw", modelId, null, "descriptor_raw", false);
                createIndex(SAMPLE_INDEX, Map.of("descriptor_raw", rawDims));
                Map<String, Path> sampleFiles = new LinkedHashMap<>();
                sample.forEach(n -> sampleFiles.put(n, training.get(n)));
                bulkIndex(SAMPLE_INDEX, "demo-describe-raw", sampleFiles, Map.of());
                Map<String, Object> learned = es.post("_retrieval/whitening/" + WHITENING + "/_learn",
                    Map.of("method", "pca", "index", SAMPLE_INDEX, "field", "descriptor_raw", "shrinkage", 0.001));
                dims = ((Number) learned.get("output_dimension")).intValue();
                whiteningId = WHITENING;
                out.printf(Locale.ROOT, "    whitening %d -> %d dimensions from %d vectors%n", rawDims, dims, sample.size());
                note("setting: whitening PCA learned on " + sample.size() + " images of " + whiteningSource()
                    + ", disjoint from the evaluated collection (as the seed learns it on a separate training set)");
                es.deleteIfExists(SAMPLE_INDEX);
            }
        }
        recipe.put("whitening_id", whiteningId);

        step("Creating the ingest pipelines and indices");
        putPipeline("demo-describe", modelId, whiteningId, "descriptor", false);
        putPipeline("demo-describe-query", modelId, whiteningId, "descriptor", true);
        createIndex(INDEX, Map.of("descriptor", dims, "descriptor_dba", dims));
        if (collection.separateQueries()) {
            createIndex(QUERY_INDEX, Map.of("descriptor", dims));
        }

        step("Indexing " + collection.database().size() + " images through the image_descriptor processor");
        bulkIndex(INDEX, "demo-describe", collection.database(), Map.of());
        if (collection.separateQueries()) {
            step("Indexing " + collection.queries().size() + " query images (described inside their boxes)");
            bulkIndex(QUERY_INDEX, "demo-describe-query", collection.queries(), collection.boxes());
        }

        DemoSettings settings = DemoSettings.seedDefaults(collection.database().size());
        settings.provenance().forEach(this::note);
        Table1Config.Parameters parameters = settings.parameters();

        step("Database-side augmentation (POST " + INDEX + "/_retrieval/dba, n = " + settings.dbaN() + ")");
        Map<String, Object> dba = es.post(INDEX + "/_retrieval/dba",
            Map.of("field", "descriptor", "target_field", "descriptor_dba", "n", settings.dbaN()));
        out.printf(Locale.ROOT, "    %s: %s vectors%n", dba.get("state"), dba.get("doc_count"));

        boolean retriever = diffusionBuild(parameters);
        parameters = new Table1Config.Parameters(parameters.depth(), parameters.aqeN(), parameters.dfsK(), parameters.dfsGamma(),
            parameters.dfsAlpha(), parameters.dfsQueryK(), retriever);

        step("Storing the ground truth (PUT _retrieval/ground_truth/" + GROUND_TRUTH + ")");
        es.put("_retrieval/ground_truth/" + GROUND_TRUTH + "?index=" + INDEX, Map.of("format", "json", "data", collection.groundTruth()));

        step("Evaluating the configurations of table 1 (POST " + INDEX + "/_retrieval_eval)");
        Map<String, Map<String, Object>> evaluations = new LinkedHashMap<>();
        for (Table1Config config : Table1Config.ALL) {
            Map<String, Object> body = config.evalBody(GROUND_TRUTH, collection.separateQueries() ? QUERY_INDEX : null, parameters);
            try {
                evaluations.put(config.name(), es.post(INDEX + "/_retrieval_eval", body));
            } catch (EsClient.EsException e) {
                if (e.status() == 400 && e.body().contains("no handler found")) {
                    note("POST {index}/_retrieval_eval is not on this node: no evaluation table (the plugin predates it)");
                    break;
                }
                throw e;
            }
            out.printf(Locale.ROOT, "    %-15s mAP %s%n", config.name(), formatMap(evaluations.get(config.name())));
        }

        out.println();
        out.println(table(evaluations));

        step("Writing the HTML report");
        Path reportDir = options.out().resolve("report");
        Map<String, Map<String, List<String>>> rankings = topRankings(collection, evaluations, parameters);
        Path report = new HtmlReport(reportDir).write(
            "Instance retrieval demo: " + (options.generated() ? "generated dataset (" + options.size().label() + ", seed "
                + options.seed() + ")" : "your collection"),
            evaluations, collection, rankings, notes);
        out.println("    " + report.toAbsolutePath());
        for (String note : notes) {
            out.println("NOTE: " + note);
        }
        return new Result(evaluations, report, List.copyOf(notes));
    }

    private Collection collection() throws IOException {
        if (options.generated()) {
            step("Generating the " + options.size().label() + " dataset (seed " + options.seed() + ")");
            DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(options.seed(), options.size())
                .generate(options.out().resolve("dataset"));
            out.printf(Locale.ROOT, "    %d images in %s%n", dataset.images().size(), dataset.imagesDir().toAbsolutePath());
            return Collection.read(dataset.imagesDir(), dataset.groundTruth());
        }
        step("Reading " + options.images() + " and " + options.groundTruth());
        Collection collection = Collection.read(options.images(), options.groundTruth());
        out.printf(Locale.ROOT, "    %d database images, %d queries%n", collection.database().size(), collection.queries().size());
        return collection;
    }

    private void waitForNode() throws InterruptedException {
        step("Waiting for the node at " + es.url());
        for (int i = 0; ; i++) {
            try {
                es.get("_cluster/health?wait_for_status=yellow&timeout=5s");
                return;
            } catch (RuntimeException e) {
                if (i >= 60) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }

    /** The built-in model, or the user's ONNX file uploaded in parts (replacing an earlier upload). */
    private String model() throws IOException {
        if (options.model() == null) {
            return "default";
        }
        byte[] onnx = Files.readAllBytes(options.model());
        step("Uploading " + options.model() + " (" + onnx.length + " bytes) as model [" + USER_MODEL + "]");
        Object config = options.modelConfig() != null
            ? EsClient.JSON.readValue(options.modelConfig().toFile(), Map.class)
            : Map.of("description", "uploaded by the demo from " + options.model().getFileName(),
                "input", Map.of("size", Map.of("longest_side", 1024)),
                "output", Map.of("kind", "feature_map"),
                "recipe", Map.of("pooling", Map.of("type", "gem", "p", 3)));
        es.deleteIfExists("_retrieval/model/" + USER_MODEL);
        es.put("_retrieval/model/" + USER_MODEL, config);
        int parts = Math.max(1, (onnx.length + PART_SIZE - 1) / PART_SIZE);
        String sha = sha256(onnx);
        Map<String, Object> last = Map.of();
        for (int p = 0; p < parts; p++) {
            int from = p * PART_SIZE, to = Math.min(onnx.length, from + PART_SIZE);
            byte[] part = java.util.Arrays.copyOfRange(onnx, from, to);
            last = es.put("_retrieval/model/" + USER_MODEL + "/definition/" + p, Map.of(
                "definition", Base64.getEncoder().encodeToString(part), "total_parts", parts,
                "total_definition_length", onnx.length, "sha256", sha));
            progress("parts", p + 1, parts);
        }
        out.println("    state: " + last.get("state"));
        return USER_MODEL;
    }

    private void reset() {
        step("Removing what an earlier demo run left");
        for (String index : List.of(INDEX, QUERY_INDEX, SAMPLE_INDEX)) {
            es.deleteIfExists(index);
        }
        for (String pipeline : List.of("demo-describe", "demo-describe-query", "demo-describe-raw")) {
            es.deleteIfExists("_ingest/pipeline/" + pipeline);
        }
        ignoreMissingEndpoint(() -> es.deleteIfExists("_retrieval/whitening/" + WHITENING));
        ignoreMissingEndpoint(() -> es.deleteIfExists("_retrieval/ground_truth/" + GROUND_TRUTH));
    }

    private void ignoreMissingEndpoint(Runnable r) {
        try {
            r.run();
        } catch (EsClient.EsException e) {
            if (e.status() != 400 && e.status() != 405) {
                throw e;
            }
        }
    }

    private int probeDimension(String modelId, Collection collection) throws IOException {
        Path first = collection.database().values().iterator().next();
        Map<String, Object> processor = Map.of("image_descriptor", Map.of("field", "image", "target_field", "v", "model_id", modelId));
        Map<String, Object> result = es.post("_ingest/pipeline/_simulate", Map.of(
            "pipeline", Map.of("processors", List.of(processor)),
            "docs", List.of(Map.of("_source", Map.of("image", base64(first))))));
        Map<?, ?> doc = (Map<?, ?>) ((List<?>) result.get("docs")).get(0);
        if (doc.get("error") != null) {
            throw new IllegalStateException("the model cannot describe " + first + ": " + doc.get("error"));
        }
        Map<?, ?> source = (Map<?, ?>) ((Map<?, ?>) doc.get("doc")).get("_source");
        return ((List<?>) source.get("v")).size();
    }

    private void putPipeline(String name, String modelId, String whiteningId, String target, boolean box) {
        Map<String, Object> processor = new LinkedHashMap<>();
        processor.put("field", "image");
        processor.put("target_field", target);
        processor.put("model_id", modelId);
        if (whiteningId != null) {
            processor.put("whitening_id", whiteningId);
        }
        if (box) {
            processor.put("bbox_field", "box");
        }
        es.put("_ingest/pipeline/" + name, Map.of(
            "description", "instance-retrieval demo: image -> " + target,
            "processors", List.of(Map.of("image_descriptor", processor))));
    }

    /** One shard (so the per-shard diffusion rescorer sees the whole collection); the image bytes are not kept in _source. */
    private void createIndex(String index, Map<String, Integer> vectorFields) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("image", Map.of("type", "binary"));
        properties.put("box", Map.of("type", "integer", "index", false));
        vectorFields.forEach((field, dims) -> properties.put(field,
            Map.of("type", "dense_vector", "dims", dims, "similarity", "dot_product", "index", true, "index_options", Map.of("type", "flat"))));
        es.put(index, Map.of(
            "settings", Map.of("number_of_shards", 1, "number_of_replicas", 0),
            "mappings", Map.of("_source", Map.of("excludes", List.of("image")), "properties", properties)));
    }

    private void bulkIndex(String index, String pipeline, Map<String, Path> files, Map<String, int[]> boxes) throws IOException {
        List<String> names = new ArrayList<>(files.keySet());
        long start = System.nanoTime();
        for (int from = 0; from < names.size(); from += BULK_BATCH) {
            StringBuilder bulk = new StringBuilder();
            for (String name : names.subList(from, Math.min(names.size(), from + BULK_BATCH))) {
                bulk.append(EsClient.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", name)))).append('\n');
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("name", name);
                doc.put("image", base64(files.get(name)));
                if (boxes.containsKey(name)) {
                    int[] b = boxes.get(name);
                    doc.put("box", List.of(b[0], b[1], b[2], b[3]));
                }
                bulk.append(EsClient.JSON.writeValueAsString(doc)).append('\n');
            }
            Map<String, Object> response = es.bulk("_bulk?pipeline=" + pipeline, bulk.toString());
            if (Boolean.TRUE.equals(response.get("errors"))) {
                for (Object item : (List<?>) response.get("items")) {
                    Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
                    if (result.get("error") != null) {
                        throw new IllegalStateException("indexing [" + result.get("_id") + "] failed: " + result.get("error"));
                    }
                }
            }
            progress("images", Math.min(names.size(), from + BULK_BATCH), names.size());
        }
        es.post(index + "/_refresh", null);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "    %d images in %.1f s (%.1f images/s)%n", names.size(), seconds, names.size() / Math.max(seconds, 1e-9));
    }

    /** Builds the offline diffusion graph of both fields; false (with a note) when the node has no such endpoint. */
    private boolean diffusionBuild(Table1Config.Parameters p) {
        step("Offline diffusion build (POST " + INDEX + "/_retrieval/diffusion/_build)");
        try {
            for (String field : List.of("descriptor", "descriptor_dba")) {
                Map<String, Object> body = new LinkedHashMap<>(Table1Config.diffusionOptions(p));
                body.remove("query_k");
                body.put("field", field);
                Map<String, Object> built = es.post(INDEX + "/_retrieval/diffusion/_build", body);
                out.println("    " + field + ": " + built);
            }
            return true;
        } catch (EsClient.EsException e) {
            if (e.status() == 400 && e.body().contains("no handler found") || e.status() == 405 || e.status() == 404) {
                note("the offline diffusion build (_retrieval/diffusion/_build) and the diffusion retriever are not on this node:"
                    + " DFS rows use the per-shard diffusion rescorer on the one-shard index instead (same ranking)");
                return false;
            }
            throw e;
        }
    }

    /** At most {@value #WHITENING_SAMPLE} names spread evenly over the collection (not its first ones, which may all be distractors). */
    static List<String> whiteningSample(List<String> names) {
        if (names.size() <= WHITENING_SAMPLE) {
            return names;
        }
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < WHITENING_SAMPLE; i++) {
            sample.add(names.get((int) ((long) i * names.size() / WHITENING_SAMPLE)));
        }
        return sample;
    }

    /**
     * The images PCA whitening is learned on, disjoint from the evaluated collection: for a generated collection a second
     * generated set (seed + 1000: other objects, other photos), for the user's collection {@code --whitening-images}; null
     * when there is none.
     */
    private Map<String, Path> whiteningTrainingImages() throws IOException {
        if (options.generated()) {
            return imagesIn(new DatasetGenerator(options.seed() + 1000, options.size())
                .generate(options.out().resolve("whitening-dataset")).imagesDir());
        }
        return options.whiteningImages() == null ? null : imagesIn(options.whiteningImages());
    }

    /** The .jpg and .png files of a folder by name, in name order. */
    static Map<String, Path> imagesIn(Path dir) throws IOException {
        Map<String, Path> images = new TreeMap<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)"))
                .forEach(f -> images.put(f.getFileName().toString(), f));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds no .jpg or .png image to learn whitening on");
        }
        return images;
    }

    private String whiteningSource() {
        return options.generated()
            ? "a second generated dataset (seed " + (options.seed() + 1000) + ", other objects and photos)"
            : options.whiteningImages().toString();
    }

    /** Top 10 of the first queries under G and the last row, read with _search for the report. */
    private Map<String, Map<String, List<String>>> topRankings(Collection collection, Map<String, Map<String, Object>> evaluations,
                                                               Table1Config.Parameters p) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        if (collection.separateQueries() == false) {
            return out;
        }
        List<Table1Config> shown = List.of(Table1Config.ALL.get(0), Table1Config.ALL.get(Table1Config.ALL.size() - 1));
        for (String query : collection.queries().keySet().stream().limit(HtmlReport.SHOWN_QUERIES).toList()) {
            Map<?, ?> doc = es.get(QUERY_INDEX + "/_doc/" + query);
            List<?> vector = (List<?>) ((Map<?, ?>) doc.get("_source")).get("descriptor");
            float[] v = new float[vector.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) vector.get(i)).floatValue();
            }
            Map<String, List<String>> perConfig = new LinkedHashMap<>();
            for (Table1Config config : shown) {
                try {
                    Map<String, Object> response = es.post(INDEX + "/_search", config.searchBody(v, 10, p));
                    List<String> ids = new ArrayList<>();
                    for (Object hit : (List<?>) ((Map<?, ?>) response.get("hits")).get("hits")) {
                        if (ids.size() < 10) {
                            ids.add(String.valueOf(((Map<?, ?>) hit).get("_id")));
                        }
                    }
                    perConfig.put(config.name(), ids);
                } catch (EsClient.EsException e) {
                    note("top 10 of " + query + " under " + config.name() + " failed: " + e.getMessage());
                }
            }
            out.put(query, perConfig);
        }
        return out;
    }

    /** The table as text: mAP (and the revisited easy/medium/hard) per configuration, in percent. */
    public static String table(Map<String, Map<String, Object>> evaluations) {
        StringBuilder sb = new StringBuilder();
        boolean revisited = evaluations.values().stream().anyMatch(e -> subsetMap(e, "medium") != null);
        if (revisited) {
            sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %10s%n", "Configuration", "Easy", "Medium", "Hard", "mP@10 (M)"));
        } else {
            sb.append(String.format(Locale.ROOT, "%-16s %8s%n", "Configuration", "mAP"));
        }
        for (Map.Entry<String, Map<String, Object>> row : evaluations.entrySet()) {
            Map<String, Object> e = row.getValue();
            if (revisited) {
                sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %10s%n", row.getKey(), percent(subsetMap(e, "easy"), "mAP"),
                    percent(subsetMap(e, "medium"), "mAP"), percent(subsetMap(e, "hard"), "mAP"), percent(subsetMap(e, "medium"), "mP@10")));
            } else {
                sb.append(String.format(Locale.ROOT, "%-16s %8s%n", row.getKey(), percent(overall(e), "mAP")));
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> overall(Map<String, Object> evaluation) {
        return (Map<String, Object>) evaluation.get("overall");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> subsetMap(Map<String, Object> evaluation, String subset) {
        Object subsets = evaluation.get("subsets");
        return subsets instanceof Map<?, ?> m ? (Map<String, Object>) m.get(subset) : null;
    }

    /** The overall mAP of an evaluation response. */
    public static double mAP(Map<String, Object> evaluation) {
        return ((Number) overall(evaluation).get("mAP")).doubleValue();
    }

    static String percent(Map<String, Object> metrics, String key) {
        if (metrics == null || metrics.get(key) instanceof Number == false) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", 100 * ((Number) metrics.get(key)).doubleValue());
    }

    private static String formatMap(Map<String, Object> evaluation) {
        return percent(overall(evaluation), "mAP");
    }

    private void step(String what) {
        out.println("==> " + what);
    }

    private void note(String what) {
        if (notes.contains(what) == false) {
            notes.add(what);
            out.println("NOTE: " + what);
        }
    }

    private void progress(String unit, int done, int total) {
        int width = 30, filled = total == 0 ? width : done * width / total;
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        out.printf(Locale.ROOT, "\r    [%s] %d/%d %s", bar, done, total, unit);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    private static String base64(Path file) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
