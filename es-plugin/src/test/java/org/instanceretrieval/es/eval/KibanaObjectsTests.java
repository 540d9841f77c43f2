package org.instanceretrieval.es.eval;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kibana/retrieval-eval.ndjson, the saved objects for Kibana's {@code POST api/saved_objects/_import},
 * against the runs' index template ({@link EvalRuns#MAPPINGS}):
 * <ul>
 *   <li>one JSON object per line; every reference resolves to an object of the file; the dashboard's
 *       panels and controls name references it has;</li>
 *   <li>every field a panel, a control or the saved search reads (Lens columns' {@code sourceField},
 *       multi-terms' {@code secondaryFields}, {@code last_value}'s sort field, the fields of the layers'
 *       KQL queries, control {@code fieldName}s, the saved search's columns, sort and query, the fields
 *       of the Vega visualization's Elasticsearch query) is mapped explicitly by the template with the
 *       type that use needs: number for averages, maxima, last values and histograms, keyword for
 *       terms, breakdowns, controls and KQL term filters, date for date histograms and sort fields;</li>
 *   <li>every chart that groups by {@code name} also groups by (or its query fixes) {@code ground_truth},
 *       {@code protocol} and {@code engine}, and no chart averages run summaries ({@code overall.*},
 *       {@code subsets.*}) across runs;</li>
 *   <li>the dashboard has options-list controls on ground truth, protocol and engine.</li>
 * </ul>
 */
public class KibanaObjectsTests extends ESTestCase {

    private static final Set<String> TYPES = Set.of("index-pattern", "lens", "dashboard", "search", "visualization");
    private static final Set<String> NUMBER_TYPES = Set.of("double", "float", "half_float", "scaled_float", "long", "integer", "short",
        "byte", "unsigned_long");
    /** Lens operations on a field and the type they need (max/min also take dates). */
    private static final Map<String, String> LENS_OPERATION_NEEDS = Map.of("average", "number", "sum", "number", "median", "number",
        "last_value", "number", "range", "number", "terms", "keyword", "date_histogram", "date", "max", "number or date", "min",
        "number or date", "unique_count", "keyword");
    /** {@code field : "value"} or {@code field : *} in KQL (field names without spaces). */
    private static final Pattern KQL_FIELD = Pattern.compile("([A-Za-z_@][A-Za-z0-9_.@]*)\\s*:\\s*(\"[^\"]*\"|\\*)");

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

    private static Map<String, Object> json(String text) {
        return XContentHelper.convertToMap(XContentType.JSON.xContent(), text, true);
    }

    private static List<Object> jsonList(String text) throws IOException {
        try (var parser = XContentType.JSON.xContent().createParser(XContentParserConfiguration.EMPTY, text)) {
            return parser.list();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object map, String... keys) {
        Object o = map;
        for (String key : keys) {
            o = o == null ? null : ((Map<String, Object>) o).get(key);
        }
        return (T) o;
    }

    /** The template's explicitly mapped leaf fields, by full path, with their types. */
    static Map<String, String> templateFields(String mappings) {
        Map<String, String> out = new TreeMap<>();
        collect(at(json(mappings), "properties"), "", out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Map<String, Object> properties, String prefix, Map<String, String> out) {
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            Map<String, Object> def = (Map<String, Object>) e.getValue();
            if (def.containsKey("properties")) {
                collect((Map<String, Object>) def.get("properties"), prefix + e.getKey() + ".", out);
            } else {
                out.put(prefix + e.getKey(), (String) def.get("type"));
            }
        }
    }

    /** One use of a field by an object of the file: what the use needs. */
    record Use(String object, String field, String needs) {}

    /** Every field the file's objects read. */
    @SuppressWarnings("unchecked")
    static List<Use> uses(List<Map<String, Object>> objects) throws IOException {
        List<Use> uses = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            String id = (String) o.get("id");
            switch ((String) o.get("type")) {
                case "lens" -> {
                    Map<String, Object> state = at(o, "attributes", "state");
                    kql(id, at(state, "query", "query"), uses);
                    for (Object layer : ((Map<String, Object>) at(state, "datasourceStates", "formBased", "layers")).values()) {
                        for (Object c : ((Map<String, Object>) at(layer, "columns")).values()) {
                            Map<String, Object> column = (Map<String, Object>) c;
                            String op = (String) column.get("operationType");
                            String field = (String) column.get("sourceField");
                            if ("count".equals(op)) {
                                continue;
                            }
                            assertNotNull(id + ": operation [" + op + "] is not checked by this test", LENS_OPERATION_NEEDS.get(op));
                            uses.add(new Use(id, field, LENS_OPERATION_NEEDS.get(op)));
                            List<String> secondary = at(column, "params", "secondaryFields");
                            if (secondary != null) {
                                secondary.forEach(f -> uses.add(new Use(id, f, "keyword")));
                            }
                            String sortField = at(column, "params", "sortField");
                            if (sortField != null) {
                                uses.add(new Use(id, sortField, "date"));
                            }
                            Map<String, Object> filter = (Map<String, Object>) column.get("filter");
                            if (filter != null) {
                                kql(id, (String) filter.get("query"), uses);
                            }
                        }
                    }
                }
                case "search" -> {
                    for (String column : (List<String>) at(o, "attributes", "columns")) {
                        uses.add(new Use(id, column, "any"));
                    }
                    for (List<String> sort : (List<List<String>>) at(o, "attributes", "sort")) {
                        uses.add(new Use(id, sort.get(0), "number or date"));
                    }
                    kql(id, at(json(at(o, "attributes", "kibanaSavedObjectMeta", "searchSourceJSON")), "query", "query"), uses);
                }
                case "visualization" -> {
                    Map<String, Object> visState = json(at(o, "attributes", "visState"));
                    assertEquals(id, "vega", visState.get("type"));
                    Map<String, Object> spec = json(at(visState, "params", "spec"));
                    assertEquals(id + " queries another index", EvalRuns.DATA_STREAM, at(spec, "data", "url", "index"));
                    esQuery(id, at(spec, "data", "url", "body"), null, uses);
                }
                case "dashboard" -> {
                    String controlsJson = at(o, "attributes", "controlGroupInput", "panelsJSON");
                    for (Object control : controlsJson == null ? List.of() : json(controlsJson).values()) {
                        assertEquals("optionsListControl", at(control, "type"));
                        uses.add(new Use(id, at(control, "explicitInput", "fieldName"), "keyword"));
                    }
                }
                default -> {}
            }
        }
        return uses;
    }

    private static void kql(String id, String query, List<Use> uses) {
        if (query == null) {
            return;
        }
        Matcher m = KQL_FIELD.matcher(query);
        while (m.find()) {
            uses.add(new Use(id, m.group(1), m.group(2).equals("*") ? "any" : "keyword"));
        }
    }

    /** Fields of an Elasticsearch query body: terms/term keyword, avg number, max/min number or date, range any. */
    @SuppressWarnings("unchecked")
    private static void esQuery(String id, Object node, String parentKey, List<Use> uses) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                String key = e.getKey();
                if ("field".equals(key) && e.getValue() instanceof String field) {
                    String needs = switch (parentKey) {
                        case "terms" -> "keyword";
                        case "avg", "sum" -> "number";
                        case "max", "min" -> "number or date";
                        default -> throw new AssertionError(id + ": [" + parentKey + "] on [" + field + "] is not checked by this test");
                    };
                    uses.add(new Use(id, field, needs));
                } else if ("term".equals(key)) {
                    ((Map<String, Object>) e.getValue()).keySet().forEach(f -> uses.add(new Use(id, f, "keyword")));
                } else if ("range".equals(key)) {
                    ((Map<String, Object>) e.getValue()).keySet().forEach(f -> uses.add(new Use(id, f, "date")));
                } else {
                    esQuery(id, e.getValue(), key, uses);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> esQuery(id, item, parentKey, uses));
        }
    }

    private static boolean fits(String mappedType, String needs) {
        return switch (needs) {
            case "any" -> true;
            case "number" -> NUMBER_TYPES.contains(mappedType);
            case "number or date" -> NUMBER_TYPES.contains(mappedType) || "date".equals(mappedType);
            default -> needs.equals(mappedType);
        };
    }

    /** What {@link #testEveryFieldReadIsMappedWithTheTypeItsUseNeeds} finds wrong, empty when nothing. */
    static List<String> mappingProblems(List<Map<String, Object>> objects, String mappings) throws IOException {
        Map<String, String> mapped = templateFields(mappings);
        List<String> problems = new ArrayList<>();
        for (Use use : uses(objects)) {
            String type = mapped.get(use.field());
            if (type == null) {
                problems.add(use.object() + " reads [" + use.field() + "], which the template does not map");
            } else if (fits(type, use.needs()) == false) {
                problems.add(use.object() + " needs [" + use.field() + "] as " + use.needs() + ", the template maps it as " + type);
            }
        }
        return problems;
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
        for (Map<String, Object> o : objects) {
            for (Map<String, Object> ref : (List<Map<String, Object>>) o.get("references")) {
                assertEquals(o.get("id") + " -> " + ref, ref.get("type"), typeOfId.get((String) ref.get("id")));
            }
        }
        Map<String, Object> dataView = objects.stream().filter(o -> o.get("type").equals("index-pattern")).findFirst().orElseThrow();
        assertEquals(EvalRuns.DATA_STREAM, at(dataView, "attributes", "title"));
        assertEquals("@timestamp", at(dataView, "attributes", "timeFieldName"));

        Map<String, Object> dashboard = objects.stream().filter(o -> o.get("type").equals("dashboard")).findFirst().orElseThrow();
        Map<String, Map<String, Object>> refs = new HashMap<>();
        ((List<Map<String, Object>>) dashboard.get("references")).forEach(r -> refs.put((String) r.get("name"), r));
        Set<String> shown = new HashSet<>();
        for (Object p : jsonList(at(dashboard, "attributes", "panelsJSON"))) {
            Map<String, Object> panel = (Map<String, Object>) p;
            // Kibana 8.x exports a panel's reference as "<panelIndex>:<panelRefName>" (and still reads the bare name)
            Map<String, Object> ref = refs.getOrDefault(panel.get("panelIndex") + ":" + panel.get("panelRefName"),
                refs.get((String) panel.get("panelRefName")));
            assertNotNull(panel + " names no reference of the dashboard", ref);
            assertEquals(panel.toString(), ref.get("type"), panel.get("type"));
            shown.add((String) ref.get("id"));
        }
        Set<String> panelObjects = new HashSet<>();
        objects.stream().filter(o -> Set.of("lens", "search", "visualization").contains(o.get("type")))
            .forEach(o -> panelObjects.add((String) o.get("id")));
        assertEquals("every chart is on the dashboard", panelObjects, shown);
        for (String controlId : json(at(dashboard, "attributes", "controlGroupInput", "panelsJSON")).keySet()) {
            Map<String, Object> ref = refs.get("controlGroup_" + controlId + ":optionsListDataView");
            assertNotNull("control " + controlId + " has no data view reference", ref);
            assertEquals(dataView.get("id"), ref.get("id"));
        }
        for (Map<String, Object> o : objects) {
            if (o.get("type").equals("lens")) {
                Set<String> refNames = new HashSet<>();
                ((List<Map<String, Object>>) o.get("references")).forEach(r -> refNames.add((String) r.get("name")));
                Map<String, Object> state = at(o, "attributes", "state");
                Map<String, Object> layers = at(state, "datasourceStates", "formBased", "layers");
                Set<String> columnIds = new HashSet<>();
                for (Map.Entry<String, Object> layer : layers.entrySet()) {
                    assertTrue(o.get("id") + " lacks the data view reference of layer " + layer.getKey(),
                        refNames.contains("indexpattern-datasource-layer-" + layer.getKey()));
                    Map<String, Object> columns = at(layer.getValue(), "columns");
                    columnIds.addAll(columns.keySet());
                    assertEquals(columns.keySet(), new HashSet<>((List<String>) at(layer.getValue(), "columnOrder")));
                }
                Map<String, Object> vis = at(state, "visualization");
                List<String> accessors = new ArrayList<>();
                if (vis.get("layers") != null) {
                    for (Map<String, Object> layer : (List<Map<String, Object>>) vis.get("layers")) {
                        accessors.add((String) layer.get("xAccessor"));
                        accessors.addAll((List<String>) layer.get("accessors"));
                        if (layer.get("splitAccessor") != null) {
                            accessors.add((String) layer.get("splitAccessor"));
                        }
                    }
                } else {
                    ((List<Map<String, Object>>) vis.get("columns")).forEach(c -> accessors.add((String) c.get("columnId")));
                }
                assertEquals(o.get("id") + " shows every column it computes", columnIds, new HashSet<>(accessors));
            }
        }
    }

    public void testEveryFieldReadIsMappedWithTheTypeItsUseNeeds() throws IOException {
        List<String> problems = mappingProblems(objects(), EvalRuns.MAPPINGS);
        assertEquals(String.join("\n", problems), List.of(), problems);
    }

    /** The metric fields each protocol writes (docs/api.md, "POST {index}/_retrieval_eval"), by hand. */
    public void testTheTemplateMapsTheMetricsOfEveryProtocol() {
        Map<String, String> mapped = templateFields(EvalRuns.MAPPINGS);
        Map<String, String> expected = new LinkedHashMap<>();
        for (String mean : List.of("mAP", "mAP@100", "N-S score", "mP@1", "mP@5", "mP@10")) {
            expected.put("overall." + mean, "double");
        }
        expected.put("overall.queries", "long");
        for (String subset : List.of("easy", "medium", "hard", "landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces")) {
            for (String mean : List.of("mAP", "mP@1", "mP@5", "mP@10")) {
                expected.put("subsets." + subset + "." + mean, "double");
            }
            expected.put("subsets." + subset + ".queries", "long");
        }
        for (String perQuery : List.of("ap", "score", "ap_easy", "ap_hard", "p_1", "p_5", "p_10")) {
            expected.put(perQuery, "double");
        }
        for (String keyword : List.of("doc_type", "run_id", "name", "index", "ground_truth", "protocol", "engine", "query", "subset",
            "documents.missing")) {
            expected.put(keyword, "keyword");
        }
        for (String count : List.of("took_ms", "documents.collection", "documents.queries", "documents.depth", "documents.missing_count")) {
            expected.put(count, "long");
        }
        expected.put("@timestamp", "date");
        expected.put("configuration", "flattened");
        expected.forEach((field, type) -> assertEquals(field, type, mapped.get(field)));
        assertEquals(new TreeMap<>(expected), mapped);
    }

    @SuppressWarnings("unchecked")
    public void testChartsSeparateConfigurationsAndDoNotAverageRuns() throws IOException {
        for (Map<String, Object> o : objects()) {
            if (o.get("type").equals("lens") == false) {
                continue;
            }
            Map<String, Object> state = at(o, "attributes", "state");
            Set<String> grouped = new HashSet<>();
            String query = at(state, "query", "query");
            Matcher fixed = KQL_FIELD.matcher(query == null ? "" : query);
            while (fixed.find()) {
                grouped.add(fixed.group(1));
            }
            boolean byName = false;
            for (Object layer : ((Map<String, Object>) at(state, "datasourceStates", "formBased", "layers")).values()) {
                for (Object c : ((Map<String, Object>) at(layer, "columns")).values()) {
                    Map<String, Object> column = (Map<String, Object>) c;
                    String field = (String) column.get("sourceField");
                    if ("terms".equals(column.get("operationType"))) {
                        byName |= "name".equals(field);
                        grouped.add(field);
                        List<String> secondary = at(column, "params", "secondaryFields");
                        if (secondary != null) {
                            grouped.addAll(secondary);
                        }
                    }
                    if (field != null && (field.startsWith("overall.") || field.startsWith("subsets."))) {
                        assertNotEquals(o.get("id") + " averages [" + field + "] over runs", "average", column.get("operationType"));
                    }
                }
            }
            if (byName) {
                assertTrue(o.get("id") + " groups by name but not by ground_truth, protocol and engine: " + grouped,
                    grouped.containsAll(List.of("ground_truth", "protocol", "engine")));
            }
        }
        Map<String, Object> dashboard = objects().stream().filter(o -> o.get("type").equals("dashboard")).findFirst().orElseThrow();
        Set<String> controlled = new HashSet<>();
        for (Object control : json(at(dashboard, "attributes", "controlGroupInput", "panelsJSON")).values()) {
            controlled.add(at(control, "explicitInput", "fieldName"));
        }
        assertTrue(controlled.toString(), controlled.containsAll(List.of("ground_truth", "protocol", "engine")));
    }

    /** The checker itself: a chart reading an unmapped field, or a mapped one with the wrong type, is reported. */
    public void testTheCheckerReportsUnmappedAndMistypedFields() throws IOException {
        String mappings = "{\"properties\": {\"@timestamp\": {\"type\": \"date\"}, \"name\": {\"type\": \"keyword\"},"
            + " \"overall\": {\"properties\": {\"mAP\": {\"type\": \"keyword\"}}}}}";
        Map<String, Object> column = new LinkedHashMap<>();
        column.put("operationType", "average");
        column.put("sourceField", "overall.mAP");
        Map<String, Object> missing = new LinkedHashMap<>();
        missing.put("operationType", "terms");
        missing.put("sourceField", "name");
        missing.put("params", Map.of("secondaryFields", List.of("engine")));
        Map<String, Object> layer = Map.of("columns", Map.of("a", column, "b", missing));
        Map<String, Object> lens = Map.of("id", "x", "type", "lens", "attributes", Map.of("state", Map.of("query",
            Map.of("query", "doc_type : \"run\""), "datasourceStates", Map.of("formBased", Map.of("layers", Map.of("l1", layer))))));
        List<String> problems = mappingProblems(List.of(lens), mappings);
        assertEquals(problems.toString(), Set.of("x needs [overall.mAP] as number, the template maps it as keyword",
            "x reads [engine], which the template does not map", "x reads [doc_type], which the template does not map"),
            new HashSet<>(problems));
    }
}
