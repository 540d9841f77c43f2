package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.whitening.StoredWhitening;

import java.io.IOException;
import java.util.List;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code GET _retrieval/whitening} (every whitening, compact rows) and
 * {@code GET _retrieval/whitening/{whitening_id}} (one whitening's metadata; never the matrix).
 * Action name under {@code cluster:monitor/} ({@code monitor} privilege).
 */
public final class GetWhiteningAction {

    public static final String NAME = "cluster:monitor/retrieval/whitening/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetWhiteningAction() {}

    public static final class Request extends ActionRequest {
        private final String whiteningId;

        /** @param whiteningId one whitening, or null for all */
        public Request(String whiteningId) {
            this.whiteningId = whiteningId;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.whiteningId = in.readOptionalString();
        }

        public String whiteningId() {
            return whiteningId;
        }

        @Override
        public ActionRequestValidationException validate() {
            return whiteningId == null || ModelIds.isValid(whiteningId)
                ? null
                : addValidationError("invalid [whitening_id] [" + whiteningId + "]", null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(whiteningId);
        }
    }

    /** Either one whitening in full or a list of compact rows. */
    public static final class Response extends StoredItemsResponse<StoredWhitening> {
        private Response(StoredWhitening single, List<StoredWhitening> list) {
            super(single, list);
        }

        public static Response single(StoredWhitening item) {
            return new Response(item, null);
        }

        public static Response list(List<StoredWhitening> items) {
            return new Response(null, items);
        }

        public Response(StreamInput in) throws IOException {
            super(in, StoredWhitening::readFrom);
        }

        @Override
        protected String listField() {
            return "whitenings";
        }
    }
}
