package org.instanceretrieval.es.eval;

import org.instanceretrieval.eval.EvaluationMetrics;
import org.instanceretrieval.eval.EvaluationPlan;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kibana/retrieval-eval.ndjson, the saved objects for Kibana's {@code POST api/saved_objects/_import}:
 * one JSON object per line with {@code type}, {@code id}, {@code attributes} and {@code references};
 * every reference resolves to an object of the file; the dashboard's panels name references it
 * has; each Lens layer has its data-view reference; every field a chart reads is one the runs'
 * documents have (mapped by the template, or written by a revisited run's summary).
 */
public class KibanaObjectsTests extends ESTestCase {

    private static final Set<String> TYPES = Set.of("index-pattern", "lens", "dashboard");

    private static List<Map<String, Object>> objects() throws IOException {
        Path file = Paths.get(System.getProperty("user.dir")).getParent().resolve("kibana").resolve("retrieval-eval.ndjson");
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() == false) {
                out.add(XContentHelper.convertToMap(XContentType.JSON.xContent(), line, true));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public void testEveryReferenceResolvesWithinTheFile() throws IOException {
        List<Map<String, Object>> objects = objects();
        Map<String, String> typeOfId = new HashMap<>();
        for (Map<String, Object> o : objects) {
            assertTrue("unknown type " + o.get("type"), TYPES.contains(o.get("type")));
            assertNotNull(o.get("attributes"));
            assertNull("duplicate id " + o.get("id"), typeOfId.put((String) o.get("id"), (String) o.get("type")));
        }
        assertEquals("one data view, three charts, one dashboard", 5, objects.size());
        for (Map<String, Object> o : objects) {
            for (Map<String, Object> ref : (List<Map<String, Object>>) o.get("references")) {
                assertEquals(o.get("id") + " -> " + ref, ref.get("type"), typeOfId.get((String) ref.get("id")));
            }
        }
        Map<String, Object> dataView = objects.stream().filter(o -> o.get("type").equals("index-pattern")).findFirst().orElseThrow();
        Map<String, Object> attributes = (Map<String, Object>) dataView.get("attributes");
        assertEquals(EvalRuns.DATA_STREAM, attributes.get("title"));
        assertEquals("@timestamp", attributes.get("timeFieldName"));

        Map<String, Object> dashboard = objects.stream().filter(o -> o.get("type").equals("dashboard")).findFirst().orElseThrow();
        Set<String> refNames = new HashSet<>();
        ((List<Map<String, Object>>) dashboard.get("references")).forEach(r -> refNames.add((String) r.get("name")));
        String panelsJson = (String) ((Map<String, Object>) dashboard.get("attributes")).get("panelsJSON");
        List<Object> panels = XContentType.JSON.xContent()
            .createParser(org.elasticsearch.xcontent.XContentParserConfiguration.EMPTY, panelsJson).list();
        assertEquals(3, panels.size());
        for (Object panel : panels) {
            assertTrue(panel + " names no reference of the dashboard", refNames.contains(((Map<String, Object>) panel).get("panelRefName")));
        }
    }

    @SuppressWarnings("unchecked")
    public void testChartsReadFieldsTheRunsHave() throws IOException {
        Set<String> fields = new HashSet<>();
        Map<String, Object> mapping = XContentHelper.convertToMap(XContentType.JSON.xContent(), EvalRuns.MAPPINGS, true);
        fields.addAll(((Map<String, Object>) mapping.get("properties")).keySet());
        // the summary of a revisited run: overall.* and subsets.<difficulty>.*
        NamedGroundTruth gt = new NamedGroundTruth("revisited", null,
            List.of(new NamedGroundTruth.NamedQuery("q", List.of(), List.of("a"), List.of("b"), List.of(), null)), null);
        EvaluationPlan plan = EvaluationPlan.build(gt, "revisited", List.of("a", "b"), new int[] { 1 });
        EvaluationMetrics metrics = new EvaluationMetrics(plan);
        for (int v = 0; v < 3; v++) {
            metrics.record(v, 0, plan.positionsInRanking(v, 0, new int[] { 0, 1 }));
        }
        metrics.overall().keySet().forEach(k -> fields.add("overall." + k));
        metrics.subsets().forEach((name, values) -> ((Map<String, Object>) values).keySet().forEach(k -> fields.add("subsets." + name + "." + k)));
        fields.add("___records___");

        for (Map<String, Object> o : objects()) {
            if (o.get("type").equals("lens") == false) {
                continue;
            }
            Set<String> refNames = new HashSet<>();
            ((List<Map<String, Object>>) o.get("references")).forEach(r -> refNames.add((String) r.get("name")));
            Map<String, Object> state = (Map<String, Object>) ((Map<String, Object>) o.get("attributes")).get("state");
            Map<String, Object> layers = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) state.get("datasourceStates"))
                .get("formBased")).get("layers");
            Set<String> columnIds = new HashSet<>();
            for (Map.Entry<String, Object> layer : layers.entrySet()) {
                assertTrue(o.get("id") + " lacks the data view reference of layer " + layer.getKey(),
                    refNames.contains("indexpattern-datasource-layer-" + layer.getKey()));
                Map<String, Object> columns = (Map<String, Object>) ((Map<String, Object>) layer.getValue()).get("columns");
                for (Map.Entry<String, Object> column : columns.entrySet()) {
                    columnIds.add(column.getKey());
                    String field = (String) ((Map<String, Object>) column.getValue()).get("sourceField");
                    assertTrue(o.get("id") + " reads [" + field + "], which run documents do not have: " + fields, fields.contains(field));
                }
                assertEquals(columns.keySet(), new HashSet<>((List<String>) ((Map<String, Object>) layer.getValue()).get("columnOrder")));
            }
            for (Map<String, Object> layer : (List<Map<String, Object>>) ((Map<String, Object>) state.get("visualization")).get("layers")) {
                assertTrue(columnIds.contains(layer.get("xAccessor")));
                for (String accessor : (List<String>) layer.get("accessors")) {
                    assertTrue(o.get("id") + " accessor " + accessor, columnIds.contains(accessor));
                }
            }
        }
    }
}
