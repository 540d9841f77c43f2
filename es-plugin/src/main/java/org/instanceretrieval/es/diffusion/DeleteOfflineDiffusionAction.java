package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.store.StoredItemRequest;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;


/**
 * {@code DELETE {index}/_retrieval/diffusion}: removes the index's offline diffusion rows marker ({@code _meta.retrieval_offline}),
 * so that searches no longer use the rows (see {@link TransportDeleteOfflineDiffusionAction}). 404
 * {@code resource_not_found_exception} when the index has none. Action name under {@code cluster:admin/} ({@code manage}
 * privilege), like the build.
 */
public final class DeleteOfflineDiffusionAction {

    public static final String NAME = "cluster:admin/retrieval/diffusion/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteOfflineDiffusionAction() {}

    /** Requests name the index as their item ({@code index}). */
    public static final StoredItemRequest.Id ID = new StoredItemRequest.Id("index", false);
}
