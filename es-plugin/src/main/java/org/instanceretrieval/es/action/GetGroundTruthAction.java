package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.groundtruth.GroundTruthMetadata;

import java.io.IOException;
import java.util.List;

/**
 * {@code GET _retrieval/ground_truth} (every ground truth, compact rows) and
 * {@code GET _retrieval/ground_truth/{ground_truth_id}} (one ground truth's metadata; its
 * canonical JSON too with {@code include=ground_truth}). Action name under
 * {@code cluster:monitor/} ({@code monitor} privilege).
 */
public final class GetGroundTruthAction {

    public static final String NAME = "cluster:monitor/retrieval/ground_truth/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetGroundTruthAction() {}

    public static final class Request extends StoredItemRequest {
        private final boolean includeGroundTruth;

        /** @param groundTruthId one item, or null for all */
        public Request(String groundTruthId, boolean includeGroundTruth) {
            super(groundTruthId);
            this.includeGroundTruth = includeGroundTruth;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.includeGroundTruth = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(includeGroundTruth);
        }

        @Override
        protected String idParameter() {
            return "ground_truth_id";
        }

        @Override
        protected boolean allowsAll() {
            return true;
        }

        public String groundTruthId() {
            return id();
        }

        /** Whether a single get returns the canonical JSON too. */
        public boolean includeGroundTruth() {
            return includeGroundTruth;
        }
    }

    /** Either one ground truth in full or a list of compact rows. */
    public static final class Response extends StoredItemsResponse<GroundTruthMetadata> {
        private Response(GroundTruthMetadata single, List<GroundTruthMetadata> list) {
            super(single, list);
        }

        public static Response single(GroundTruthMetadata item) {
            return new Response(item, null);
        }

        public static Response list(List<GroundTruthMetadata> items) {
            return new Response(null, items);
        }

        public Response(StreamInput in) throws IOException {
            super(in, GroundTruthMetadata::readFrom);
        }

        @Override
        protected String listField() {
            return "ground_truths";
        }
    }
}
