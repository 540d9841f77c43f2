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
import org.instanceretrieval.es.store.CachingModelStore;
import org.instanceretrieval.es.store.ModelIndex;

/**
 * Deletes through the node's store, then broadcasts {@link ClearModelCacheAction} so every
 * node forgets the model (and its inference sessions).
 */
public final class TransportDeleteModelAction extends HandledTransportAction<DeleteModelAction.Request, AcknowledgedResponse> {

    private static final Logger logger = LogManager.getLogger(TransportDeleteModelAction.class);

    private final CachingModelStore store;
    private final Client client;

    @Inject
    public TransportDeleteModelAction(TransportService transportService, ActionFilters actionFilters, CachingModelStore store, Client client) {
        super(DeleteModelAction.NAME, transportService, actionFilters, DeleteModelAction.Request::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
        // The broadcast is part of the delete the caller was allowed to do: it runs as the plugin.
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
    }

    @Override
    protected void doExecute(Task task, DeleteModelAction.Request request, ActionListener<AcknowledgedResponse> listener) {
        String modelId = request.modelId();
        store.deleteModel(modelId, listener.delegateFailureAndWrap((l, deleted) ->
            client.execute(ClearModelCacheAction.INSTANCE, new ClearModelCacheAction.Request(modelId), ActionListener.wrap(cleared -> {
                if (cleared.hasFailures()) {
                    logger.warn("model [{}] deleted, but some nodes did not confirm dropping it: {}", modelId, cleared.failures());
                }
                l.onResponse(AcknowledgedResponse.of(cleared.hasFailures() == false));
            }, e -> {
                logger.warn(() -> "model [" + modelId + "] deleted, but the cache broadcast failed", e);
                l.onResponse(AcknowledgedResponse.FALSE);
            }))));
    }
}
