package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.StoredItemsResponse;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.store.StoredItemRequest;

/** Stores the configuration through the node's store (see {@link org.instanceretrieval.es.store.IndexModelStore#putConfig}). */
public final class TransportPutModelAction extends HandledTransportAction<StoredItemRequest<PutModelAction.Params>,
    StoredItemsResponse<StoredModel>> {

    private final CachingModelStore store;

    @Inject
    public TransportPutModelAction(TransportService transportService, ActionFilters actionFilters, CachingModelStore store) {
        super(PutModelAction.NAME, transportService, actionFilters, PutModelAction.ID.reader(PutModelAction.Params::new),
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, StoredItemRequest<PutModelAction.Params> request,
        ActionListener<StoredItemsResponse<StoredModel>> listener) {
        store.index().putConfig(request.id(), request.params().config(), listener.map(StoredItemsResponse::single));
    }
}
