package org.instanceretrieval.es.dba;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.mapping.get.GetMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.MappingMetadata;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code retrieval_dba} entry of an index's mapping {@code _meta}: {@code {field,
 * target_field, n, alpha, state, completed_at, doc_count, reason}}. {@code state} is
 * {@code running} while vectors are being written, {@code done} only once every update
 * succeeded and the index was refreshed, {@code failed} (with {@code reason}) after a failed
 * or cancelled job. Other {@code _meta} entries are kept (read, merged, put back; a concurrent
 * change of {@code _meta} by someone else between the read and the put would be lost).
 */
public final class DbaMarker {

    public static final String KEY = "retrieval_dba";

    private DbaMarker() {}

    /** The marker's fields for a state; {@code completedAt} and {@code docCount} may be null. */
    public static Map<String, Object> of(String field, String targetField, int n, float alpha, String state, Long completedAt,
        Long docCount, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("field", field);
        m.put("target_field", targetField);
        m.put("n", n);
        m.put("alpha", (double) alpha);
        m.put("state", state);
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
