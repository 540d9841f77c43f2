package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.store.OrderedMaps;

import java.util.Map;

/**
 * The {@value #KEY} entry of an index's mapping {@code _meta}: which offline diffusion rows (Yang et al.) the documents hold in
 * {@code retrieval_offline.<field>} and whether they are complete. {@code state} is {@code running} while the build writes rows,
 * {@code done} once every row is written and the index refreshed, {@code failed} (with {@code reason}) otherwise; only
 * {@code done} rows are read. {@code graphTask} is the task of the stored neighbour graph the rows were solved on: rows of
 * another graph (rebuilt since) are not used.
 */
public record OfflineRowsMarker(String field, int k, double gamma, double alpha, int nTrunc, int maxIterations, double tolerance,
                                String graphTask, String task, String state, Long docCount, String reason) {

    public static final String KEY = "retrieval_offline";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    /** The marker of a mapping's {@code _meta} map (may be null), or null when it has none. */
    public static OfflineRowsMarker fromMeta(Map<?, ?> meta) {
        if (meta == null || (meta.get(KEY) instanceof Map<?, ?>) == false) {
            return null;
        }
        Map<?, ?> m = (Map<?, ?>) meta.get(KEY);
        return new OfflineRowsMarker((String) m.get("field"), ((Number) m.get("k")).intValue(), ((Number) m.get("gamma")).doubleValue(),
            ((Number) m.get("alpha")).doubleValue(), ((Number) m.get("n_trunc")).intValue(), ((Number) m.get("max_iterations")).intValue(),
            ((Number) m.get("tolerance")).doubleValue(), (String) m.get("graph_task"), (String) m.get("task"), (String) m.get("state"),
            m.get("doc_count") instanceof Number n ? n.longValue() : null, (String) m.get("reason"));
    }

    public boolean isDone() {
        return DONE.equals(state);
    }

    public OfflineRowsMarker withState(String newState, Long newDocCount, String newReason) {
        return new OfflineRowsMarker(field, k, gamma, alpha, nTrunc, maxIterations, tolerance, graphTask, task, newState, newDocCount,
            newReason);
    }

    /** The marker as stored in {@code _meta}; absent values are left out. */
    public Map<String, Object> toMap() {
        return IndexMetaMarker.putOutcome(OrderedMaps.of("field", field, "k", k, "gamma", gamma, "alpha", alpha, "n_trunc", nTrunc,
            "max_iterations", maxIterations, "tolerance", tolerance, "graph_task", graphTask, "task", task, "state", state), null, docCount,
            reason);
    }
}
