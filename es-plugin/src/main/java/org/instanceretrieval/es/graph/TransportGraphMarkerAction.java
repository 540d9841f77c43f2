package org.instanceretrieval.es.graph;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RecordRequest;

import java.util.Map;

/**
 * What {@code GET} and {@code DELETE {index}/_retrieval/graph} share: the one concrete index of the request
 * ({@link GraphIndexRequest#concreteIndex}), its graph marker read from {@code _meta} (404 {@code resource_not_found_exception}
 * when there is none) and resolved ({@link IndexMetaMarker#resolve}: a stale {@code running} marker reads as {@code failed}).
 * Subclasses answer from the index and the resolved marker, with the caller's privileges.
 */
public abstract class TransportGraphMarkerAction extends HandledTransportAction<RecordRequest<GraphIndexRequest>, JobResponse> {

    protected final Client client;

    protected TransportGraphMarkerAction(String name, TransportService transportService, ActionFilters actionFilters, Client client) {
        super(name, transportService, actionFilters, RecordRequest.reader(GraphIndexRequest::new), EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    @Override
    protected final void doExecute(Task task, RecordRequest<GraphIndexRequest> request, ActionListener<JobResponse> listener) {
        GraphIndexRequest.concreteIndex(client, request.params().index(), listener.delegateFailureAndWrap((l, index) ->
            IndexMetaMarker.readResolved(client, index, GraphMarker.KEY, l.delegateFailureAndWrap((l1, marker) -> {
                if (marker == null) {
                    throw new ResourceNotFoundException("index [{}] has no neighbour graph; build one with POST {}/_retrieval/graph/_build",
                        index, index);
                }
                onMarker(index, marker, l1);
            }))));
    }

    /** Answers for {@code index}, whose graph marker (resolved) is {@code marker}. */
    protected abstract void onMarker(String index, Map<String, Object> marker, ActionListener<JobResponse> listener);
}
