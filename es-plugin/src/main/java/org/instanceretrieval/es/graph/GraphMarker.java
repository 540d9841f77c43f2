package org.instanceretrieval.es.graph;

import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.store.OrderedMaps;

import java.util.Map;
import java.util.Set;

/**
 * The {@value #KEY} entry of an index's mapping {@code _meta}: which neighbour graph the index holds and whether it is complete.
 * An index holds at most one graph (one vector field, one k). {@code state} is {@code running} while the build writes lists,
 * {@code done} only after every list was written and the index refreshed, {@code failed} (with {@code reason}) after a failed or
 * cancelled build, or a build whose task no longer runs. Only a {@code done} graph is ever read by a search; a rebuild sets
 * {@code running} before it overwrites any list.
 *
 * @param field       the vector field the graph is built on
 * @param k           neighbours stored per document
 * @param method      {@code exact} or {@code hnsw}
 * @param state       {@code running}, {@code done} or {@code failed}
 * @param task        the build's task id ({@code node:id}); it also identifies the build (caches key on it)
 * @param startedAt   epoch millis the build started
 * @param completedAt epoch millis it completed, null unless done
 * @param docCount    documents whose lists it wrote, null unless done
 * @param reason      why it failed, null unless failed
 */
public record GraphMarker(String field, int k, String method, String state, String task, long startedAt, Long completedAt,
                          Long docCount, String reason) {

    /** The key in the mapping's {@code _meta}. */
    public static final String KEY = "retrieval_graph";

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    private static final Set<String> STATES = Set.of(RUNNING, DONE, FAILED);

    public GraphMarker {
        if (field == null || field.isEmpty() || k < 1 || method == null || STATES.contains(state) == false || task == null) {
            throw new IllegalArgumentException("malformed [" + KEY + "] marker: field [" + field + "], k [" + k + "], method [" + method
                + "], state [" + state + "], task [" + task + "]");
        }
    }

    /** True when searches may read the graph. */
    public boolean isDone() {
        return DONE.equals(state);
    }

    /** This marker in another state (completion time, count and reason as given). */
    public GraphMarker withState(String newState, Long newCompletedAt, Long newDocCount, String newReason) {
        return new GraphMarker(field, k, method, newState, task, startedAt, newCompletedAt, newDocCount, newReason);
    }

    /** The marker of a mapping's {@code _meta} map (may be null), or null when it has none. */
    public static GraphMarker fromMeta(Map<?, ?> meta) {
        if (meta == null || (meta.get(KEY) instanceof Map<?, ?>) == false) {
            return null;
        }
        Map<?, ?> m = (Map<?, ?>) meta.get(KEY);
        return new GraphMarker(
            (String) m.get("field"),
            ((Number) m.get("k")).intValue(),
            (String) m.get("method"),
            (String) m.get("state"),
            (String) m.get("task"),
            ((Number) m.get("started_at")).longValue(),
            m.get("completed_at") instanceof Number n ? n.longValue() : null,
            m.get("doc_count") instanceof Number n ? n.longValue() : null,
            (String) m.get("reason")
        );
    }

    /** The marker as stored in {@code _meta} (and shown by {@code GET {index}/_retrieval/graph}); absent values are left out. */
    public Map<String, Object> toMap() {
        return IndexMetaMarker.putOutcome(OrderedMaps.of("field", field, "k", k, "method", method, "state", state, "task", task,
            "started_at", startedAt), completedAt, docCount, reason);
    }
}
