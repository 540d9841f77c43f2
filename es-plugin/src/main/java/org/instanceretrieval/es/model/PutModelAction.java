package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.StoredItemRequest;
import org.instanceretrieval.es.store.StoredItemsResponse;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code PUT _retrieval/model/{model_id}}: stores a new model configuration (state
 * {@code configured}). An existing id is 409: models are immutable.
 * Action name under {@code cluster:admin/}: the {@code manage} cluster privilege covers it.
 */
public final class PutModelAction {

    public static final String NAME = "cluster:admin/retrieval/model/put";
    public static final ActionType<StoredItemsResponse<StoredModel>> INSTANCE = new ActionType<>(NAME);

    private PutModelAction() {}

    public static final class Request extends StoredItemRequest {
        private final ModelConfig config;

        public Request(String modelId, ModelConfig config) {
            super(modelId);
            this.config = config;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.config = ModelConfig.readFrom(in);
        }

        @Override
        protected String idParameter() {
            return "model_id";
        }

        public String modelId() {
            return id();
        }

        public ModelConfig config() {
            return config;
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = super.validate();
            if (config == null) {
                e = addValidationError("[config] is required", e);
            }
            return e;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            config.writeTo(out);
        }
    }
}
