package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.groundtruth.GroundTruthMetadata;

/**
 * {@code GET _retrieval/ground_truth[/{ground_truth_id}]} ({@link StoredItemActions#GET_GROUND_TRUTH}) under the names the
 * evaluation's privilege check runs it by ({@code GroundTruthLookup}).
 */
public final class GetGroundTruthAction {

    public static final String NAME = "cluster:monitor/retrieval/ground_truth/get";
    public static final ActionType<StoredItemsResponse<GroundTruthMetadata>> INSTANCE = StoredItemActions.GET_GROUND_TRUTH;

    private GetGroundTruthAction() {}

    /** One ground truth (with its canonical JSON when {@code includeGroundTruth}), or every one for a null id. */
    public static final class Request extends GetStoredItemsAction.Request {
        public Request(String groundTruthId, boolean includeGroundTruth) {
            super(GroundTruthIndex.KIND, groundTruthId, includeGroundTruth);
        }
    }
}
