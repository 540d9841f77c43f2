package org.instanceretrieval.demo.run;

import java.util.Locale;
import java.util.Map;

/** The demo's table of {@code _retrieval_eval} responses as text, and the metrics read from one response. */
public final class ResultTable {

    private ResultTable() {}

    /** The table as text: mAP (and the revisited easy/medium/hard) per configuration, in percent. */
    public static String text(Map<String, Map<String, Object>> evaluations) {
        StringBuilder sb = new StringBuilder();
        boolean revisited = evaluations.values().stream().anyMatch(e -> subsetMap(e, "medium") != null);
        if (revisited) {
            sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %10s%n", "Configuration", "Easy", "Medium", "Hard", "mP@10 (M)"));
        } else {
            sb.append(String.format(Locale.ROOT, "%-16s %8s%n", "Configuration", "mAP"));
        }
        for (Map.Entry<String, Map<String, Object>> row : evaluations.entrySet()) {
            Map<String, Object> e = row.getValue();
            if (revisited) {
                sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %10s%n", row.getKey(), percent(subsetMap(e, "easy"), "mAP"),
                    percent(subsetMap(e, "medium"), "mAP"), percent(subsetMap(e, "hard"), "mAP"), percent(subsetMap(e, "medium"), "mP@10")));
            } else {
                sb.append(String.format(Locale.ROOT, "%-16s %8s%n", row.getKey(), percent(overall(e), "mAP")));
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> overall(Map<String, Object> evaluation) {
        return (Map<String, Object>) evaluation.get("overall");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> subsetMap(Map<String, Object> evaluation, String subset) {
        Object subsets = evaluation.get("subsets");
        return subsets instanceof Map<?, ?> m ? (Map<String, Object>) m.get(subset) : null;
    }

    /** The overall mAP of an evaluation response. */
    public static double mAP(Map<String, Object> evaluation) {
        return ((Number) overall(evaluation).get("mAP")).doubleValue();
    }

    public static String percent(Map<String, Object> metrics, String key) {
        if (metrics == null || metrics.get(key) instanceof Number == false) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", 100 * ((Number) metrics.get(key)).doubleValue());
    }
}
