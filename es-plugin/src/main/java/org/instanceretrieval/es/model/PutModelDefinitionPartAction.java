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
 * {@code PUT _retrieval/model/{model_id}/definition/{part}}: stores one part of the ONNX
 * definition; the request completing the upload verifies it (see {@link DefinitionUpload} for
 * the part rules). Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class PutModelDefinitionPartAction {

    public static final String NAME = "cluster:admin/retrieval/model/definition/part/put";
    public static final ActionType<StoredItemsResponse<StoredModel>> INSTANCE = new ActionType<>(NAME);

    private PutModelDefinitionPartAction() {}

    /** Requests name the model by {@code model_id}. */
    public static final StoredItemRequest.Id ID = new StoredItemRequest.Id("model_id", false);

    /** Part {@code part} of the definition, with the upload's totals (validated by {@link DefinitionUpload#start}). */
    public record Params(int part, byte[] definition, DefinitionUpload totals) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readVInt(), in.readByteArray(), DefinitionUpload.start(in.readVInt(), in.readVLong(), in.readString()));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(part);
            out.writeByteArray(definition);
            out.writeVInt(totals.totalParts());
            out.writeVLong(totals.totalLength());
            out.writeString(totals.sha256());
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            if (definition == null) {
                e = addValidationError("[definition] is required", e);
            }
            if (totals == null) {
                e = addValidationError("[total_parts], [total_definition_length] and [sha256] are required", e);
            }
            return e;
        }
    }
}
