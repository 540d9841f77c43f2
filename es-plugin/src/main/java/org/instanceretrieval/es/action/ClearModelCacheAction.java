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
 * Internal nodes action (no REST endpoint): every node drops one model, or all models, from its
 * {@link org.instanceretrieval.es.store.CachingModelStore}. Sent by the delete action and by a
 * feature-state reset.
 */
public final class ClearModelCacheAction {

    public static final String NAME = "cluster:admin/retrieval/model/cache/clear";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ClearModelCacheAction() {}

    public static final class Request extends BaseNodesRequest<Request> {
        private final String modelId;

        /** @param modelId the model to drop, or null for every model */
        public Request(String modelId) {
            super(Strings.EMPTY_ARRAY);
            this.modelId = modelId;
        }

        public String modelId() {
            return modelId;
        }
    }

    public static final class NodeRequest extends TransportRequest {
        private final String modelId;

        NodeRequest(String modelId) {
            this.modelId = modelId;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readOptionalString();
        }

        String modelId() {
            return modelId;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(modelId);
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
