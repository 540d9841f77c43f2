package org.instanceretrieval.es.dba;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.store.OrderedMaps;

import java.util.Map;

/**
 * The {@code retrieval_dba} entry of an index's mapping {@code _meta}: {@code {field,
 * target_field, n, alpha, state, task, completed_at, doc_count, reason}}. {@code state} is
 * {@code running} while vectors are being written, {@code done} only once every update
 * succeeded and the index was refreshed, {@code failed} (with {@code reason}) after a failed
 * or cancelled job. {@code task} is the job's task id: a {@code running} marker whose task no
 * longer runs (its node died or restarted mid-write) is {@linkplain IndexMetaMarker#resolve resolved} to
 * {@code failed}, and a new job takes over. Reading, resolving and writing are {@link IndexMetaMarker}'s, shared with the
 * neighbour-graph build.
 */
public final class DbaMarker {

    public static final String KEY = "retrieval_dba";

    private DbaMarker() {}

    /** The marker's fields for a state of the job with {@code options}; {@code completedAt} and {@code docCount} may be null. */
    public static Map<String, Object> of(DbaAction.Options options, String state, String task, Long completedAt, Long docCount,
        String reason) {
        return IndexMetaMarker.putOutcome(OrderedMaps.of("field", options.field(), "target_field", options.targetField(), "n",
            options.neighbours(), "alpha", (double) options.alpha(), "state", state, "task", task), completedAt, docCount, reason);
    }

    /** Writes the marker into the {@code _meta} of {@code index}, keeping its other entries ({@link IndexMetaMarker#write}). */
    public static void write(Client client, String index, Map<String, Object> marker, ActionListener<Void> listener) {
        IndexMetaMarker.write(client, index, KEY, marker, listener);
    }
}
