package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.report.HtmlReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The report's top 10 of the first {@link HtmlReport#SHOWN_QUERIES} queries under G and the last row of table 1, read with
 * {@code _search} by the query document's vector (the query index has no {@code descriptor_dba} field). A failed search is
 * passed to {@code note}, never dropped silently.
 */
final class TopRankings {

    private TopRankings() {}

    /** Top 10 of the first queries under G and the last row, read with _search for the report. */
    static Map<String, Map<String, List<String>>> read(EsClient es, Collection collection, Table1Config.Parameters p,
                                                       Consumer<String> note) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        if (collection.separateQueries() == false) {
            return out;
        }
        List<Table1Config> shown = List.of(Table1Config.ALL.get(0), Table1Config.ALL.get(Table1Config.ALL.size() - 1));
        for (String query : collection.queries().keySet().stream().limit(HtmlReport.SHOWN_QUERIES).toList()) {
            Map<?, ?> doc = es.get(DemoMain.QUERY_INDEX + "/_doc/" + query);
            List<?> vector = (List<?>) ((Map<?, ?>) doc.get("_source")).get("descriptor");
            float[] v = new float[vector.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) vector.get(i)).floatValue();
            }
            Map<String, List<String>> perConfig = new LinkedHashMap<>();
            for (Table1Config config : shown) {
                try {
                    Map<String, Object> response = es.post(DemoMain.INDEX + "/_search", config.searchBody(v, 10, p));
                    List<String> ids = new ArrayList<>();
                    for (Object hit : (List<?>) ((Map<?, ?>) response.get("hits")).get("hits")) {
                        if (ids.size() < 10) {
                            ids.add(String.valueOf(((Map<?, ?>) hit).get("_id")));
                        }
                    }
                    perConfig.put(config.name(), ids);
                } catch (EsClient.EsException e) {
                    note.accept("top 10 of " + query + " under " + config.name() + " failed: " + e.getMessage());
                }
            }
            out.put(query, perConfig);
        }
        return out;
    }
}
