package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.store.ModelIds;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code DELETE _retrieval/whitening/{whitening_id}}: deletes the whitening (404 if unknown),
 * then drops it from the cache of every node. {@code acknowledged} is true when every node
 * confirmed. Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class DeleteWhiteningAction {

    public static final String NAME = "cluster:admin/retrieval/whitening/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteWhiteningAction() {}

    public static final class Request extends ActionRequest {
        private final String whiteningId;

        public Request(String whiteningId) {
            this.whiteningId = whiteningId;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.whiteningId = in.readString();
        }

        public String whiteningId() {
            return whiteningId;
        }

        @Override
        public ActionRequestValidationException validate() {
            return ModelIds.isValid(whiteningId) ? null : addValidationError("invalid [whitening_id] [" + whiteningId + "]", null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(whiteningId);
        }
    }
}
