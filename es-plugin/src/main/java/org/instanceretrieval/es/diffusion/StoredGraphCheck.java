package org.instanceretrieval.es.diffusion;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.graph.GraphMarker;

import java.util.Map;

/**
 * Decides, per shard, whether the {@code diffusion} rescorer uses the index's stored neighbour graph, from the
 * {@link GraphMarker} in the index mapping's {@code _meta} (read from the shard's index metadata, no client call). A graph is
 * usable for a request on field f with k neighbours when its marker is {@code done}, was built on f, and stores at least k
 * neighbours per document (the request uses the first k of each list). With {@code graph: auto} an unusable graph means the
 * window's graph; with {@code graph: stored} it is an error naming the index, the field and the fix:
 * <ul>
 *   <li>no marker: 400, build one with {@code POST <index>/_retrieval/graph/_build};</li>
 *   <li>a marker for another field: 400 naming both fields;</li>
 *   <li>{@code running}: 409 naming the build task;</li>
 *   <li>{@code failed}: 400 with the failure reason (the graph must be rebuilt);</li>
 *   <li>stored k smaller than the request's k: 400 naming both.</li>
 * </ul>
 * The {@code k_reciprocal} rescorer uses the same checks and messages with its own name and its {@code k1} in place of
 * {@code k} ({@link #marker(IndexMetadata, GraphSource, String)}, {@link #resolve(GraphMarker, String, String, int,
 * GraphSource, String, String)}). Stateless.
 */
public final class StoredGraphCheck {

    private StoredGraphCheck() {}

    /**
     * The graph marker of an index's mapping {@code _meta}, or null when it has none; a malformed marker counts as none for
     * {@code auto} and {@code window}.
     *
     * @throws IllegalArgumentException (400) for a malformed marker with {@code graph: stored}
     */
    static GraphMarker marker(IndexMetadata index, GraphSource source) {
        return marker(index, source, DiffusionRescorerBuilder.NAME);
    }

    /** As {@link #marker(IndexMetadata, GraphSource)} for the rescorer named {@code owner}. */
    public static GraphMarker marker(IndexMetadata index, GraphSource source, String owner) {
        MappingMetadata mapping = index.mapping();
        if (mapping == null || source == GraphSource.WINDOW) {
            return null;
        }
        try {
            return GraphMarker.fromMeta((Map<?, ?>) mapping.sourceAsMap().get("_meta"));
        } catch (RuntimeException e) {
            if (source == GraphSource.STORED) {
                throw new IllegalArgumentException("[" + owner + "] [graph] is [stored] but the [_meta."
                    + GraphMarker.KEY + "] marker of index [" + index.getIndex().getName() + "] is malformed (" + e.getMessage()
                    + "): rebuild the graph with POST " + index.getIndex().getName() + "/_retrieval/graph/_build", e);
            }
            return null;
        }
    }

    /**
     * The marker of the stored graph to diffuse on, or null for the window's graph.
     *
     * @param marker the index's marker (null when it has none)
     * @throws IllegalArgumentException (400) or {@link ElasticsearchStatusException} (409) with {@code graph: stored} when the
     *     stored graph is not usable, as listed in the class notes
     */
    static GraphMarker resolve(GraphMarker marker, String index, String field, int k, GraphSource source) {
        return resolve(marker, index, field, k, source, DiffusionRescorerBuilder.NAME, "k");
    }

    /**
     * As {@link #resolve(GraphMarker, String, String, int, GraphSource)} for the rescorer named {@code owner}, whose option
     * {@code kName} (at most the stored k) is {@code k}.
     */
    public static GraphMarker resolve(GraphMarker marker, String index, String field, int k, GraphSource source, String owner,
                                      String kName) {
        if (source == GraphSource.WINDOW) {
            return null;
        }
        boolean stored = source == GraphSource.STORED;
        String build = "POST " + index + "/_retrieval/graph/_build {\"field\": \"" + field + "\", \"k\": " + k + "}";
        String prefix = "[" + owner + "] [graph] is [stored] but ";
        if (marker == null) {
            if (stored) {
                throw new IllegalArgumentException(prefix + "index [" + index + "] has no neighbour graph for field [" + field
                    + "]: build one with " + build);
            }
            return null;
        }
        if (marker.field().equals(field) == false) {
            if (stored) {
                throw new IllegalArgumentException(prefix + "the neighbour graph of index [" + index + "] was built for field ["
                    + marker.field() + "], not for field [" + field + "]: rebuild it for [" + field + "] with " + build);
            }
            return null;
        }
        if (GraphMarker.RUNNING.equals(marker.state())) {
            if (stored) {
                throw new ElasticsearchStatusException(prefix + "the neighbour graph of index [{}] for field [{}] is being built (task [{}]): "
                    + "retry when it is done, or use [graph] [window]", RestStatus.CONFLICT, index, field, marker.task());
            }
            return null;
        }
        if (marker.isDone() == false) {
            if (stored) {
                throw new IllegalArgumentException(prefix + "the neighbour graph of index [" + index + "] for field [" + field
                    + "] is [" + marker.state() + "] (task [" + marker.task() + "], reason [" + marker.reason() + "]): rebuild it with "
                    + build);
            }
            return null;
        }
        if (marker.k() < k) {
            if (stored) {
                throw new IllegalArgumentException("[" + owner + "] [" + kName + "] is [" + k + "] but the neighbour graph of index ["
                    + index + "] for field [" + field + "] stores only k [" + marker.k() + "] neighbours per document: use " + kName
                    + " <= " + marker.k() + " or rebuild the graph with " + build);
            }
            return null;
        }
        return marker;
    }
}
