package org.instanceretrieval.es.eval;

import org.elasticsearch.client.RestClient;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.junit.After;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The documents that recorded runs of every protocol write into {@code retrieval-eval-runs} have
 * every field mapped explicitly by the template the node holds (not by dynamic mapping), with
 * the type a dashboard needs: the expected type of each field is decided here from the value
 * written (text: keyword, counts: long, other numbers: double); and a cluster holding the older
 * template (version 1) gets it replaced, the data stream rolled over, on the next recorded run.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 1, supportsDedicatedMasters = false)
public class EvalRunsMappingIT extends RetrievalIntegTestCase {

    private static final int DIMS = 4;
    /** Counts: the number of queries of a mean, of documents, the duration. Every other number is a metric (double). */
    private static final Set<String> COUNTS = Set.of("took_ms", "documents.collection", "documents.queries", "documents.depth",
        "documents.missing_count");

    private final String suffix = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);

    /** Removes the runs data stream (test clusters lack the data-streams module that deletes them). */
    @After
    public void deleteRunsDataStream() throws Exception {
        RunsDataStream.delete(internalCluster().getCurrentMasterNodeInstance(ClusterService.class));
    }

    /** 16 documents in 4 classes of 4; the query lists: the first 4 documents, each with 2 easy and 1 hard positive of its class. */
    private void setUp(RestClient client) throws IOException {
        Random random = new Random(random().nextLong());
        call(client, "PUT", "/mcoll", "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0}, \"mappings\": {\"properties\":"
            + " {\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\"}}}}");
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            float[] v = new float[DIMS];
            double norm = 0;
            for (int d = 0; d < DIMS; d++) {
                v[d] = (float) random.nextGaussian() + (d == i / 4 ? 3f : 0f);
                norm += v[d] * v[d];
            }
            bulk.append("{\"index\": {\"_id\": \"d").append(i).append("\"}}\n{\"v\": [");
            for (int d = 0; d < DIMS; d++) {
                bulk.append(d == 0 ? "" : ",").append(v[d] / (float) Math.sqrt(norm));
            }
            bulk.append("]}\n");
        }
        assertEquals(Boolean.FALSE, call(client, "POST", "/mcoll/_bulk?refresh=true", bulk.toString()).get("errors"));
        StringBuilder lists = new StringBuilder("{\"format\": \"json\", \"data\": {\"protocol\": \"revisited\", \"queries\": [");
        for (int q = 0; q < 4; q++) {
            int c = q * 4;
            lists.append(q == 0 ? "" : ",").append("{\"name\": \"d").append(c).append("\", \"easy\": [\"d").append(c + 1).append("\", \"d")
                .append(c + 2).append("\"], \"hard\": [\"d").append(c + 3).append("\"]}");
        }
        call(client, "PUT", "/_retrieval/ground_truth/lists-" + suffix, lists.append("]}}").toString());
        StringBuilder classes = new StringBuilder("{\"format\": \"json\", \"data\": {\"protocol\": \"ukbench\", \"classes\": {");
        for (int i = 0; i < 16; i++) {
            classes.append(i == 0 ? "" : ",").append("\"d").append(i).append("\": \"c").append(i / 4).append('"');
        }
        call(client, "PUT", "/_retrieval/ground_truth/classes-" + suffix, classes.append("}}}").toString());
    }

    private static Map<String, Object> record(RestClient client, String groundTruth, String protocol) throws IOException {
        return call(client, "POST", "/mcoll/_retrieval_eval", "{\"ground_truth\": \"" + groundTruth + "\", \"field\": \"v\", \"protocol\": \""
            + protocol + "\", \"engine\": \"exact\", \"name\": \"mapping-" + protocol + "\", \"record\": true}");
    }

    /** Leaf fields of a document with the type this test expects for the value written; {@code configuration} (flattened) is skipped. */
    @SuppressWarnings("unchecked")
    private static void expectedTypes(Map<String, Object> source, String prefix, Map<String, String> out) {
        for (Map.Entry<String, Object> e : source.entrySet()) {
            String path = prefix + e.getKey();
            Object value = e.getValue() instanceof List<?> list && list.isEmpty() == false ? list.get(0) : e.getValue();
            if (path.equals("configuration") || value == null || value instanceof List<?>) {
                continue;
            }
            if (value instanceof Map<?, ?> map) {
                expectedTypes((Map<String, Object>) map, path + ".", out);
            } else if (path.equals("@timestamp")) {
                out.put(path, "date");
            } else if (value instanceof String) {
                out.put(path, "keyword");
            } else {
                out.put(path, COUNTS.contains(path) || path.endsWith(".queries") ? "long" : "double");
            }
        }
    }

    /** Leaf fields of a mapping's properties with their types. */
    @SuppressWarnings("unchecked")
    private static void mapped(Map<String, Object> properties, String prefix, Map<String, String> out) {
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            Map<String, Object> def = (Map<String, Object>) e.getValue();
            if (def.get("properties") != null) {
                mapped((Map<String, Object>) def.get("properties"), prefix + e.getKey() + ".", out);
            } else {
                out.put(prefix + e.getKey(), (String) def.get("type"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> runDocuments(RestClient client) throws IOException {
        Map<String, Object> hits = (Map<String, Object>) call(client, "GET", "/" + EvalRuns.DATA_STREAM + "/_search?size=1000", null).get("hits");
        return (List<Map<String, Object>>) hits.get("hits");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> templateProperties(RestClient client) throws IOException {
        Map<String, Object> got = call(client, "GET", "/_index_template/" + EvalRuns.TEMPLATE, null);
        Map<String, Object> template = (Map<String, Object>) ((List<Map<String, Object>>) got.get("index_templates")).get(0).get("index_template");
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) template.get("template")).get("mappings")).get("properties");
    }

    @SuppressWarnings("unchecked")
    public void testEveryFieldEveryProtocolWritesIsMappedExplicitly() throws Exception {
        try (RestClient client = clientOf(internalCluster().getNodeNames()[0])) {
            setUp(client);
            Map<String, Set<String>> distinctive = new LinkedHashMap<>();
            for (String protocol : List.of("revisited", "oxford_paris", "instre", "holidays", "gldv2")) {
                Map<String, Object> run = record(client, "lists-" + suffix, protocol);
                distinctive.put(protocol, new TreeSet<>(((Map<String, Object>) run.get("overall")).keySet()));
            }
            for (String protocol : List.of("gpr1200", "ukbench")) {
                Map<String, Object> run = record(client, "classes-" + suffix, protocol);
                distinctive.put(protocol, new TreeSet<>(((Map<String, Object>) run.get("overall")).keySet()));
            }
            // what the protocols write, as docs/api.md describes it
            assertEquals(Set.of("mAP", "mP@1", "mP@5", "mP@10", "queries"), distinctive.get("revisited"));
            assertEquals(Set.of("mAP@100", "queries"), distinctive.get("gldv2"));
            assertEquals(Set.of("N-S score", "queries"), distinctive.get("ukbench"));

            Map<String, String> template = new TreeMap<>();
            mapped(templateProperties(client), "", template);
            Map<String, String> expected = new TreeMap<>();
            Set<String> docTypes = new HashSet<>();
            Set<String> backingIndices = new HashSet<>();
            for (Map<String, Object> hit : runDocuments(client)) {
                Map<String, Object> source = (Map<String, Object>) hit.get("_source");
                docTypes.add((String) source.get("doc_type"));
                backingIndices.add((String) hit.get("_index"));
                expectedTypes(source, "", expected);
            }
            assertEquals(Set.of("run_started", "run", "query"), docTypes);
            for (String field : List.of("overall.mAP", "overall.mAP@100", "overall.N-S score", "overall.mP@10", "subsets.hard.mAP",
                "ap", "score", "ap_easy", "ap_hard", "p_10", "documents.missing_count", "took_ms")) {
                assertTrue("no run wrote [" + field + "]: " + expected.keySet(), expected.containsKey(field));
            }
            List<String> problems = new ArrayList<>();
            expected.forEach((field, type) -> {
                if (type.equals(template.get(field)) == false) {
                    problems.add(field + ": written as " + type + ", template [" + template.get(field) + "]");
                }
            });
            assertEquals(String.join("\n", problems), List.of(), problems);

            assertEquals(1, backingIndices.size());
            String backing = backingIndices.iterator().next();
            Map<String, Object> mapping = (Map<String, Object>) ((Map<String, Object>) call(client, "GET", "/" + backing + "/_mapping", null)
                .get(backing)).get("mappings");
            Map<String, String> indexFields = new TreeMap<>();
            mapped((Map<String, Object>) mapping.get("properties"), "", indexFields);
            expected.forEach((field, type) -> assertEquals(field, type, indexFields.get(field)));
            // fields no run of this test wrote are mapped too, before any run writes them
            assertEquals("double", indexFields.get("subsets.faces.mAP"));
            assertEquals("long", indexFields.get("subsets.landmarks.queries"));
        }
    }

    /** A cluster upgraded from the version-1 template: the template is replaced and the next run lands in a new backing index. */
    @SuppressWarnings("unchecked")
    public void testAnOlderTemplateIsReplacedAndTheDataStreamRolledOver() throws Exception {
        try (RestClient client = clientOf(internalCluster().getNodeNames()[0])) {
            setUp(client);
            // the template of version 1, as the plugin put it before (numbers dynamic, as double)
            call(client, "PUT", "/_index_template/" + EvalRuns.TEMPLATE, "{\"index_patterns\": [\"retrieval-eval-runs*\"], \"priority\": 200,"
                + " \"version\": 1, \"data_stream\": {}, \"template\": {\"mappings\": {\"dynamic_templates\": [{\"numbers\": "
                + "{\"match_mapping_type\": \"long\", \"mapping\": {\"type\": \"double\"}}}], \"properties\": {\"@timestamp\": "
                + "{\"type\": \"date\"}, \"doc_type\": {\"type\": \"keyword\"}}}}}");
            call(client, "POST", "/" + EvalRuns.DATA_STREAM + "/_doc?refresh=true", "{\"@timestamp\": \"2026-01-01T00:00:00Z\","
                + " \"doc_type\": \"run\", \"overall\": {\"queries\": 3}}");
            Map<String, Object> before = call(client, "GET", "/" + EvalRuns.DATA_STREAM + "/_mapping", null);
            assertEquals(1, before.size());
            String old = before.keySet().iterator().next();

            Map<String, Object> run = record(client, "classes-" + suffix, "ukbench");
            Map<String, Object> got = call(client, "GET", "/_index_template/" + EvalRuns.TEMPLATE, null);
            assertEquals(2, ((Number) ((Map<String, Object>) ((List<Map<String, Object>>) got.get("index_templates")).get(0)
                .get("index_template")).get("version")).intValue());
            Map<String, Object> after = call(client, "GET", "/" + EvalRuns.DATA_STREAM + "/_mapping", null);
            assertEquals(after.keySet().toString(), 2, after.size());
            String newer = after.keySet().stream().filter(i -> i.equals(old) == false).findFirst().orElseThrow();
            Map<String, String> oldFields = new TreeMap<>();
            mapped((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) after.get(old)).get("mappings")).get("properties"), "",
                oldFields);
            assertEquals("double", oldFields.get("overall.queries"));
            Map<String, String> newFields = new TreeMap<>();
            mapped((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) after.get(newer)).get("mappings")).get("properties"),
                "", newFields);
            assertEquals("long", newFields.get("overall.queries"));
            assertEquals("double", newFields.get("overall.N-S score"));
            for (Map<String, Object> hit : runDocuments(client)) {
                if (run.get("run_id").equals(((Map<String, Object>) hit.get("_source")).get("run_id"))) {
                    assertEquals(newer, hit.get("_index"));
                }
            }
        }
    }
}
