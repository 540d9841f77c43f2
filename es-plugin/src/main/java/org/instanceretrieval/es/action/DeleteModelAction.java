package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.common.io.stream.StreamInput;

import java.io.IOException;


/**
 * {@code DELETE _retrieval/model/{model_id}}: deletes the configuration and every part, then
 * drops the model from the cache of every node. {@code acknowledged} is true when every node
 * confirmed. Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class DeleteModelAction {

    public static final String NAME = "cluster:admin/retrieval/model/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteModelAction() {}

    public static final class Request extends StoredItemRequest {
        public Request(String modelId) {
            super(modelId);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected String idParameter() {
            return "model_id";
        }

        public String modelId() {
            return id();
        }
    }
}
