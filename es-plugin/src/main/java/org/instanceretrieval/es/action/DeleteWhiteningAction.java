package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.common.io.stream.StreamInput;

import java.io.IOException;


/**
 * {@code DELETE _retrieval/whitening/{whitening_id}}: deletes the whitening (404 if unknown),
 * then drops it from the cache of every node. {@code acknowledged} is true when every node
 * confirmed. Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class DeleteWhiteningAction {

    public static final String NAME = "cluster:admin/retrieval/whitening/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteWhiteningAction() {}

    public static final class Request extends StoredItemRequest {
        public Request(String whiteningId) {
            super(whiteningId);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected String idParameter() {
            return "whitening_id";
        }

        public String whiteningId() {
            return id();
        }
    }
}
