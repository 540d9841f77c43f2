package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;

import java.io.IOException;
import java.util.List;

/**
 * Internal nodes action (no REST endpoint): every node drops one item from the cache of its
 * kind ({@link org.instanceretrieval.es.store.CachingItemStore#invalidate}: a model, a whitening,
 * a ground truth), or everything from every such cache. Sent by the delete actions and by a
 * feature-state reset. One broadcast serves every kind (same rules, same nodes), so there is one
 * action and one transport handler. Its request is an {@link ItemNodesRequest} (a null id: every item of every kind).
 */
public final class ClearModelCacheAction {

    public static final String NAME = "cluster:admin/retrieval/model/cache/clear";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ClearModelCacheAction() {}

    public static final class NodeResponse extends BaseNodeResponse {
        NodeResponse(DiscoveryNode node) {
            super(node);
        }

        NodeResponse(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class Response extends TransportItemNodesAction.Response<NodeResponse> {
        Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }
    }
}
