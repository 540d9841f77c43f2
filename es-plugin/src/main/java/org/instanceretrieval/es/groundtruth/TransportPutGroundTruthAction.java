package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.store.StoredItemRequest;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.util.function.LongSupplier;

/**
 * Parses the ground truth on this node (a {@code path} is read from this node's config
 * directory), optionally checks its names against an index (with the caller's privileges),
 * then stores it. Runs on the generic pool: a pickle of a few MB takes a while to parse.
 */
public final class TransportPutGroundTruthAction extends HandledTransportAction<StoredItemRequest<PutGroundTruthAction.Params>,
    PutGroundTruthAction.Response> {

    private final CachingGroundTruthStore store;
    private final GroundTruthInput input;
    private final Client client;
    private final RetrievalBreaker breaker;
    private final LongSupplier clock = System::currentTimeMillis;

    @Inject
    public TransportPutGroundTruthAction(TransportService transportService, ActionFilters actionFilters, CachingGroundTruthStore store,
        GroundTruthInput input, Client client, RetrievalBreaker breaker) {
        super(PutGroundTruthAction.NAME, transportService, actionFilters, PutGroundTruthAction.ID.reader(PutGroundTruthAction.Params::new),
            transportService.getThreadPool().executor(ThreadPool.Names.GENERIC));
        this.store = store;
        this.input = input;
        this.client = client;
        this.breaker = breaker;
    }

    @Override
    protected void doExecute(Task task, StoredItemRequest<PutGroundTruthAction.Params> put,
        ActionListener<PutGroundTruthAction.Response> finished) {
        String id = put.id();
        PutGroundTruthAction.Params request = put.params();
        // the expanded ground truth is held until it is stored
        Reservation memory = breaker.reserve(0, "ground truth [" + id + "]");
        ActionListener<PutGroundTruthAction.Response> listener = ActionListener.runBefore(finished, memory::close);
        NamedGroundTruth parsed;
        try {
            parsed = input.parse(request.format(), request.data(), request.path(), request.protocol(), memory);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        StoredGroundTruth stored = new StoredGroundTruth(id, request.format(), request.idField(), parsed, clock.getAsLong());
        if (request.checkIndex() == null) {
            storeIt(stored, null, listener);
            return;
        }
        MissingNames.check(client, request.checkIndex(), request.idField(), MissingNames.namesToCheck(parsed), ActionListener.wrap(
            missing -> storeIt(stored, missing, listener),
            e -> listener.onFailure(ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException
                ? new IllegalArgumentException("unknown [index] [" + request.checkIndex() + "]: no such index; nothing was stored", e)
                : e)
        ));
    }

    private void storeIt(StoredGroundTruth stored, MissingNames missing, ActionListener<PutGroundTruthAction.Response> listener) {
        store.index().put(stored, listener.map(s -> new PutGroundTruthAction.Response(GroundTruthMetadata.of(s, false), missing)));
    }
}
