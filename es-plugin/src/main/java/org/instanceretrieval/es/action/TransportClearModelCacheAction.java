package org.instanceretrieval.es.action;

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
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;
import org.instanceretrieval.es.store.CachingModelStore;
import org.instanceretrieval.es.whitening.CachingWhiteningStore;

import java.io.IOException;
import java.util.List;

/**
 * Runs {@link CachingModelStore#invalidate}, {@link CachingWhiteningStore#invalidate} or
 * {@link CachingGroundTruthStore#invalidate} (or {@code invalidateAll} of all three) on every node.
 */
public final class TransportClearModelCacheAction extends TransportNodesAction<
    ClearModelCacheAction.Request,
    ClearModelCacheAction.Response,
    ClearModelCacheAction.NodeRequest,
    ClearModelCacheAction.NodeResponse,
    Void> {

    private final CachingModelStore store;
    private final CachingWhiteningStore whitenings;
    private final CachingGroundTruthStore groundTruths;

    @Inject
    public TransportClearModelCacheAction(
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        CachingModelStore store,
        CachingWhiteningStore whitenings,
        CachingGroundTruthStore groundTruths
    ) {
        super(
            ClearModelCacheAction.NAME,
            clusterService,
            transportService,
            actionFilters,
            ClearModelCacheAction.NodeRequest::new,
            transportService.getThreadPool().executor(ThreadPool.Names.MANAGEMENT)
        );
        this.store = store;
        this.whitenings = whitenings;
        this.groundTruths = groundTruths;
    }

    @Override
    protected ClearModelCacheAction.Response newResponse(
        ClearModelCacheAction.Request request,
        List<ClearModelCacheAction.NodeResponse> nodes,
        List<FailedNodeException> failures
    ) {
        return new ClearModelCacheAction.Response(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected ClearModelCacheAction.NodeRequest newNodeRequest(ClearModelCacheAction.Request request) {
        return new ClearModelCacheAction.NodeRequest(request.target(), request.id());
    }

    @Override
    protected ClearModelCacheAction.NodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new ClearModelCacheAction.NodeResponse(in);
    }

    @Override
    protected ClearModelCacheAction.NodeResponse nodeOperation(ClearModelCacheAction.NodeRequest request, Task task) {
        if (request.id() == null) {
            store.invalidateAll();
            whitenings.invalidateAll();
            groundTruths.invalidateAll();
        } else if (request.target() == ClearModelCacheAction.Target.GROUND_TRUTH) {
            groundTruths.invalidate(request.id());
        } else if (request.target() == ClearModelCacheAction.Target.WHITENING) {
            whitenings.invalidate(request.id());
        } else {
            store.invalidate(request.id());
        }
        return new ClearModelCacheAction.NodeResponse(clusterService.localNode());
    }
}
