package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.instanceretrieval.es.whitening.StoredWhitening;

import java.io.IOException;
import java.util.List;


/**
 * {@code GET _retrieval/whitening} (every whitening, compact rows) and
 * {@code GET _retrieval/whitening/{whitening_id}} (one whitening's metadata; never the matrix).
 * Action name under {@code cluster:monitor/} ({@code monitor} privilege).
 */
public final class GetWhiteningAction {

    public static final String NAME = "cluster:monitor/retrieval/whitening/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetWhiteningAction() {}

    public static final class Request extends StoredItemRequest {
        /** @param whiteningId one item, or null for all */
        public Request(String whiteningId) {
            super(whiteningId);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected String idParameter() {
            return "whitening_id";
        }

        @Override
        protected boolean allowsAll() {
            return true;
        }

        public String whiteningId() {
            return id();
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
