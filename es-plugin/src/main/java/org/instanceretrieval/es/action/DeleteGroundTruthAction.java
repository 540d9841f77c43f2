package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.common.io.stream.StreamInput;

import java.io.IOException;

/**
 * {@code DELETE _retrieval/ground_truth/{ground_truth_id}}: deletes the ground truth (404 if
 * unknown), then drops it from the cache of every node. {@code acknowledged} is true when every
 * node confirmed. Action name under {@code cluster:admin/} ({@code manage} privilege).
 */
public final class DeleteGroundTruthAction {

    public static final String NAME = "cluster:admin/retrieval/ground_truth/delete";
    public static final ActionType<AcknowledgedResponse> INSTANCE = new ActionType<>(NAME);

    private DeleteGroundTruthAction() {}

    public static final class Request extends StoredItemRequest {
        public Request(String groundTruthId) {
            super(groundTruthId);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected String idParameter() {
            return "ground_truth_id";
        }

        public String groundTruthId() {
            return id();
        }
    }
}
