package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetSize;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The demo end to end at size tiny against the real node the build started (the built-in
 * model, whitening, DBA, diffusion, the ground-truth store and {@code _retrieval_eval}), and
 * the directions of table 1 that the generated dataset is tuned for: query expansion and
 * diffusion raise mAP over the global descriptor, also on top of DBA.
 */
public class DemoIT {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void tinyDemoShowsExpansionAndDiffusionRaisingMap() throws Exception {
        String cluster = System.getProperty("tests.rest.cluster", "127.0.0.1:9200");
        DemoOptions options = new DemoOptions("http://" + cluster, DatasetSize.TINY, 42, null, null, null, null,
            temp.getRoot().toPath(), true);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoMain.Result result = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        Map<String, Map<String, Object>> table = result.evaluations();
        assertEquals(Table1Config.ALL.stream().map(Table1Config::name).toList(), List.copyOf(table.keySet()));
        double g = DemoMain.mAP(table.get("G"));
        String where = String.format(Locale.ROOT, "%n%s", DemoMain.table(table));
        assertTrue("G itself retrieves" + where, g > 0.3);
        assertTrue("AQE raises mAP" + where, DemoMain.mAP(table.get("G+AQE")) > g + 0.01);
        assertTrue("diffusion raises mAP" + where, DemoMain.mAP(table.get("G+DFS")) > g + 0.01);
        assertTrue("DBA+AQE raises mAP over DBA" + where, DemoMain.mAP(table.get("G+DBA+AQE")) > DemoMain.mAP(table.get("G+DBA")));
        assertTrue("DBA+DFS raises mAP over DBA" + where, DemoMain.mAP(table.get("G+DBA+DFS")) > DemoMain.mAP(table.get("G+DBA")));
        assertTrue("all together beat G" + where, DemoMain.mAP(table.get("G+DBA+AQE+DFS")) > g + 0.01);
        for (Map<String, Object> run : table.values()) {
            assertEquals(DatasetSize.TINY.objects(), ((List<?>) run.get("queries")).size());
        }
        // The printed table is the one returned, and the report holds it and the top 10s.
        assertTrue(output, output.contains(DemoMain.table(table)));
        String html = Files.readString(result.report());
        assertTrue(html.contains("id=\"configurations\""));
        assertTrue(html.contains("G+DBA+AQE+DFS"));
        assertTrue(html.contains("class=\"correct\""));
        assertTrue(Files.exists(temp.getRoot().toPath().resolve("dataset/ground-truth.json")));
    }
}
