package org.instanceretrieval.es.eval;

import org.elasticsearch.common.Strings;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The mappings of the data stream {@value EvalRuns#DATA_STREAM}: every field that a run of any
 * protocol writes is mapped explicitly, so that a data view (Kibana) sees each metric with its
 * type before the first run of that protocol, and no type is a dynamic guess.
 * <ul>
 *   <li>run keys (all documents): {@code @timestamp} date; {@code doc_type}, {@code run_id},
 *       {@code name}, {@code index}, {@code ground_truth}, {@code protocol}, {@code engine}
 *       keyword; {@code configuration} flattened (the request body);</li>
 *   <li>summary ({@code doc_type: run}): {@code overall.<metric>} with the metrics of
 *       {@link #OVERALL_METRICS} (mAP of the AP protocols, {@code mAP@100} of GLDv2, {@code N-S score}
 *       of UKBench) double, {@code overall.queries} long; {@code subsets.<subset>.<metric>} for the
 *       revisited difficulties and the GPR1200 domains ({@link #SUBSETS}); {@code documents.collection},
 *       {@code .queries}, {@code .depth}, {@code .missing_count} long, {@code documents.missing}
 *       keyword; {@code took_ms} long;</li>
 *   <li>per query ({@code doc_type: query}): {@code query}, {@code subset} keyword; {@code ap},
 *       {@code score}, {@code ap_easy}, {@code ap_hard}, {@code p_<k>} double.</li>
 * </ul>
 * mP@k for cut-offs other than revisitop's 1, 5 and 10 ({@code ks} of the request) are mapped
 * double by the dynamic templates {@code mean_precision_at_k} ({@code *.mP@*}) and
 * {@code query_precision_at_k} ({@code p_*}); other numbers are double, as in version 1.
 */
final class EvalRunsMapping {

    /** The means a summary's {@code overall} may hold, besides {@code queries}. */
    static final List<String> OVERALL_METRICS = List.of("mAP", "mAP@100", "N-S score", "mP@1", "mP@5", "mP@10");
    /** The means of a subset, besides {@code queries} (revisited and GPR1200 are AP protocols). */
    static final List<String> SUBSET_METRICS = List.of("mAP", "mP@1", "mP@5", "mP@10");
    /** Revisited difficulties, then the GPR1200 domains. */
    static final List<String> SUBSETS = List.of("easy", "medium", "hard", "landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces");
    private static final List<String> KEYWORDS = List.of("doc_type", "run_id", "name", "index", "ground_truth", "protocol", "engine",
        "query", "subset");
    private static final List<String> QUERY_VALUES = List.of("ap", "score", "ap_easy", "ap_hard", "p_1", "p_5", "p_10");

    private EvalRunsMapping() {}

    /** The mappings as JSON. */
    static String json() {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            b.startObject().field("dynamic", true);
            b.startArray("dynamic_templates");
            dynamicTemplate(b, "mean_precision_at_k", "path_match", "*.mP@*");
            dynamicTemplate(b, "query_precision_at_k", "match", "p_*");
            b.startObject().startObject("numbers").field("match_mapping_type", "double");
            b.startObject("mapping").field("type", "double").endObject().endObject().endObject();
            b.startObject().startObject("longs").field("match_mapping_type", "long");
            b.startObject("mapping").field("type", "double").endObject().endObject().endObject();
            b.endArray();
            b.startObject("properties");
            type(b, "@timestamp", "date");
            for (String keyword : KEYWORDS) {
                type(b, keyword, "keyword");
            }
            type(b, "configuration", "flattened");
            type(b, "took_ms", "long");
            b.startObject("overall").startObject("properties");
            means(b, OVERALL_METRICS);
            b.endObject().endObject();
            b.startObject("subsets").startObject("properties");
            for (String subset : SUBSETS) {
                b.startObject(subset).startObject("properties");
                means(b, SUBSET_METRICS);
                b.endObject().endObject();
            }
            b.endObject().endObject();
            b.startObject("documents").startObject("properties");
            for (String count : List.of("collection", "queries", "depth", "missing_count")) {
                type(b, count, "long");
            }
            type(b, "missing", "keyword");
            b.endObject().endObject();
            for (String value : QUERY_VALUES) {
                type(b, value, "double");
            }
            b.endObject().endObject();
            return Strings.toString(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void means(XContentBuilder b, List<String> metrics) throws IOException {
        for (String metric : metrics) {
            type(b, metric, "double");
        }
        type(b, "queries", "long");
    }

    private static void type(XContentBuilder b, String field, String type) throws IOException {
        b.startObject(field).field("type", type).endObject();
    }

    private static void dynamicTemplate(XContentBuilder b, String name, String key, String pattern) throws IOException {
        b.startObject().startObject(name).field(key, pattern);
        b.startObject("mapping").field("type", "double").endObject().endObject().endObject();
    }
}
