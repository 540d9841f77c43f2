package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.JobResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts, for the resolved marker ({@link TransportGraphMarkerAction}), the documents with and without a list. */
public final class TransportGetGraphAction extends TransportGraphMarkerAction {

    @Inject
    public TransportGetGraphAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(GetGraphAction.NAME, transportService, actionFilters, client);
    }

    @Override
    protected void onMarker(String index, Map<String, Object> marker, ActionListener<JobResponse> listener) {
        String field = (String) marker.get("field");
        QueryBuilder hasList = QueryBuilders.existsQuery(GraphFields.neighbours(field));
        count(index, hasList, listener.delegateFailureAndWrap((l, covered) -> count(index, QueryBuilders.boolQuery()
            .filter(QueryBuilders.existsQuery(field)).mustNot(hasList), l.map(added -> {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("index", index);
                result.putAll(marker);
                result.put("documents_covered", covered);
                result.put("documents_added_since_build", added);
                return new JobResponse(result);
            }))));
    }

    private void count(String index, QueryBuilder query, ActionListener<Long> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().size(0).trackTotalHits(true).query(query);
        client.search(new SearchRequest(index).source(source), listener.map(r -> r.getHits().getTotalHits().value));
    }
}
