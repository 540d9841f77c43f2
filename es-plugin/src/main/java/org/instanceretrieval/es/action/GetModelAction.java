package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.store.StoredModel;

import java.io.IOException;
import java.util.List;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code GET _retrieval/model} (every model, compact rows) and {@code GET _retrieval/model/{model_id}}
 * (one model in full). Action name under {@code cluster:monitor/}: the {@code monitor} cluster
 * privilege covers it.
 */
public final class GetModelAction {

    public static final String NAME = "cluster:monitor/retrieval/model/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetModelAction() {}

    public static final class Request extends ActionRequest {
        private final String modelId;

        /** @param modelId one model, or null for all */
        public Request(String modelId) {
            this.modelId = modelId;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readOptionalString();
        }

        public String modelId() {
            return modelId;
        }

        @Override
        public ActionRequestValidationException validate() {
            return modelId == null || ModelIds.isValid(modelId) ? null : addValidationError("invalid [model_id] [" + modelId + "]", null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(modelId);
        }
    }

    /** Either one model in full or a list of compact rows. */
    public static final class Response extends StoredItemsResponse<StoredModel> {
        private Response(StoredModel single, List<StoredModel> list) {
            super(single, list);
        }

        public static Response single(StoredModel item) {
            return new Response(item, null);
        }

        public static Response list(List<StoredModel> items) {
            return new Response(null, items);
        }

        public Response(StreamInput in) throws IOException {
            super(in, StoredModel::readFrom);
        }

        @Override
        protected String listField() {
            return "models";
        }
    }
}
