package org.instanceretrieval.es.model;

import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * What the nodes actions about one stored item share ({@link ClearModelCacheAction}, {@link GetModelStatsAction}): an
 * {@link ItemNodesRequest} sent to every node as its {@link ItemNodesRequest.Node}, run on the management pool, each node's
 * answer read with the action's node-response reader. Subclasses keep the node's operation and the response they build.
 *
 * @param <R> the action's response
 * @param <N> a node's response
 */
public abstract class TransportItemNodesAction<R extends TransportItemNodesAction.Response<N>, N extends BaseNodeResponse>
    extends TransportNodesAction<ItemNodesRequest, R, ItemNodesRequest.Node, N, Void> {

    /** The nodes' responses and failures, built on the node that sent the request (never read from the wire). */
    public static class Response<N extends BaseNodeResponse> extends BaseNodesResponse<N> {
        protected Response(ClusterName clusterName, List<N> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }

        @Override
        protected final List<N> readNodesFrom(StreamInput in) {
            throw new UnsupportedOperationException("the response of a nodes action about a stored item is not read from the wire");
        }

        @Override
        protected final void writeNodesTo(StreamOutput out, List<N> nodes) throws IOException {
            out.writeCollection(nodes);
        }
    }

    private final Writeable.Reader<N> nodeResponseReader;

    protected TransportItemNodesAction(String name, ClusterService clusterService, TransportService transportService,
        ActionFilters actionFilters, Writeable.Reader<N> nodeResponseReader) {
        super(name, clusterService, transportService, actionFilters, ItemNodesRequest.Node::new,
            transportService.getThreadPool().executor(ThreadPool.Names.MANAGEMENT));
        this.nodeResponseReader = nodeResponseReader;
    }

    @Override
    protected final ItemNodesRequest.Node newNodeRequest(ItemNodesRequest request) {
        return request.nodeRequest();
    }

    @Override
    protected final N newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return nodeResponseReader.read(in);
    }
}
