package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.store.StoredItemRequest;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.common.io.stream.StreamInput;

import java.io.IOException;

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

    public static final class Request extends StoredItemRequest {
        public Request(String index) {
            super(index);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected String idParameter() {
            return "index";
        }

        public String index() {
            return id();
        }
    }
}
