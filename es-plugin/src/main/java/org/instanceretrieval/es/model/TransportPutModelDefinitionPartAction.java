package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.StoredItemsResponse;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.store.StoredItemRequest;

/**
 * Stores a part through the node's store ({@link org.instanceretrieval.es.store.IndexModelStore#putPart}).
 * The work is asynchronous (no thread waits for the index); requests arriving over the transport
 * layer are handled on the generic pool, since they carry up to 10 MiB. The hashing of the
 * completing request runs part by part on the threads that complete the part reads.
 */
public final class TransportPutModelDefinitionPartAction
    extends HandledTransportAction<StoredItemRequest<PutModelDefinitionPartAction.Params>,
    StoredItemsResponse<StoredModel>> {

    private final CachingModelStore store;

    @Inject
    public TransportPutModelDefinitionPartAction(TransportService transportService, ActionFilters actionFilters, CachingModelStore store) {
        super(
            PutModelDefinitionPartAction.NAME,
            transportService,
            actionFilters,
            PutModelDefinitionPartAction.ID.reader(PutModelDefinitionPartAction.Params::new),
            transportService.getThreadPool().executor(ThreadPool.Names.GENERIC)
        );
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, StoredItemRequest<PutModelDefinitionPartAction.Params> request,
        ActionListener<StoredItemsResponse<StoredModel>> listener) {
        PutModelDefinitionPartAction.Params part = request.params();
        store.index().putPart(request.id(), part.part(), part.definition(), part.totals(), listener.map(StoredItemsResponse::single));
    }
}
