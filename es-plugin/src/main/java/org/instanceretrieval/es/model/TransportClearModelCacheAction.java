package org.instanceretrieval.es.model;

import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;
import org.instanceretrieval.es.store.CachingItemStore;
import org.instanceretrieval.es.whitening.CachingWhiteningStore;

import java.util.List;

/**
 * Runs {@link CachingItemStore#invalidate} of the item's kind (or {@code invalidateAll} of every
 * kind) on every node.
 */
public final class TransportClearModelCacheAction
    extends TransportItemNodesAction<ClearModelCacheAction.Response, ClearModelCacheAction.NodeResponse> {

    private final List<CachingItemStore<?, ?>> stores;

    @Inject
    public TransportClearModelCacheAction(
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        CachingModelStore store,
        CachingWhiteningStore whitenings,
        CachingGroundTruthStore groundTruths
    ) {
        super(ClearModelCacheAction.NAME, clusterService, transportService, actionFilters, ClearModelCacheAction.NodeResponse::new);
        this.stores = List.of(store, whitenings, groundTruths);
    }

    @Override
    protected ClearModelCacheAction.Response newResponse(
        ItemNodesRequest request,
        List<ClearModelCacheAction.NodeResponse> nodes,
        List<FailedNodeException> failures
    ) {
        return new ClearModelCacheAction.Response(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected ClearModelCacheAction.NodeResponse nodeOperation(ItemNodesRequest.Node request, Task task) {
        for (CachingItemStore<?, ?> store : stores) {
            if (request.id() == null) {
                store.invalidateAll();
            } else if (store.kind().type().equals(request.type())) {
                store.invalidate(request.id());
            }
        }
        return new ClearModelCacheAction.NodeResponse(clusterService.localNode());
    }
}
