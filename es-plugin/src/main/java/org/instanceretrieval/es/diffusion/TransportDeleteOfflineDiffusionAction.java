package org.instanceretrieval.es.diffusion;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.model.ModelIndex;

/** Finds the builds of the index (by their {@code index} field, without their data) and deletes them, as the plugin. */
public final class TransportDeleteOfflineDiffusionAction extends HandledTransportAction<DeleteOfflineDiffusionAction.Request,
    AcknowledgedResponse> {

    /** More fields than any index has vector fields. */
    private static final int MAX_BUILDS = 1000;

    private final Client client;

    @Inject
    public TransportDeleteOfflineDiffusionAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(DeleteOfflineDiffusionAction.NAME, transportService, actionFilters, DeleteOfflineDiffusionAction.Request::new,
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
    }

    @Override
    protected void doExecute(Task task, DeleteOfflineDiffusionAction.Request request, ActionListener<AcknowledgedResponse> listener) {
        String index = request.index();
        SearchSourceBuilder source = new SearchSourceBuilder().query(QueryBuilders.termQuery("index", index)).size(MAX_BUILDS)
            .fetchSource(false);
        client.search(new SearchRequest(OfflineDiffusionIndex.INDEX).source(source), ActionListener.wrap(found -> {
            SearchHit[] hits = found.getHits().getHits();
            if (hits.length == 0) {
                listener.onFailure(noBuild(index));
                return;
            }
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (SearchHit hit : hits) {
                bulk.add(new DeleteRequest(OfflineDiffusionIndex.INDEX, hit.getId()));
            }
            client.bulk(bulk, listener.delegateFailureAndWrap((l, deleted) -> {
                if (deleted.hasFailures()) {
                    throw new IllegalStateException("deleting the offline diffusion builds of [" + index + "] failed: "
                        + deleted.buildFailureMessage());
                }
                l.onResponse(AcknowledgedResponse.TRUE);
            }));
        }, e -> listener.onFailure(ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException ? noBuild(index) : e)));
    }

    private static ResourceNotFoundException noBuild(String index) {
        return new ResourceNotFoundException("index [{}] has no offline diffusion build", index);
    }
}
