package org.instanceretrieval.es.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;
import org.instanceretrieval.es.store.ModelIndex;

/** Deletes through the node's store, then broadcasts {@link ClearModelCacheAction} so every node forgets the ground truth. */
public final class TransportDeleteGroundTruthAction extends HandledTransportAction<DeleteGroundTruthAction.Request, AcknowledgedResponse> {

    private static final Logger logger = LogManager.getLogger(TransportDeleteGroundTruthAction.class);

    private final CachingGroundTruthStore store;
    private final Client client;

    @Inject
    public TransportDeleteGroundTruthAction(TransportService transportService, ActionFilters actionFilters, CachingGroundTruthStore store,
        Client client) {
        super(DeleteGroundTruthAction.NAME, transportService, actionFilters, DeleteGroundTruthAction.Request::new,
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
        // The broadcast is part of the delete the caller was allowed to do: it runs as the plugin.
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
    }

    @Override
    protected void doExecute(Task task, DeleteGroundTruthAction.Request request, ActionListener<AcknowledgedResponse> listener) {
        String id = request.groundTruthId();
        store.delete(id, listener.delegateFailureAndWrap((l, deleted) ->
            client.execute(ClearModelCacheAction.INSTANCE, ClearModelCacheAction.Request.groundTruth(id), ActionListener.wrap(cleared -> {
                if (cleared.hasFailures()) {
                    logger.warn("ground truth [{}] deleted, but some nodes did not confirm dropping it: {}", id, cleared.failures());
                }
                l.onResponse(AcknowledgedResponse.of(cleared.hasFailures() == false));
            }, e -> {
                logger.warn(() -> "ground truth [" + id + "] deleted, but the cache broadcast failed", e);
                l.onResponse(AcknowledgedResponse.FALSE);
            }))));
    }
}
