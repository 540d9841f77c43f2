package org.instanceretrieval.es.model;

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
import org.instanceretrieval.es.store.StoredItemKind;

import java.io.IOException;
import java.util.List;

/**
 * Internal nodes action (no REST endpoint): every node drops one item from the cache of its
 * kind ({@link org.instanceretrieval.es.store.CachingItemStore#invalidate}: a model, a whitening,
 * a ground truth), or everything from every such cache. Sent by the delete actions and by a
 * feature-state reset. One broadcast serves every kind (same rules, same nodes), so there is one
 * action and one transport handler.
 */
public final class ClearModelCacheAction {

    public static final String NAME = "cluster:admin/retrieval/model/cache/clear";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ClearModelCacheAction() {}

    public static final class Request extends BaseNodesRequest<Request> {
        private final String type;
        private final String id;

        /** @param modelId the model to drop, or null for every item of every kind */
        public Request(String modelId) {
            this(ModelIndex.KIND, modelId);
        }

        /** @param id the item of {@code kind} to drop, or null for every item of every kind */
        public Request(StoredItemKind<?> kind, String id) {
            super(Strings.EMPTY_ARRAY);
            this.type = kind.type();
            this.id = id;
        }

        NodeRequest nodeRequest() {
            return new NodeRequest(type, id);
        }
    }

    public static final class NodeRequest extends TransportRequest {
        private final String type;
        private final String id;

        NodeRequest(String type, String id) {
            this.type = type;
            this.id = id;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.type = in.readString();
            this.id = in.readOptionalString();
        }

        /** The {@link StoredItemKind#type} of the item. */
        String type() {
            return type;
        }

        /** The item's id, or null for everything. */
        String id() {
            return id;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(type);
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
