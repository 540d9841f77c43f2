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
import org.elasticsearch.search.fetch.StoredFieldsContext;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.Offline;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.vectors.QuerySimilarityExt;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The work of a rewritten {@code diffusion} retriever with {@code "scope": "window"} on the coordinating node: the window
 * search and its diffusion, online (on the window's vectors), or from the offline rows stored with the documents: the query's
 * similarity to each window item, computed on the shards, then the rows of its query_k nearest window items only (one {@code ids} search reading their doc values), f_i = sum_t w_t row_t[i] for
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
     * Runs the window search and answers the window re-ranked by diffusion. Online, and whenever vectors are needed, the
     * search fetches the field's values ({@code withFields}). With offline rows it instead loads no stored field (no
     * {@code _id}, no {@code _source}) and carries the {@link QuerySimilarityExt} section, so each shard returns its hits'
     * similarities to the query from the indexed vectors and only shard documents reach this node; when a hit has no indexed
     * vector ({@code index: false}), the window is read with its values fetched.
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
        if (rowsIndex == null) {
            online(client, withFields, done);
            return;
        }
        SearchRequest scored = new QuerySimilarityExt(mapping.field(), query).addTo(request);
        scored.source().storedField(StoredFieldsContext._NONE_);
        client.execute(TransportSearchAction.TYPE, scored, done.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = DiffusionWindow.unpooled(response.getHits().getHits());
            float[] similarities = QuerySimilarityExt.similarities(hits);
            if (similarities != null) {
                offline(client, DiffusionWindow.withoutVectors(hits), similarities, withFields, l);
            } else {
                client.execute(TransportSearchAction.TYPE, withFields, l.delegateFailureAndWrap((l2, r) -> {
                    DiffusionWindow window = DiffusionWindow.read(r, mapping);
                    offline(client, window, window.similarities(query), withFields, l2);
                }));
            }
        }));
    }

    /**
     * Re-ranks the window from the offline rows of the query's query_k nearest window items ({@code similarities}: the query's
     * similarity to each window item): one search reads those documents' {@code _id}s and rows, f is summed by {@code _id},
     * and one search finds which window items the ids with f are ({@link RankedIds}). With {@code offline: auto} a nearest item
     * without a row diffuses the window online instead.
     */
    private void offline(Client client, DiffusionWindow window, float[] similarities, SearchRequest withFields, ActionListener<RankDoc[]> l) {
        inner.setRankDocs(window.docs());
        if (window.size() == 0) {
            l.onResponse(new RankDoc[0]);
            return;
        }
        Neighbours nearest = OfflineRows.nearest(similarities, parameters);
        double[] weights = new QueryWeighting(parameters.queryK(), parameters.gamma()).weights(nearest);
        RankDoc[] nearestDocs = new RankDoc[nearest.size()];
        for (int t = 0; t < nearestDocs.length; t++) {
            nearestDocs[t] = window.docs()[nearest.id(t)];
        }
        OfflineRows.read(client, pit, mapping.field(), nearestDocs, l.delegateFailureAndWrap((l2, found) -> {
            String[] ids = new String[nearestDocs.length];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = found.id(nearestDocs[t]);
            }
            Map<String, Double> f;
            try {
                f = OfflineRows.accumulate(ids, weights, found.rows(), rowsIndex.getName());
            } catch (IllegalArgumentException e) {
                if (offline == Offline.AUTO) {
                    online(client, withFields, l2);
                    return;
                }
                throw new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] [offline] true but " + e.getMessage(), e);
            }
            String[] scoredIds = f.keySet().toArray(new String[0]);
            RankedIds.resolve(client, pit, rowsIndex.getName(), scoredIds, window.docs(), l2.map(resolved -> {
                Map<Long, Integer> positions = new HashMap<>();
                for (int i = 0; i < window.size(); i++) {
                    positions.put(((long) window.docs()[i].shardIndex << 32) | window.docs()[i].doc, i);
                }
                double[] scores = new double[window.size()];
                for (RankedIds.Resolved r : resolved) {
                    scores[positions.get(((long) r.shardIndex() << 32) | r.doc())] = f.get(scoredIds[r.position()]);
                }
                return window.rank(scores);
            }));
        }));
    }

    /** Online diffusion of the window read with the field's values fetched. */
    private void online(Client client, SearchRequest withFields, ActionListener<RankDoc[]> l) {
        client.execute(TransportSearchAction.TYPE, withFields, l.delegateFailureAndWrap((l2, r) -> {
            DiffusionWindow window = DiffusionWindow.read(r, mapping);
            inner.setRankDocs(window.docs());
            l2.onResponse(window.rank(WindowDiffusion.diffuse(window.vectors(), query, parameters).solution()));
        }));
    }
}
