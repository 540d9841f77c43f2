package org.instanceretrieval.demo.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's ensemble rows, when {@code --model} is given twice: the second ONNX file is uploaded as
 * {@link #SECOND_MODEL}, and the collection is indexed three more times without whitening, each into its
 * own one-shard index: by the first model alone, by the second alone, and by their ensemble (one
 * {@code image_descriptor} processor with {@code "models": [{"model_id": first}, {"model_id": second}]}, equal
 * weights, dimension the sum of both). Each is evaluated with the plain kNN row ({@code G}) of table 1, so the
 * three rows compare like with like. Query images are described inside their boxes as in the main table.
 */
final class EnsembleRows {

    static final String SECOND_MODEL = "demo-user-model-2";
    private static final String PREFIX = "demo-ensemble-";

    private final DemoMain demo;
    private final EsClient es;
    private final PrintStream out;

    EnsembleRows(DemoMain demo, EsClient es, PrintStream out) {
        this.demo = demo;
        this.es = es;
        this.out = out;
    }

    /** The rows' names to their {@code _retrieval_eval} responses, in the order first, second, ensemble. */
    Map<String, Map<String, Object>> evaluate(String firstModel, Collection collection, Table1Config.Parameters parameters)
        throws IOException {
        demo.step("Uploading " + demo.options().secondModel() + " as model [" + SECOND_MODEL + "] for the ensemble rows");
        Object state = ModelUpload.upload(es, SECOND_MODEL, demo.options().secondModel(), null, (done, total) -> demo.progress("parts",
            done, total));
        out.println("    state: " + state);
        Map<String, Map<String, Object>> processors = new LinkedHashMap<>();
        processors.put("G model 1", Map.of("model_id", firstModel));
        processors.put("G model 2", Map.of("model_id", SECOND_MODEL));
        processors.put("G ensemble 1+2", Map.of("models", List.of(Map.of("model_id", firstModel), Map.of("model_id", SECOND_MODEL))));
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Map<String, Object>> row : processors.entrySet()) {
            String index = PREFIX + i, queries = collection.separateQueries() ? PREFIX + i + "-queries" : null, gt = PREFIX + "gt-" + i;
            i++;
            demo.step("Ensemble rows: [" + row.getKey() + "] " + row.getValue() + " into " + index);
            reset(index, queries, gt);
            putPipeline(index, row.getValue(), false);
            int dims = dimension(row.getValue(), collection.database().values().iterator().next());
            out.printf(Locale.ROOT, "    %d dimensions%n", dims);
            demo.createIndex(index, Map.of("descriptor", dims));
            demo.bulkIndex(index, index, collection.database(), Map.of());
            if (queries != null) {
                putPipeline(queries, row.getValue(), true);
                demo.createIndex(queries, Map.of("descriptor", dims));
                demo.bulkIndex(queries, queries, collection.queries(), collection.boxes());
            }
            es.put("_retrieval/ground_truth/" + gt + "?index=" + index, Map.of("format", "json", "data", collection.groundTruth()));
            Map<String, Object> body = Table1Config.ALL.get(0).evalBody(gt, queries, parameters);
            body.put("name", row.getKey());
            Map<String, Object> evaluation = es.post(index + "/_retrieval_eval", body);
            rows.put(row.getKey(), evaluation);
            out.printf(Locale.ROOT, "    %-15s mAP %s%n", row.getKey(), ResultTable.percent(ResultTable.overall(evaluation), "mAP"));
        }
        return rows;
    }

    private void reset(String index, String queries, String gt) {
        es.deleteIfExists(index);
        es.deleteIfExists("_ingest/pipeline/" + index);
        if (queries != null) {
            es.deleteIfExists(queries);
            es.deleteIfExists("_ingest/pipeline/" + queries);
        }
        es.deleteIfExists("_retrieval/ground_truth/" + gt);
    }

    private void putPipeline(String name, Map<String, Object> modelOptions, boolean box) {
        Map<String, Object> processor = new LinkedHashMap<>(modelOptions);
        processor.put("field", "image");
        processor.put("target_field", "descriptor");
        if (box) {
            processor.put("bbox_field", "box");
        }
        es.put("_ingest/pipeline/" + name, Map.of("description", "instance-retrieval demo, ensemble rows",
            "processors", List.of(Map.of("image_descriptor", processor))));
    }

    private int dimension(Map<String, Object> modelOptions, Path image) throws IOException {
        Map<String, Object> processor = new LinkedHashMap<>(modelOptions);
        processor.put("field", "image");
        processor.put("target_field", "v");
        Map<String, Object> result = es.post("_ingest/pipeline/_simulate", Map.of(
            "pipeline", Map.of("processors", List.of(Map.of("image_descriptor", processor))),
            "docs", List.of(Map.of("_source", Map.of("image", Base64.getEncoder().encodeToString(Files.readAllBytes(image)))))));
        Map<?, ?> doc = (Map<?, ?>) ((List<?>) result.get("docs")).get(0);
        if (doc.get("error") != null) {
            throw new IllegalStateException(modelOptions + " cannot describe " + image + ": " + doc.get("error"));
        }
        return ((List<?>) ((Map<?, ?>) ((Map<?, ?>) doc.get("doc")).get("_source")).get("v")).size();
    }
}
