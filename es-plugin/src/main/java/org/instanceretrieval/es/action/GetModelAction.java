package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
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
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final StoredModel single;
        private final List<StoredModel> list;

        private Response(StoredModel single, List<StoredModel> list) {
            this.single = single;
            this.list = list;
        }

        public static Response single(StoredModel model) {
            return new Response(model, null);
        }

        public static Response list(List<StoredModel> models) {
            return new Response(null, List.copyOf(models));
        }

        public Response(StreamInput in) throws IOException {
            if (in.readBoolean()) {
                this.single = StoredModel.readFrom(in);
                this.list = null;
            } else {
                this.single = null;
                this.list = in.readCollectionAsList(StoredModel::readFrom);
            }
        }

        /** The models of the response (one for a single get). */
        public List<StoredModel> models() {
            return single != null ? List.of(single) : list;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBoolean(single != null);
            if (single != null) {
                single.writeTo(out);
            } else {
                out.writeCollection(list);
            }
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (single != null) {
                return single.toXContent(builder, params);
            }
            builder.startObject();
            builder.field("count", list.size());
            builder.startArray("models");
            for (StoredModel model : list) {
                model.toCompactXContent(builder);
            }
            builder.endArray();
            return builder.endObject();
        }
    }
}
