package org.instanceretrieval.es.graph;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the marker, resolves a stale {@code running} one, and counts the documents with and without a list. */
public final class TransportGetGraphAction extends HandledTransportAction<GraphIndexRequest, JobResponse> {

    private final Client client;

    @Inject
    public TransportGetGraphAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(GetGraphAction.NAME, transportService, actionFilters, GraphIndexRequest::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, GraphIndexRequest request, ActionListener<JobResponse> listener) {
        GraphIndexRequest.concreteIndex(client, request.index(), listener.delegateFailureAndWrap((l, index) ->
            IndexMetaMarker.read(client, index, GraphMarker.KEY, l.delegateFailureAndWrap((l1, stored) -> {
                if (stored == null) {
                    throw noGraph(index);
                }
                IndexMetaMarker.resolve(client, stored, l1.delegateFailureAndWrap((l2, marker) -> {
                    String field = (String) marker.get("field");
                    QueryBuilder hasList = QueryBuilders.existsQuery(GraphFields.neighbours(field));
                    count(index, hasList, l2.delegateFailureAndWrap((l3, covered) -> count(index, QueryBuilders.boolQuery()
                        .filter(QueryBuilders.existsQuery(field)).mustNot(hasList), l3.map(added -> {
                            Map<String, Object> result = new LinkedHashMap<>();
                            result.put("index", index);
                            result.putAll(marker);
                            result.put("documents_covered", covered);
                            result.put("documents_added_since_build", added);
                            return new JobResponse(result);
                        }))));
                }));
            }))));
    }

    /** 404 {@code resource_not_found_exception}: the index holds no graph. */
    static ResourceNotFoundException noGraph(String index) {
        return new ResourceNotFoundException("index [{}] has no neighbour graph; build one with POST {}/_retrieval/graph/_build", index,
            index);
    }

    private void count(String index, QueryBuilder query, ActionListener<Long> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().size(0).trackTotalHits(true).query(query);
        client.search(new SearchRequest(index).source(source), listener.map(r -> r.getHits().getTotalHits().value));
    }
}
