package org.instanceretrieval.demo.report;

import org.instanceretrieval.demo.run.Collection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class HtmlReportTests {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static Map<String, Object> evaluation(double easy, double medium, double hard, double apQ1, double apQ2) {
        return Map.of(
            "overall", Map.of("mAP", medium),
            "subsets", Map.of("easy", Map.of("mAP", easy), "medium", Map.of("mAP", medium, "mP@10", 0.5), "hard", Map.of("mAP", hard)),
            "queries", List.of(Map.of("query", "q1", "ap", apQ1), Map.of("query", "q<2>", "ap", apQ2)));
    }

    @Test
    public void writesTheTablePerQueryApAndMarkedTopTen() throws Exception {
        Path images = temp.newFolder("images").toPath();
        for (String name : List.of("q1", "a", "b", "c", "d")) {
            Files.write(images.resolve(name + ".jpg"), new byte[] { (byte) name.hashCode() });
        }
        Map<String, Object> gt = Map.of("protocol", "revisited", "queries",
            List.of(Map.of("name", "q1", "easy", List.of("a"), "hard", List.of("b"), "junk", List.of("c"))));
        Collection collection = new Collection(
            Map.of("a", images.resolve("a.jpg"), "b", images.resolve("b.jpg"), "c", images.resolve("c.jpg"), "d", images.resolve("d.jpg")),
            Map.of("q1", images.resolve("q1.jpg")), Map.of(), gt);
        Map<String, Map<String, Object>> evaluations = new LinkedHashMap<>();
        evaluations.put("G", evaluation(0.9, 0.75, 0.5, 0.8, 0.7));
        evaluations.put("G+AQE", evaluation(0.95, 0.8125, 0.6, 1.0, 0.625));
        Map<String, Map<String, List<String>>> rankings = Map.of("q1", Map.of("G", List.of("d", "a", "c", "b")));

        Path report = new HtmlReport(temp.getRoot().toPath().resolve("report")).write("Demo <test>", evaluations, collection, rankings,
            List.of("a note", "setting: AQE n=10 (seed default)"));
        String html = Files.readString(report);

        assertTrue(html.contains("<title>Demo &lt;test&gt;</title>"));
        assertTrue(html.contains("<b>Note:</b> a note"));
        // Settings are listed with their provenance in their own section, not as notes.
        assertTrue(html, html.contains("<ul id=\"settings\">\n<li>AQE n=10 (seed default)</li>\n</ul>"));
        assertTrue(html, html.contains("Note:</b> setting:") == false);
        // Configuration rows: easy, medium, hard, mP@10 in percent.
        assertTrue(html, html.contains("<tr><td class=\"name\">G+AQE</td><td>95.00</td><td>81.25</td><td>60.00</td><td>50.00</td></tr>"));
        // Per-query AP: one row per query, one column per configuration; names escaped.
        assertTrue(html, html.contains("<tr><td class=\"name\">q&lt;2&gt;</td><td>70.00</td><td>62.50</td></tr>"));
        // Top 10 in rank order with the ground truth's judgement: d wrong, a correct (easy), c junk, b correct (hard).
        Matcher marks = Pattern.compile("<img class=\"(\\w+)\" src=\"thumbs/(\\w+)\\.jpg\"").matcher(html);
        StringBuilder seen = new StringBuilder();
        while (marks.find()) {
            seen.append(marks.group(2)).append('=').append(marks.group(1)).append(' ');
        }
        assertEquals("q1=query d=wrong a=correct c=junk b=correct ", seen.toString());
        for (String name : List.of("q1", "a", "b", "c", "d")) {
            assertTrue(name, Files.exists(report.getParent().resolve("thumbs/" + name + ".jpg")));
        }
    }

    @Test
    public void classLabelsGiveOneMapColumnAndNoTopTen() throws Exception {
        Map<String, Map<String, Object>> evaluations = new LinkedHashMap<>();
        evaluations.put("G", Map.of("overall", Map.of("mAP", 0.4321), "subsets", Map.of(), "queries", List.of()));
        Collection collection = new Collection(Map.of(), Map.of(), Map.of(), Map.of("protocol", "gpr1200", "classes", Map.of()));
        Path report = new HtmlReport(temp.getRoot().toPath().resolve("r2")).write("t", evaluations, collection, Map.of(), List.of());
        String html = Files.readString(report);
        assertTrue(html, html.contains("<th>Configuration</th><th>mAP</th></tr>"));
        assertTrue(html, html.contains("<tr><td class=\"name\">G</td><td>43.21</td></tr>"));
        assertTrue(html.contains("Top 10") == false);
    }
}
