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
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final StoredWhitening single;
        private final List<StoredWhitening> list;

        private Response(StoredWhitening single, List<StoredWhitening> list) {
            this.single = single;
            this.list = list;
        }

        public static Response single(StoredWhitening whitening) {
            return new Response(whitening, null);
        }

        public static Response list(List<StoredWhitening> whitenings) {
            return new Response(null, List.copyOf(whitenings));
        }

        public Response(StreamInput in) throws IOException {
            if (in.readBoolean()) {
                this.single = StoredWhitening.readFrom(in);
                this.list = null;
            } else {
                this.single = null;
                this.list = in.readCollectionAsList(StoredWhitening::readFrom);
            }
        }

        /** The whitenings of the response (one for a single get). */
        public List<StoredWhitening> whitenings() {
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
            builder.startArray("whitenings");
            for (StoredWhitening w : list) {
                w.toCompactXContent(builder);
            }
            builder.endArray();
            return builder.endObject();
        }
    }
}
