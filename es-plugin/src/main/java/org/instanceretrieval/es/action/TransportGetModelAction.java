package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.store.CachingModelStore;

/** Reads one model (through the node's cache) or lists all (from the index). */
public final class TransportGetModelAction extends HandledTransportAction<GetModelAction.Request, GetModelAction.Response> {

    private final CachingModelStore store;

    @Inject
    public TransportGetModelAction(TransportService transportService, ActionFilters actionFilters, CachingModelStore store) {
        super(GetModelAction.NAME, transportService, actionFilters, GetModelAction.Request::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, GetModelAction.Request request, ActionListener<GetModelAction.Response> listener) {
        if (request.modelId() == null) {
            store.listModels(listener.map(GetModelAction.Response::list));
        } else {
            store.getModel(request.modelId(), listener.map(GetModelAction.Response::single));
        }
    }
}
