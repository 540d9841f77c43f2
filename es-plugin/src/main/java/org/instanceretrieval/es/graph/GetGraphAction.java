package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionType;
import org.instanceretrieval.es.job.JobResponse;

/**
 * {@code GET {index}/_retrieval/graph}: the index's neighbour-graph marker ({@link GraphMarker}; a {@code running} marker whose
 * task no longer runs reads as {@code failed} with the reason), with {@code documents_covered} (documents holding a list of the
 * graph's field) and {@code documents_added_since_build} (documents with a vector in the field but no list). 404
 * {@code index_not_found_exception} for a missing index, 404 {@code resource_not_found_exception} when the index has no graph.
 * Action name under {@code cluster:monitor/}; the mapping read and the counts run with the caller's privileges
 * ({@code view_index_metadata} and {@code read} on the index).
 */
public final class GetGraphAction {

    public static final String NAME = "cluster:monitor/retrieval/graph/get";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    private GetGraphAction() {}
}
