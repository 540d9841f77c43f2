package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.List;

/**
 * Checks that the model exists (404 otherwise), then asks every node's
 * {@link ModelUsageStatsRegistry}.
 */
public final class TransportGetModelStatsAction
    extends TransportItemNodesAction<GetModelStatsAction.Response, GetModelStatsAction.NodeResponse> {

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
        super(GetModelStatsAction.NAME, clusterService, transportService, actionFilters, GetModelStatsAction.NodeResponse::new);
        this.store = store;
        this.usage = usage;
    }

    @Override
    protected void doExecute(Task task, ItemNodesRequest request, ActionListener<GetModelStatsAction.Response> listener) {
        store.getModel(request.id(), listener.delegateFailureAndWrap((l, model) -> super.doExecute(task, request, l)));
    }

    @Override
    protected GetModelStatsAction.Response newResponse(
        ItemNodesRequest request,
        List<GetModelStatsAction.NodeResponse> nodes,
        List<FailedNodeException> failures
    ) {
        return new GetModelStatsAction.Response(request.id(), clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected GetModelStatsAction.NodeResponse nodeOperation(ItemNodesRequest.Node request, Task task) {
        return new GetModelStatsAction.NodeResponse(clusterService.localNode(), usage.statsFor(request.id()));
    }
}
