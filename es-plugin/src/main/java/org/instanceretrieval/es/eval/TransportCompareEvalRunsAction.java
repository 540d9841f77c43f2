package org.instanceretrieval.es.eval;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.sort.SortOrder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RecordRequest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the two summaries (404 for an unknown run id) and every per-query document of both runs
 * (pages of {@value #PAGE} sorted by query name with {@code search_after}), then
 * {@link RunComparison} computes the differences.
 */
public final class TransportCompareEvalRunsAction extends HandledTransportAction<RecordRequest<CompareEvalRunsAction.Params>,
    JobResponse> {

    static final int PAGE = 5000;

    private final Client client;

    @Inject
    public TransportCompareEvalRunsAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(CompareEvalRunsAction.NAME, transportService, actionFilters, RecordRequest.reader(CompareEvalRunsAction.Params::new),
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    private static SearchRequest search(SearchSourceBuilder source) {
        return new SearchRequest(EvalRuns.DATA_STREAM).source(source).indicesOptions(IndicesOptions.lenientExpandOpen());
    }

    @Override
    protected void doExecute(Task task, RecordRequest<CompareEvalRunsAction.Params> compare, ActionListener<JobResponse> listener) {
        CompareEvalRunsAction.Params request = compare.params();
        SearchSourceBuilder source = new SearchSourceBuilder().size(2).trackTotalHits(false)
            .query(QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery("doc_type", "run"))
                .filter(QueryBuilders.termsQuery("run_id", request.base(), request.other())));
        client.search(search(source), listener.delegateFailureAndWrap((l, response) -> {
            Map<String, Map<String, Object>> summaries = new HashMap<>();
            for (SearchHit hit : response.getHits().getHits()) {
                Map<String, Object> run = hit.getSourceAsMap();
                summaries.put((String) run.get("run_id"), run);
            }
            for (String id : List.of(request.base(), request.other())) {
                if (summaries.containsKey(id) == false) {
                    throw new ResourceNotFoundException("run [{}] is not recorded in [{}]", id, EvalRuns.DATA_STREAM);
                }
            }
            readQueries(request.base(), null, new LinkedHashMap<>(), l.delegateFailureAndWrap((l2, baseQueries) ->
                readQueries(request.other(), null, new LinkedHashMap<>(), l2.delegateFailureAndWrap((l3, otherQueries) ->
                    l3.onResponse(new JobResponse(RunComparison.compare(summaries.get(request.base()),
                        summaries.get(request.other()), baseQueries, otherQueries, request.size())))))));
        }));
    }

    /** Reads the per-query values (ap, or score) of a run, page by page. */
    private void readQueries(String runId, Object[] after, Map<String, Double> out, ActionListener<Map<String, Double>> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().size(PAGE).trackTotalHits(false)
            .query(QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery("doc_type", "query"))
                .filter(QueryBuilders.termQuery("run_id", runId)))
            .fetchSource(new String[] { "query", "ap", "score" }, null)
            .sort("query", SortOrder.ASC);
        if (after != null) {
            source.searchAfter(after);
        }
        client.search(search(source), listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            for (SearchHit hit : hits) {
                Map<String, Object> doc = hit.getSourceAsMap();
                Object value = doc.containsKey("ap") ? doc.get("ap") : doc.get("score");
                out.put((String) doc.get("query"), value instanceof Number n ? n.doubleValue() : null);
            }
            if (hits.length < PAGE) {
                l.onResponse(out);
            } else {
                readQueries(runId, hits[hits.length - 1].getSortValues(), out, l);
            }
        }));
    }
}
