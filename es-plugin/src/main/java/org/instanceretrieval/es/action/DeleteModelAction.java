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
 * {@code DELETE _retrieval/model/{model_id}}: deletes the configuration and every part, then
 * drops the model from the cache of every node. {@code acknowledged} is true when every node
 * confirmed. Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class DeleteModelAction {

    public static final String NAME = "cluster:admin/retrieval/model/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteModelAction() {}

    public static final class Request extends ActionRequest {
        private final String modelId;

        public Request(String modelId) {
            this.modelId = modelId;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readString();
        }

        public String modelId() {
            return modelId;
        }

        @Override
        public ActionRequestValidationException validate() {
            return ModelIds.isValid(modelId) ? null : addValidationError("invalid [model_id] [" + modelId + "]", null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
        }
    }
}
