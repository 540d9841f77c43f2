package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetSize;
import org.junit.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class DemoOptionsTests {

    @Test
    public void defaultsAndOverrides() {
        DemoOptions defaults = DemoOptions.parse(new String[0]);
        assertEquals(DatasetSize.SMALL, defaults.size());
        assertEquals(42, defaults.seed());
        assertTrue(defaults.generated());
        DemoOptions user = DemoOptions.parse(new String[] { "--images", "pics", "--ground-truth", "gt.json", "--model", "m.onnx",
            "--es", "http://h:1", "--no-whitening" });
        assertEquals(Path.of("pics"), user.images());
        assertEquals("http://h:1", user.es());
        assertEquals(false, user.whitening());
        assertEquals(false, user.generated());
    }

    @Test
    public void badOptionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(new String[] { "--size", "huge" }))
            .getMessage().contains("unknown size [huge]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(new String[] { "--images", "x" }))
            .getMessage().contains("--images and --ground-truth go together"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(new String[] { "--bogus", "1" }))
            .getMessage().contains("unknown option --bogus"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(new String[] { "--seed" }))
            .getMessage().contains("needs a value"));
    }

    @Test
    public void tableShowsRevisitedSubsetsInPercent() {
        Map<String, Map<String, Object>> evaluations = new LinkedHashMap<>();
        evaluations.put("G", Map.of("overall", Map.of("mAP", 0.5), "subsets", Map.of(
            "easy", Map.of("mAP", 0.75), "medium", Map.of("mAP", 0.5, "mP@10", 0.4), "hard", Map.of("mAP", 0.125))));
        String table = DemoMain.table(evaluations);
        List<String> lines = table.lines().toList();
        assertEquals("Configuration        Easy   Medium     Hard  mP@10 (M)", lines.get(0));
        assertEquals("G                   75.00    50.00    12.50      40.00", lines.get(1));
    }

    @Test
    public void evalBodiesFollowTheRow() {
        Table1Config.Parameters p = new Table1Config.Parameters(48, 3, 3, 3, 0.99, 2, false);
        Map<String, Object> all = Table1Config.ALL.get(7).evalBody("gt", "qi", p);
        assertEquals("G+DBA+AQE+DFS", all.get("name"));
        assertEquals("descriptor_dba", all.get("field"));
        assertEquals(Map.of("exact", true, "expansion", Map.of("method", "aqe", "n", 3)), all.get("query"));
        assertEquals(Map.of("window_size", 48, "diffusion", Map.of("k", 3, "gamma", 3.0, "alpha", 0.99, "query_k", 2)), all.get("rescore"));
        assertEquals(Map.of("index", "qi", "field", "descriptor"), all.get("queries"));
        Map<String, Object> g = Table1Config.ALL.get(0).evalBody("gt", null, p);
        assertEquals(Map.of("exact", true), g.get("query"));
        assertTrue(g.containsKey("rescore") == false && g.containsKey("queries") == false);
        Map<String, Object> retriever = Table1Config.ALL.get(2).evalBody("gt", "qi", new Table1Config.Parameters(48, 3, 3, 3, 0.99, 2, true));
        assertEquals(Map.of("diffusion", Map.of("k", 3, "gamma", 3.0, "alpha", 0.99, "query_k", 2, "rank_window_size", 48)),
            retriever.get("retriever"));
    }
}
