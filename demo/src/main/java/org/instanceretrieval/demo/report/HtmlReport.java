package org.instanceretrieval.demo.report;

import org.instanceretrieval.demo.run.Collection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.html} of a demo run into a directory: the settings and where each comes
 * from (the notes starting with {@value #SETTING}), the other notes, the table of configurations
 * (mAP; easy/medium/hard for the revisited protocol), the average precision of every query
 * under every configuration, and the top 10 of a few queries with each image marked correct,
 * junk or wrong. The images shown are copied to {@code thumbs/} beside it, so the report can
 * be moved or served as it is. Self-contained HTML, no script.
 */
public final class HtmlReport {

    /** How many queries get their top 10 shown. */
    public static final int SHOWN_QUERIES = 4;

    /** Notes starting with this are settings with their provenance, listed under "Settings and where they come from". */
    public static final String SETTING = "setting: ";

    private final Path directory;

    public HtmlReport(Path directory) {
        this.directory = directory;
    }

    /**
     * @param evaluations configuration name to {@code _retrieval_eval} response, in table order
     * @param rankings    query name to (configuration name to the top ids), for the shown queries
     * @return the report file
     */
    public Path write(String title, Map<String, Map<String, Object>> evaluations, Collection collection,
                      Map<String, Map<String, List<String>>> rankings, List<String> notes) throws IOException {
        Files.createDirectories(directory.resolve("thumbs"));
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.name{text-align:left}")
            .append(".correct{border:4px solid #2a2}.junk{border:4px solid #aaa}.wrong{border:4px solid #d22}")
            .append(".query{border:4px solid #26d}figure{display:inline-block;margin:2px;text-align:center;font-size:10px}")
            .append("img{width:120px;height:90px;object-fit:cover}</style></head><body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        List<String> settings = notes.stream().filter(n -> n.startsWith(SETTING)).toList();
        if (settings.isEmpty() == false) {
            html.append("<h2>Settings and where they come from</h2>\n<ul id=\"settings\">\n");
            settings.forEach(n -> html.append("<li>").append(escape(n.substring(SETTING.length()))).append("</li>\n"));
            html.append("</ul>\n");
        }
        for (String note : notes) {
            if (note.startsWith(SETTING) == false) {
                html.append("<p><b>Note:</b> ").append(escape(note)).append("</p>\n");
            }
        }
        configurationTable(html, evaluations);
        perQueryTable(html, evaluations);
        topTen(html, collection, rankings);
        html.append("</body></html>\n");
        Path file = directory.resolve("report.html");
        Files.writeString(file, html.toString());
        return file;
    }

    private static void configurationTable(StringBuilder html, Map<String, Map<String, Object>> evaluations) {
        html.append("<h2>Configurations</h2>\n<table id=\"configurations\"><tr><th>Configuration</th>");
        List<String> columns = new ArrayList<>();
        boolean revisited = evaluations.values().stream().anyMatch(e -> subset(e, "medium") != null);
        if (revisited) {
            columns.addAll(List.of("easy", "medium", "hard"));
            columns.forEach(c -> html.append("<th>mAP ").append(c).append("</th>"));
            html.append("<th>mP@10 medium</th>");
        } else {
            html.append("<th>mAP</th>");
        }
        html.append("</tr>\n");
        for (Map.Entry<String, Map<String, Object>> row : evaluations.entrySet()) {
            html.append("<tr><td class=\"name\">").append(escape(row.getKey())).append("</td>");
            if (revisited) {
                for (String c : columns) {
                    html.append("<td>").append(percent(subset(row.getValue(), c), "mAP")).append("</td>");
                }
                html.append("<td>").append(percent(subset(row.getValue(), "medium"), "mP@10")).append("</td>");
            } else {
                html.append("<td>").append(percent(asMap(row.getValue().get("overall")), "mAP")).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void perQueryTable(StringBuilder html, Map<String, Map<String, Object>> evaluations) {
        Map<String, Map<String, Object>> byQuery = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> run : evaluations.entrySet()) {
            if (run.getValue().get("queries") instanceof List<?> queries) {
                for (Object q : queries) {
                    Map<String, Object> query = asMap(q);
                    byQuery.computeIfAbsent(String.valueOf(query.get("query")), k -> new LinkedHashMap<>())
                        .put(run.getKey(), query.get("ap") != null ? query.get("ap") : query.get("score"));
                }
            }
        }
        html.append("<h2>Average precision per query</h2>\n<table id=\"per-query\"><tr><th>Query</th>");
        evaluations.keySet().forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr>\n");
        for (Map.Entry<String, Map<String, Object>> row : byQuery.entrySet()) {
            html.append("<tr><td class=\"name\">").append(escape(row.getKey())).append("</td>");
            for (String c : evaluations.keySet()) {
                Object ap = row.getValue().get(c);
                html.append("<td>").append(ap instanceof Number n ? String.format(Locale.ROOT, "%.2f", 100 * n.doubleValue()) : "-")
                    .append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private void topTen(StringBuilder html, Collection collection, Map<String, Map<String, List<String>>> rankings) throws IOException {
        if (rankings.isEmpty()) {
            return;
        }
        html.append("<h2>Top 10</h2>\n<p>Blue: the query (its box is what was described); green: correct; grey: junk")
            .append(" (ignored by the evaluation); red: wrong.</p>\n");
        for (Map.Entry<String, Map<String, List<String>>> query : rankings.entrySet()) {
            Map<String, String> judgements = collection.judgements(query.getKey());
            html.append("<h3>").append(escape(query.getKey())).append("</h3>\n");
            for (Map.Entry<String, List<String>> config : query.getValue().entrySet()) {
                html.append("<div class=\"ranking\" data-configuration=\"").append(escape(config.getKey())).append("\"><b>")
                    .append(escape(config.getKey())).append("</b><br>\n");
                html.append(figure(thumbnail(collection.queries().get(query.getKey()), query.getKey()), "query", query.getKey()));
                int rank = 1;
                for (String id : config.getValue()) {
                    String mark = judgements.getOrDefault(id, "wrong");
                    html.append(figure(thumbnail(collection.database().get(id), id), mark, rank++ + ". " + id));
                }
                html.append("</div>\n");
            }
        }
    }

    private static String figure(String src, String mark, String caption) {
        return "<figure><img class=\"" + mark + "\" src=\"" + escape(src) + "\" alt=\"" + escape(caption) + "\"><figcaption>"
            + escape(caption) + " (" + mark + ")</figcaption></figure>\n";
    }

    /** Copies an image into thumbs/ once and returns its path relative to the report. */
    private String thumbnail(Path image, String name) throws IOException {
        if (image == null) {
            return "";
        }
        String file = image.getFileName().toString();
        String target = "thumbs/" + name + file.substring(file.lastIndexOf('.'));
        Path copy = directory.resolve(target);
        if (Files.exists(copy) == false) {
            Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static Map<String, Object> subset(Map<String, Object> evaluation, String name) {
        Map<String, Object> subsets = asMap(evaluation.get("subsets"));
        return subsets == null ? null : asMap(subsets.get(name));
    }

    private static String percent(Map<String, Object> metrics, String key) {
        return metrics != null && metrics.get(key) instanceof Number n ? String.format(Locale.ROOT, "%.2f", 100 * n.doubleValue()) : "-";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
