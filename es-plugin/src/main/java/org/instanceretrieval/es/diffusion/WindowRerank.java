package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.index.Index;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.Offline;
import org.instanceretrieval.es.query.FirstRoundVectors;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The work of a rewritten {@code diffusion} retriever with {@code "scope": "window"} on the coordinating node: the window
 * search, the window's vectors, and its diffusion, online, or from the offline rows stored with the documents: the rows of the
 * query's query_k nearest window items only (one {@code ids} search reading their doc values), f_i = sum_t w_t row_t[i] for
 * each window item i, the window ranked by f (ties in window order). A query_k item without a row (indexed after the build)
 * is a 400 with {@code offline: true} and falls back to online diffusion with {@code auto}. The window's memory estimate is held
 * on the request breaker throughout (429 over the limit).
 *
 * @param inner     the inner retriever (given the window's rank documents)
 * @param mapping   the vector field as the indices searched map it
 * @param query     the query vector, of the field's dims
 * @param rowsIndex the one index searched when its offline rows serve this search, else null
 */
record WindowRerank(RetrieverBuilder inner, VectorFieldInfo mapping, float[] query, int rankWindowSize, DiffusionParameters parameters,
                    Offline offline, Index rowsIndex, PointInTimeBuilder pit, Supplier<CircuitBreaker> breaker) {

    /**
     * Runs the window search and answers the window re-ranked by diffusion. With offline rows the window's vectors are read
     * from the index ({@code request}, no fetch; {@link FirstRoundVectors#readFromIndex}), which costs far less than fetching
     * them; when one is not in the index ({@code index: false}, a hit without a vector, a document deleted meanwhile) and
     * online diffusion always, the search runs with the field's values fetched ({@code withFields}).
     */
    void run(Client client, SearchRequest request, SearchRequest withFields, ActionListener<RankDoc[]> listener) {
        Releasable reserved;
        try {
            reserved = WindowDiffusion.reserve(breaker.get(), rankWindowSize, mapping.dims(), parameters.k(), DiffusionRetrieverBuilder.NAME);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        ActionListener<RankDoc[]> done = ActionListener.releaseAfter(listener, reserved);
        ActionListener<DiffusionWindow> read = done.delegateFailureAndWrap((l, window) -> rerank(client, window, l));
        if (rowsIndex == null) {
            client.execute(TransportSearchAction.TYPE, withFields, read.map(response -> DiffusionWindow.read(response, mapping)));
            return;
        }
        client.execute(TransportSearchAction.TYPE, request, read.delegateFailureAndWrap((l, response) -> {
            SearchHit[] pooled = response.getHits().getHits();
            SearchHit[] hits = new SearchHit[pooled.length]; // used after the response is released
            for (int j = 0; j < hits.length; j++) {
                hits[j] = pooled[j].asUnpooled();
            }
            FirstRoundVectors.readFromIndex(client, hits, hits.length, mapping.field(), l.delegateFailureAndWrap((l2, vectors) -> {
                if (vectors != null) {
                    l2.onResponse(DiffusionWindow.of(hits, vectors, mapping));
                } else {
                    client.execute(TransportSearchAction.TYPE, withFields, l2.map(r -> DiffusionWindow.read(r, mapping)));
                }
            }));
        }));
    }

    /** Re-ranks the window: online, or from the offline rows of the query's query_k nearest window items. */
    private void rerank(Client client, DiffusionWindow window, ActionListener<RankDoc[]> l) {
        inner.setRankDocs(window.docs());
        if (rowsIndex == null || window.size() == 0) {
            l.onResponse(online(window));
            return;
        }
        Neighbours nearest = OfflineRows.nearest(window, query, parameters);
        double[] weights = new QueryWeighting(parameters.queryK(), parameters.gamma()).weights(nearest);
        String[] ids = new String[nearest.size()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = window.ids()[nearest.id(t)];
        }
        OfflineRows.read(client, pit, mapping.field(), ids, l.delegateFailureAndWrap((l2, rows) -> {
            Map<String, Double> f;
            try {
                f = OfflineRows.accumulate(ids, weights, rows, rowsIndex.getName());
            } catch (IllegalArgumentException e) {
                if (offline == Offline.AUTO) {
                    l2.onResponse(online(window));
                    return;
                }
                throw new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] [offline] true but " + e.getMessage(), e);
            }
            double[] scores = new double[window.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = f.getOrDefault(window.ids()[i], 0d);
            }
            l2.onResponse(window.rank(scores));
        }));
    }

    private RankDoc[] online(DiffusionWindow window) {
        return window.rank(WindowDiffusion.diffuse(window.vectors(), query, parameters).solution());
    }
}
