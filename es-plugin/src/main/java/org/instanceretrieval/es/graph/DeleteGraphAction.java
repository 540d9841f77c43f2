package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionType;
import org.instanceretrieval.es.job.JobResponse;

/**
 * {@code DELETE {index}/_retrieval/graph}: removes the index's neighbour graph: first its marker (so no search reads the lists
 * any more), then every list of the graph's field (set to null by partial updates, {@link GraphListCleaner}), then a refresh.
 * Answers {@code {"acknowledged": true, "index", "field", "lists_cleared"}}. The binary field stays in the mapping (a mapping
 * cannot drop a field). 404 {@code index_not_found_exception} for a missing index, 404 {@code resource_not_found_exception} when
 * there is no graph, 409 while a build runs (cancel it first). Action name under {@code cluster:admin/}; the mapping and
 * document writes run with the caller's privileges ({@code manage} and {@code write} on the index).
 */
public final class DeleteGraphAction {

    public static final String NAME = "cluster:admin/retrieval/graph/delete";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteGraphAction() {}
}
