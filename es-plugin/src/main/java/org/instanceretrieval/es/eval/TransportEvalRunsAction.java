package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.sort.SortOrder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RecordRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lists the run summaries of {@link EvalRuns#DATA_STREAM}, newest first; none (not an error) before the first recording. */
public final class TransportEvalRunsAction extends HandledTransportAction<RecordRequest<EvalRunsAction.Params>, JobResponse> {

    private final Client client;

    @Inject
    public TransportEvalRunsAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(EvalRunsAction.NAME, transportService, actionFilters, RecordRequest.reader(EvalRunsAction.Params::new), EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, RecordRequest<EvalRunsAction.Params> filters, ActionListener<JobResponse> listener) {
        EvalRunsAction.Params request = filters.params();
        BoolQueryBuilder query = QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("doc_type", "run"));
        if (request.name() != null) {
            query.filter(QueryBuilders.termQuery("name", request.name()));
        }
        if (request.index() != null) {
            query.filter(QueryBuilders.termQuery("index", request.index()));
        }
        if (request.groundTruth() != null) {
            query.filter(QueryBuilders.termQuery("ground_truth", request.groundTruth()));
        }
        SearchSourceBuilder source = new SearchSourceBuilder().query(query).size(request.size()).sort("@timestamp", SortOrder.DESC)
            .trackTotalHits(false);
        SearchRequest search = new SearchRequest(EvalRuns.DATA_STREAM).source(source).indicesOptions(IndicesOptions.lenientExpandOpen());
        client.search(search, listener.map(response -> {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                Map<String, Object> run = hit.getSourceAsMap();
                run.remove("doc_type");
                runs.add(run);
            }
            return new JobResponse(Map.of("runs", runs));
        }));
    }
}
