package org.instanceretrieval.es.model;

import org.instanceretrieval.es.rest.RequestParams;
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

    /** Requests name the model by {@code model_id}. */
    public static final StoredItemRequest.Id ID = new StoredItemRequest.Id("model_id", false);

    /** The model's configuration. */
    public record Params(ModelConfig config) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(ModelConfig.readFrom(in));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            config.writeTo(out);
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            return config == null ? addValidationError("[config] is required", e) : e;
        }
    }
}
