package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.instanceretrieval.es.store.StoredModel;

import java.io.IOException;
import java.util.List;


/**
 * {@code GET _retrieval/model} (every model, compact rows) and {@code GET _retrieval/model/{model_id}}
 * (one model in full). Action name under {@code cluster:monitor/}: the {@code monitor} cluster
 * privilege covers it.
 */
public final class GetModelAction {

    public static final String NAME = "cluster:monitor/retrieval/model/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetModelAction() {}

    public static final class Request extends StoredItemRequest {
        /** @param modelId one item, or null for all */
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

        @Override
        protected boolean allowsAll() {
            return true;
        }

        public String modelId() {
            return id();
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
