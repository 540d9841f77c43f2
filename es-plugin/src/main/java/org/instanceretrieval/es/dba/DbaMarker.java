package org.instanceretrieval.es.dba;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.cluster.node.tasks.get.GetTaskRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.tasks.TaskId;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code retrieval_dba} entry of an index's mapping {@code _meta}: {@code {field,
 * target_field, n, alpha, state, task, completed_at, doc_count, reason}}. {@code state} is
 * {@code running} while vectors are being written, {@code done} only once every update
 * succeeded and the index was refreshed, {@code failed} (with {@code reason}) after a failed
 * or cancelled job. {@code task} is the job's task id: a {@code running} marker whose task no
 * longer runs (its node died or restarted mid-write) is {@linkplain #resolve resolved} to
 * {@code failed}, and a new job takes over. Other {@code _meta} entries are kept (read, merged, put back; a concurrent
 * change of {@code _meta} by someone else between the read and the put would be lost).
 */
public final class DbaMarker {

    public static final String KEY = "retrieval_dba";

    private DbaMarker() {}

    /** The marker's fields for a state; {@code completedAt} and {@code docCount} may be null. */
    public static Map<String, Object> of(String field, String targetField, int n, float alpha, String state, String task,
        Long completedAt, Long docCount, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("field", field);
        m.put("target_field", targetField);
        m.put("n", n);
        m.put("alpha", (double) alpha);
        m.put("state", state);
        m.put("task", task);
        if (completedAt != null) {
            m.put("completed_at", completedAt);
        }
        if (docCount != null) {
            m.put("doc_count", docCount);
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        return m;
    }

    /** The marker of {@code index} as stored, or null when no DBA job has written one. */
    public static void read(Client client, String index, ActionListener<Map<String, Object>> listener) {
        client.admin().indices().getMappings(new GetMappingsRequest().indices(index), listener.delegateFailureAndWrap((l, response) -> {
            MappingMetadata mapping = response.mappings().get(index);
            Map<String, Object> marker = null;
            if (mapping != null && mapping.sourceAsMap().get("_meta") instanceof Map<?, ?> meta && meta.get(KEY) instanceof Map<?, ?> m) {
                marker = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    marker.put(String.valueOf(e.getKey()), e.getValue());
                }
            }
            l.onResponse(marker);
        }));
    }

    /**
     * The marker as it stands: unchanged unless it says {@code running} while its task no longer runs
     * (not found, or completed, or no task recorded by an older version), which is answered as
     * {@code failed} with the reason. A null marker stays null.
     */
    public static void resolve(Client client, Map<String, Object> marker, ActionListener<Map<String, Object>> listener) {
        if (marker == null || "running".equals(marker.get("state")) == false) {
            listener.onResponse(marker);
            return;
        }
        if (marker.get("task") instanceof String task && task.isEmpty() == false) {
            client.admin().cluster().getTask(new GetTaskRequest().setTaskId(new TaskId(task)), ActionListener.wrap(
                response -> listener.onResponse(response.getTask().isCompleted() ? failed(marker, "task [" + task + "] ended without "
                    + "recording the result") : marker),
                e -> {
                    if (ExceptionsHelper.unwrapCause(e) instanceof ResourceNotFoundException) {
                        listener.onResponse(failed(marker, "task [" + task + "] no longer exists (its node left or restarted while "
                            + "the job was writing)"));
                    } else {
                        listener.onFailure(e);
                    }
                }));
        } else {
            listener.onResponse(failed(marker, "the job recorded no task id and is not running"));
        }
    }

    private static Map<String, Object> failed(Map<String, Object> marker, String reason) {
        Map<String, Object> failed = new LinkedHashMap<>(marker);
        failed.put("state", "failed");
        failed.put("reason", reason);
        return failed;
    }

    /** Writes the marker into the {@code _meta} of {@code index}, keeping its other entries. */
    public static void write(Client client, String index, Map<String, Object> marker, ActionListener<Void> listener) {
        client.admin().indices().getMappings(new GetMappingsRequest().indices(index), listener.delegateFailureAndWrap((l, response) -> {
            MappingMetadata mapping = response.mappings().get(index);
            Map<String, Object> meta = new HashMap<>();
            if (mapping != null && mapping.sourceAsMap().get("_meta") instanceof Map<?, ?> existing) {
                existing.forEach((k, v) -> meta.put(String.valueOf(k), v));
            }
            meta.put(KEY, marker);
            PutMappingRequest put = new PutMappingRequest(index).source(Map.of("_meta", meta));
            client.admin().indices().putMapping(put, l.delegateFailureAndWrap((l2, ack) -> l2.onResponse(null)));
        }));
    }
}
