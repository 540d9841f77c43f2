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
 * {@code PUT _retrieval/model/{model_id}/definition/{part}}: stores one part of the ONNX
 * definition; the request completing the upload verifies it (see {@link DefinitionUpload} for
 * the part rules). Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class PutModelDefinitionPartAction {

    public static final String NAME = "cluster:admin/retrieval/model/definition/part/put";
    public static final ActionType<StoredItemsResponse<StoredModel>> INSTANCE = new ActionType<>(NAME);

    private PutModelDefinitionPartAction() {}

    public static final class Request extends StoredItemRequest {
        private final int part;
        private final byte[] definition;
        private final DefinitionUpload totals;

        /**
         * @param totals the request's totals, validated by {@link DefinitionUpload#start}
         */
        public Request(String modelId, int part, byte[] definition, DefinitionUpload totals) {
            super(modelId);
            this.part = part;
            this.definition = definition;
            this.totals = totals;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.part = in.readVInt();
            this.definition = in.readByteArray();
            this.totals = DefinitionUpload.start(in.readVInt(), in.readVLong(), in.readString());
        }

        @Override
        protected String idParameter() {
            return "model_id";
        }

        public String modelId() {
            return id();
        }

        public int part() {
            return part;
        }

        public byte[] definition() {
            return definition;
        }

        public DefinitionUpload totals() {
            return totals;
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = super.validate();
            if (definition == null) {
                e = addValidationError("[definition] is required", e);
            }
            if (totals == null) {
                e = addValidationError("[total_parts], [total_definition_length] and [sha256] are required", e);
            }
            return e;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeVInt(part);
            out.writeByteArray(definition);
            out.writeVInt(totals.totalParts());
            out.writeVLong(totals.totalLength());
            out.writeString(totals.sha256());
        }
    }
}
