package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.whitening.CachingWhiteningStore;

/** Reads one whitening's metadata or lists all, from the index. */
public final class TransportGetWhiteningAction extends HandledTransportAction<GetWhiteningAction.Request, GetWhiteningAction.Response> {

    private final CachingWhiteningStore store;

    @Inject
    public TransportGetWhiteningAction(TransportService transportService, ActionFilters actionFilters, CachingWhiteningStore store) {
        super(GetWhiteningAction.NAME, transportService, actionFilters, GetWhiteningAction.Request::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, GetWhiteningAction.Request request, ActionListener<GetWhiteningAction.Response> listener) {
        if (request.whiteningId() == null) {
            store.index().list(listener.map(GetWhiteningAction.Response::list));
        } else {
            store.index().getMetadata(request.whiteningId(), listener.map(GetWhiteningAction.Response::single));
        }
    }
}
