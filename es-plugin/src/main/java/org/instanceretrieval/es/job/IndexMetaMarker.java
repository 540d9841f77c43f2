package org.instanceretrieval.es.job;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.cluster.node.tasks.get.GetTaskRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.tasks.TaskId;
import org.instanceretrieval.es.store.OrderedMaps;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state marker a job keeps in an index's mapping {@code _meta} under its own key (DBA's {@code retrieval_dba}, the neighbour
 * graph's {@code retrieval_graph}): a JSON object with at least {@code state} ({@value #RUNNING}, {@code done} or
 * {@value #FAILED}) and {@code task} (the job's task id, {@code node:id}). A {@code running} marker whose task no longer runs
 * (its node left or restarted mid-write, or an older version recorded no task) is {@linkplain #resolve resolved} to
 * {@code failed} with a {@code reason}, so a new job may take over.
 * <p>
 * Writes read the mapping's {@code _meta}, change the one key and put the whole {@code _meta} back, keeping the other entries
 * (a concurrent change of {@code _meta} by someone else between the read and the put would be lost). All calls run with the
 * given client's context: reading needs {@code view_index_metadata} on the index, writing {@code manage}, resolving
 * {@code monitor} (the task lookup). Stateless.
 */
public final class IndexMetaMarker {

    public static final String RUNNING = "running";
    public static final String FAILED = "failed";

    private IndexMetaMarker() {}

    /** The marker under {@code key} of {@code index} as stored, or null when there is none. */
    public static void read(Client client, String index, String key, ActionListener<Map<String, Object>> listener) {
        client.admin().indices().getMappings(new GetMappingsRequest().indices(index), listener.delegateFailureAndWrap((l, response) -> {
            MappingMetadata mapping = response.mappings().get(index);
            Map<String, Object> marker = null;
            if (mapping != null && mapping.sourceAsMap().get("_meta") instanceof Map<?, ?> meta && meta.get(key) instanceof Map<?, ?> m) {
                marker = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    marker.put(String.valueOf(e.getKey()), e.getValue());
                }
            }
            l.onResponse(marker);
        }));
    }

    /**
     * The marker as it stands: unchanged unless it says {@code running} while its task no longer runs (not found, completed, or
     * no task recorded), which is answered as {@code failed} with the reason. A null marker stays null.
     */
    public static void resolve(Client client, Map<String, Object> marker, ActionListener<Map<String, Object>> listener) {
        if (marker == null || RUNNING.equals(marker.get("state")) == false) {
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

    /**
     * The marker under {@code key} of {@code index} as it stands ({@link #readResolved}) for a job that is about to take the
     * key over: while the job the marker names still runs, a 409 naming its task
     * and how to cancel it.
     *
     * @param job the kind of job, as the error names it ({@code "a neighbour-graph build"})
     */
    public static void readIdle(Client client, String index, String key, String job, ActionListener<Map<String, Object>> listener) {
        readResolved(client, index, key, listener.delegateFailureAndWrap((l, marker) -> {
            if (marker != null && RUNNING.equals(marker.get("state"))) {
                throw new ElasticsearchStatusException("{} (task [{}]) is already running on index [{}]; wait for it or cancel "
                    + "it with POST _tasks/{}/_cancel", RestStatus.CONFLICT, job, marker.get("task"), index, marker.get("task"));
            }
            l.onResponse(marker);
        }));
    }

    /** The marker under {@code key} of {@code index} as it stands: {@link #read}, then {@link #resolve}; null when there is none. */
    public static void readResolved(Client client, String index, String key, ActionListener<Map<String, Object>> listener) {
        read(client, index, key, listener.delegateFailureAndWrap((l, stored) -> resolve(client, stored, l)));
    }

    private static Map<String, Object> failed(Map<String, Object> marker, String reason) {
        Map<String, Object> failed = new LinkedHashMap<>(marker);
        failed.put("state", FAILED);
        failed.put("reason", reason);
        return failed;
    }

    /**
     * Adds a job's outcome to marker map {@code m} as every job marker stores it: {@code completed_at} (epoch millis),
     * {@code doc_count} and {@code reason} (why it failed), each left out when null. Returns {@code m}.
     */
    public static Map<String, Object> putOutcome(Map<String, Object> m, Long completedAt, Long docCount, String reason) {
        m.putAll(OrderedMaps.withoutNulls("completed_at", completedAt, "doc_count", docCount, "reason", reason));
        return m;
    }

    /** Writes {@code marker} under {@code key} into the {@code _meta} of {@code index}; null removes the key. */
    public static void write(Client client, String index, String key, Map<String, Object> marker, ActionListener<Void> listener) {
        client.admin().indices().getMappings(new GetMappingsRequest().indices(index), listener.delegateFailureAndWrap((l, response) -> {
            MappingMetadata mapping = response.mappings().get(index);
            Map<String, Object> meta = new HashMap<>();
            if (mapping != null && mapping.sourceAsMap().get("_meta") instanceof Map<?, ?> existing) {
                existing.forEach((k, v) -> meta.put(String.valueOf(k), v));
            }
            if (marker == null) {
                meta.remove(key);
            } else {
                meta.put(key, marker);
            }
            PutMappingRequest put = new PutMappingRequest(index).source(Map.of("_meta", meta));
            client.admin().indices().putMapping(put, l.delegateFailureAndWrap((l2, ack) -> l2.onResponse(null)));
        }));
    }
}
