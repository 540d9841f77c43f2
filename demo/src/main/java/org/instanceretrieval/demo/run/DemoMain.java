package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetGenerator;
import org.instanceretrieval.demo.report.HtmlReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo, end to end against a running node with the plugin: generate (or read) a collection,
 * put the model (built-in or uploaded), learn PCA whitening on a disjoint training set
 * ({@link WhiteningTraining}, never on the evaluated collection), index every
 * image through the {@code image_descriptor} ingest processor, run DBA and the offline
 * diffusion build, store the ground truth, evaluate the eight configurations of table 1 (and G+QS, G+DBA+QS) with
 * {@code _retrieval_eval} with the seeds' default settings ({@link DemoSettings}), print the
 * table and where each setting came from, and write {@code report.html}.
 *
 * <p>With {@code --photos DIR} the run is {@link PhotoDemo} instead (a GPR1200 table on class-labelled real photos).
 *
 * <p>Endpoints that the node does not have (an older plugin build) are skipped with a printed
 * note, never silently. Exit status 0 on success, 1 on an error, 2 on bad options.
 */
public final class DemoMain {

    public static final String INDEX = "demo-images";
    public static final String QUERY_INDEX = "demo-queries";
    /** The disjoint training images, described without whitening; kept after the run so that it can be inspected. */
    public static final String TRAINING_INDEX = "demo-whitening-training";
    public static final String GROUND_TRUTH = "demo-ground-truth";
    public static final String WHITENING = "demo-pca";
    public static final String USER_MODEL = "demo-user-model";
    static final int PART_SIZE = 8 * 1024 * 1024;
    static final int BULK_BATCH = 8;

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

    DemoOptions options() {
        return options;
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
        if (options.photos() != null) {
            return new PhotoDemo(this, es, out).run();
        }
        Collection collection = collection();
        waitForNode();
        String modelId = model();
        reset();

        step("Describing one image to learn the descriptor's dimension");
        Map<String, Object> recipe = new LinkedHashMap<>();
        int rawDims = probeDimension(modelId, collection.database().values().iterator().next());
        out.printf(Locale.ROOT, "    model [%s] gives %d dimensions%n", modelId, rawDims);

        String whiteningId = null;
        int dims = rawDims;
        WhiteningTraining training = options.whitening() ? WhiteningTraining.of(options) : null;
        if (options.whitening() == false) {
            note("setting: whitening none (--no-whitening)");
        } else if (training == null) {
            note("setting: whitening none (no disjoint training set given: --whitening-images DIR); it is never learned on the "
                + "evaluated collection");
        } else {
            step("Learning PCA whitening (POST _retrieval/whitening/" + WHITENING + "/_learn) on " + training.images().size()
                + " images of " + training.source() + ", indexed into " + TRAINING_INDEX + " without whitening");
            putPipeline("demo-describe-raw", modelId, null, "descriptor_raw", false);
            createIndex(TRAINING_INDEX, Map.of("descriptor_raw", rawDims));
            bulkIndex(TRAINING_INDEX, "demo-describe-raw", training.images(), Map.of());
            Map<String, Object> learned = es.post("_retrieval/whitening/" + WHITENING + "/_learn",
                Map.of("method", "pca", "index", TRAINING_INDEX, "field", "descriptor_raw", "shrinkage", 0.001));
            dims = ((Number) learned.get("output_dimension")).intValue();
            whiteningId = WHITENING;
            out.printf(Locale.ROOT, "    whitening %d -> %d dimensions from %d vectors%n", rawDims, dims, training.images().size());
            note(training.provenance(rawDims, dims));
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
            out.printf(Locale.ROOT, "    %-15s mAP %s%n", config.name(), ResultTable.percent(ResultTable.overall(evaluations.get(config.name())), "mAP"));
        }

        if (options.secondModel() != null) {
            evaluations.putAll(new EnsembleRows(this, es, out).evaluate(modelId, collection, parameters));
        }
        out.println();
        out.println(table(evaluations));

        step("Writing the HTML report");
        Path reportDir = options.out().resolve("report");
        Map<String, Map<String, List<String>>> rankings = TopRankings.read(es, collection, parameters, this::note);
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

    void waitForNode() throws InterruptedException {
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
        step("Uploading " + options.model() + " as model [" + USER_MODEL + "]");
        Object state = ModelUpload.upload(es, USER_MODEL, options.model(), options.modelConfig(), (done, total) -> progress("parts", done, total));
        out.println("    state: " + state);
        return USER_MODEL;
    }

    private void reset() {
        step("Removing what an earlier demo run left");
        for (String index : List.of(INDEX, QUERY_INDEX, TRAINING_INDEX)) {
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

    /** The dimension of the model's descriptor of one image (an ingest _simulate). */
    int probeDimension(String modelId, Path first) throws IOException {
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
    void createIndex(String index, Map<String, Integer> vectorFields) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("image", Map.of("type", "binary"));
        properties.put("box", Map.of("type", "integer", "index", false));
        vectorFields.forEach((field, dims) -> properties.put(field,
            Map.of("type", "dense_vector", "dims", dims, "similarity", "dot_product", "index", true, "index_options", Map.of("type", "flat"))));
        es.put(index, Map.of(
            "settings", Map.of("number_of_shards", 1, "number_of_replicas", 0),
            "mappings", Map.of("_source", Map.of("excludes", List.of("image")), "properties", properties)));
    }

    void bulkIndex(String index, String pipeline, Map<String, Path> files, Map<String, int[]> boxes) throws IOException {
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
            if (e.status() == 400 && e.body().contains("needs the neighbour graph")) {
                // the endpoint is there; its rows need a stored neighbour graph of the field, which this demo does not build
                out.println("    no offline rows: they are solved on a stored neighbour graph (POST " + INDEX + "/_retrieval/graph/_build),"
                    + " which this index does not hold; the diffusion retriever diffuses its window online (offline: auto)");
                return true;
            }
            throw e;
        }
    }

    /** The table as text (see {@link ResultTable#text}). */
    public static String table(Map<String, Map<String, Object>> evaluations) {
        return ResultTable.text(evaluations);
    }

    /** The overall mAP of an evaluation response. */
    public static double mAP(Map<String, Object> evaluation) {
        return ResultTable.mAP(evaluation);
    }

    void step(String what) {
        out.println("==> " + what);
    }

    private void note(String what) {
        if (notes.contains(what) == false) {
            notes.add(what);
            out.println("NOTE: " + what);
        }
    }

    void progress(String unit, int done, int total) {
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
}
