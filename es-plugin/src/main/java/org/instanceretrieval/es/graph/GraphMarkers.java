package org.instanceretrieval.es.graph;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.rest.RestStatus;

import java.util.Map;

/**
 * Reads an index's {@link GraphMarker} from its mapping's {@code _meta} and decides whether a search or job may use the graph:
 * the one rule set of every reader of the stored graph, with its errors (each naming index, field, value and the way out).
 * Stateless.
 */
public final class GraphMarkers {

    private GraphMarkers() {}

    /** The index's mapping {@code _meta} map, or null. */
    public static Map<?, ?> meta(IndexMetadata index) {
        MappingMetadata mapping = index == null ? null : index.mapping();
        if (mapping == null) {
            return null;
        }
        return mapping.sourceAsMap().get("_meta") instanceof Map<?, ?> meta ? meta : null;
    }

    /** The index's graph marker, or null when it has none. */
    public static GraphMarker marker(IndexMetadata index) {
        return GraphMarker.fromMeta(meta(index));
    }

    /**
     * The marker of a {@code done} graph of {@code field} with at least {@code k} neighbours per document.
     *
     * @param owner the caller, as errors name it (e.g. {@code [diffusion] [scope] index})
     * @throws ElasticsearchStatusException 400 when the index has no graph, a failed one, one of another field or with a
     *     smaller k; 409 while it is being built
     */
    public static GraphMarker requireUsable(IndexMetadata index, String field, int k, String owner) {
        String name = index.getIndex().getName();
        GraphMarker marker = marker(index);
        String build = "POST " + name + "/_retrieval/graph/_build {\"field\": \"" + field + "\", \"k\": " + Math.max(k, 50) + "}";
        if (marker == null) {
            throw new ElasticsearchStatusException("{} needs the neighbour graph of index [{}] field [{}], but the index has none: build "
                + "it with {}", RestStatus.BAD_REQUEST, owner, name, field, build);
        }
        if (GraphMarker.RUNNING.equals(marker.state())) {
            throw new ElasticsearchStatusException("{}: the neighbour graph of index [{}] is being built (task [{}]); retry once GET {}"
                + "/_retrieval/graph reports state [done]", RestStatus.CONFLICT, owner, name, marker.task(), name);
        }
        if (marker.isDone() == false) {
            throw new ElasticsearchStatusException("{}: the neighbour graph of index [{}] is [{}] ({}): rebuild it with {}",
                RestStatus.BAD_REQUEST, owner, name, marker.state(), marker.reason(), build);
        }
        if (marker.field().equals(field) == false) {
            throw new ElasticsearchStatusException("{}: index [{}] holds the neighbour graph of field [{}], not of [field] [{}]: rebuild "
                + "it with {}", RestStatus.BAD_REQUEST, owner, name, marker.field(), field, build);
        }
        if (k > marker.k()) {
            throw new ElasticsearchStatusException("{}: [k] [{}] is larger than the k [{}] of the stored neighbour graph of index [{}] "
                + "field [{}]; use k <= {} or rebuild it with {}", RestStatus.BAD_REQUEST, owner, k, marker.k(), name, field, marker.k(),
                build);
        }
        return marker;
    }
}
