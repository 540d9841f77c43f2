package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.action.support.nodes.BaseNodesRequest;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.transport.TransportRequest;

import java.io.IOException;
import java.util.List;

/**
 * Internal nodes action (no REST endpoint): every node drops one model from its
 * {@link org.instanceretrieval.es.store.CachingModelStore}, or one whitening from its
 * {@link org.instanceretrieval.es.whitening.CachingWhiteningStore}, or one ground truth from its
 * {@link org.instanceretrieval.es.groundtruth.CachingGroundTruthStore}, or everything from all three.
 * Sent by the delete actions and by a feature-state reset. One broadcast serves both stores
 * (same rules, same nodes), so there is one action and one transport handler.
 */
public final class ClearModelCacheAction {

    public static final String NAME = "cluster:admin/retrieval/model/cache/clear";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ClearModelCacheAction() {}

    /** Which cache an id belongs to. */
    public enum Target {
        MODEL,
        WHITENING,
        GROUND_TRUTH
    }

    public static final class Request extends BaseNodesRequest<Request> {
        private final Target target;
        private final String id;

        /** @param modelId the model to drop, or null for every model, whitening and ground truth */
        public Request(String modelId) {
            this(Target.MODEL, modelId);
        }

        private Request(Target target, String id) {
            super(Strings.EMPTY_ARRAY);
            this.target = target;
            this.id = id;
        }

        /** Drops one whitening from every node's whitening cache. */
        public static Request whitening(String whiteningId) {
            return new Request(Target.WHITENING, java.util.Objects.requireNonNull(whiteningId));
        }

        /** Drops one ground truth from every node's ground-truth cache. */
        public static Request groundTruth(String groundTruthId) {
            return new Request(Target.GROUND_TRUTH, java.util.Objects.requireNonNull(groundTruthId));
        }

        public Target target() {
            return target;
        }

        /** The model or whitening id, or null for everything. */
        public String id() {
            return id;
        }
    }

    public static final class NodeRequest extends TransportRequest {
        private final Target target;
        private final String id;

        NodeRequest(Target target, String id) {
            this.target = target;
            this.id = id;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.target = in.readEnum(Target.class);
            this.id = in.readOptionalString();
        }

        Target target() {
            return target;
        }

        String id() {
            return id;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeEnum(target);
            out.writeOptionalString(id);
        }
    }

    public static final class NodeResponse extends BaseNodeResponse {
        NodeResponse(DiscoveryNode node) {
            super(node);
        }

        NodeResponse(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> {
        Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }

        @Override
        protected List<NodeResponse> readNodesFrom(StreamInput in) throws IOException {
            return in.readCollectionAsList(NodeResponse::new);
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse> nodes) throws IOException {
            out.writeCollection(nodes);
        }
    }
}
