package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * Checks that the model exists (404 otherwise), then asks every node's
 * {@link ModelUsageStatsRegistry}.
 */
public final class TransportGetModelStatsAction extends TransportNodesAction<
    GetModelStatsAction.Request,
    GetModelStatsAction.Response,
    GetModelStatsAction.NodeRequest,
    GetModelStatsAction.NodeResponse,
    Void> {

    private final CachingModelStore store;
    private final ModelUsageStatsRegistry usage;

    @Inject
    public TransportGetModelStatsAction(
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        CachingModelStore store,
        ModelUsageStatsRegistry usage
    ) {
        super(
            GetModelStatsAction.NAME,
            clusterService,
            transportService,
            actionFilters,
            GetModelStatsAction.NodeRequest::new,
            transportService.getThreadPool().executor(ThreadPool.Names.MANAGEMENT)
        );
        this.store = store;
        this.usage = usage;
    }

    @Override
    protected void doExecute(Task task, GetModelStatsAction.Request request, ActionListener<GetModelStatsAction.Response> listener) {
        store.getModel(request.modelId(), listener.delegateFailureAndWrap((l, model) -> super.doExecute(task, request, l)));
    }

    @Override
    protected GetModelStatsAction.Response newResponse(
        GetModelStatsAction.Request request,
        List<GetModelStatsAction.NodeResponse> nodes,
        List<FailedNodeException> failures
    ) {
        return new GetModelStatsAction.Response(request.modelId(), clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected GetModelStatsAction.NodeRequest newNodeRequest(GetModelStatsAction.Request request) {
        return new GetModelStatsAction.NodeRequest(request.modelId());
    }

    @Override
    protected GetModelStatsAction.NodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new GetModelStatsAction.NodeResponse(in);
    }

    @Override
    protected GetModelStatsAction.NodeResponse nodeOperation(GetModelStatsAction.NodeRequest request, Task task) {
        return new GetModelStatsAction.NodeResponse(clusterService.localNode(), usage.statsFor(request.modelId()));
    }
}
