package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.sort.FieldSortBuilder;
import org.elasticsearch.search.sort.ShardDocSortField;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.vectors.QuerySimilarityExt;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.StoredGraph;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The work of a {@code diffusion} retriever with {@code "scope": "index"} on the coordinating node. The inner retriever's search
 * gives the query's query_k nearest documents (its top query_k hits, their similarity recomputed from the field's vectors;
 * {@code knn} searches the field's HNSW, {@code retrieval_knn} with {@code exact: true} is exact), weighted max(s, 0)^gamma.
 * <ul>
 *   <li>online: y on those documents, (I - alpha S) f = y solved on the whole stored graph (S from {@link StoredGraphCache});
 *       all documents of the graph ranked by f, ties by ordinal (= {@code _id} order);</li>
 *   <li>offline: f = sum_t w_t row_t over the rows of those documents ({@link OfflineRows}); the documents of the rows ranked
 *       by f, ties by {@code _id}.</li>
 * </ul>
 * The top {@code rank_window_size} are resolved to shard documents by one {@code ids} search in the point in time.
 *
 * @param metadata the one index searched
 * @param marker   its usable graph (online) or null (offline)
 */
record IndexRerank(RetrieverBuilder inner, VectorFieldInfo mapping, float[] query, int rankWindowSize, DiffusionParameters parameters,
                   IndexMetadata metadata, GraphMarker marker, StoredGraphCache cache, PointInTimeBuilder pit) {

    /**
     * Runs {@code request} (the inner search for the query_k nearest), with the query's similarities computed on the shards
     * ({@link QuerySimilarityExt}), else ({@code withFields}) from the hits' fetched vectors, and answers the top documents of
     * the whole index.
     */
    void run(Client client, SearchRequest request, SearchRequest withFields, ActionListener<RankDoc[]> listener) {
        SearchRequest scored = new QuerySimilarityExt(mapping.field(), query).addTo(request);
        client.execute(TransportSearchAction.TYPE, scored, listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = DiffusionWindow.unpooled(response.getHits().getHits());
            float[] similarities = QuerySimilarityExt.similarities(hits);
            if (similarities != null) {
                rerank(client, DiffusionWindow.withoutVectors(hits), similarities, l);
            } else {
                client.execute(TransportSearchAction.TYPE, withFields, l.delegateFailureAndWrap((l2, r) -> {
                    DiffusionWindow window = DiffusionWindow.read(r, mapping);
                    rerank(client, window, window.similarities(query), l2);
                }));
            }
        }));
    }

    private void rerank(Client client, DiffusionWindow window, float[] similarities, ActionListener<RankDoc[]> l) {
        inner.setRankDocs(window.docs());
        Neighbours nearest = OfflineRows.nearest(similarities, parameters);
        double[] weights = new QueryWeighting(parameters.queryK(), parameters.gamma()).weights(nearest);
        String[] ids = new String[nearest.size()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = window.ids()[nearest.id(t)];
        }
        if (marker == null) {
            OfflineRows.read(client, pit, mapping.field(), ids, l.delegateFailureAndWrap((l2, rows) -> offline(client, ids, weights, rows,
                l2)));
        } else {
            cache.get(client, metadata, marker, parameters.k(), parameters.gamma(), l.delegateFailureAndWrap((l2, loaded) ->
                cache.executor().execute(() -> {
                    try {
                        online(client, loaded, ids, weights, l2);
                    } catch (Exception e) {
                        l2.onFailure(e);
                    }
                })));
        }
    }

    private void online(Client client, StoredGraphCache.Loaded loaded, String[] ids, double[] weights, ActionListener<RankDoc[]> l) {
        StoredGraph graph = loaded.graph();
        double[] y = new double[graph.size()];
        for (int t = 0; t < ids.length; t++) {
            int o = graph.ordinal(ids[t]);
            if (o >= 0) {
                y[o] = weights[t];
            }
        }
        double[] f = new ConjugateGradient(parameters.alpha(), parameters.tolerance(), parameters.maxIterations())
            .solve(loaded.affinity(), y).solution();
        int[] top = top(f, rankWindowSize);
        String[] topIds = new String[top.length];
        double[] topF = new double[top.length];
        for (int r = 0; r < top.length; r++) {
            topIds[r] = graph.id(top[r]);
            topF[r] = f[top[r]];
        }
        resolve(client, topIds, topF, l);
    }

    private void offline(Client client, String[] ids, double[] weights, Map<String, NeighbourList> rows, ActionListener<RankDoc[]> l) {
        Map<String, Double> f = OfflineRows.accumulate(ids, weights, rows, metadata.getIndex().getName());
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(f.entrySet());
        ranked.sort((a, b) -> {
            int c = Double.compare(b.getValue() + 0.0, a.getValue() + 0.0);
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
        int n = Math.min(rankWindowSize, ranked.size());
        String[] topIds = new String[n];
        double[] topF = new double[n];
        for (int r = 0; r < n; r++) {
            topIds[r] = ranked.get(r).getKey();
            topF[r] = ranked.get(r).getValue();
        }
        resolve(client, topIds, topF, l);
    }

    /**
     * The {@code w} entries of f with the highest values, ties by lower index, in that order (a bounded heap: O(n log w)).
     */
    static int[] top(double[] f, int w) {
        int size = Math.min(w, f.length);
        int[] heap = new int[size]; // root = the worst kept
        int count = 0;
        for (int i = 0; i < f.length; i++) {
            if (count < size) {
                heap[count] = i;
                siftUp(heap, count++, f);
            } else if (size > 0 && better(i, heap[0], f)) {
                heap[0] = i;
                siftDown(heap, size, f);
            }
        }
        Integer[] sorted = new Integer[count];
        for (int t = 0; t < count; t++) {
            sorted[t] = heap[t];
        }
        Arrays.sort(sorted, (a, b) -> better(a, b, f) ? -1 : better(b, a, f) ? 1 : 0);
        int[] out = new int[count];
        for (int t = 0; t < count; t++) {
            out[t] = sorted[t];
        }
        return out;
    }

    private static boolean better(int a, int b, double[] f) {
        double x = f[a] + 0.0;
        double y = f[b] + 0.0;
        return x > y || (x == y && a < b);
    }

    private static void siftUp(int[] heap, int at, double[] f) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (better(heap[parent], heap[at], f) == false) {
                return;
            }
            int t = heap[parent];
            heap[parent] = heap[at];
            heap[at] = t;
            at = parent;
        }
    }

    private static void siftDown(int[] heap, int size, double[] f) {
        int at = 0;
        while (true) {
            int worst = at;
            for (int c = 2 * at + 1; c <= 2 * at + 2 && c < size; c++) {
                if (better(heap[worst], heap[c], f)) {
                    worst = c;
                }
            }
            if (worst == at) {
                return;
            }
            int t = heap[worst];
            heap[worst] = heap[at];
            heap[at] = t;
            at = worst;
        }
    }

    /** The ranked ids as rank documents of the point in time (one ids search); ids no longer in the index are skipped. */
    private void resolve(Client client, String[] ids, double[] f, ActionListener<RankDoc[]> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(pit).query(QueryBuilders.idsQuery().addIds(ids))
            .size(Math.max(ids.length, 1)).fetchSource(false).trackTotalHits(false)
            .sort(new FieldSortBuilder(FieldSortBuilder.SHARD_DOC_FIELD_NAME));
        client.execute(TransportSearchAction.TYPE, new SearchRequest().source(source), listener.delegateFailureAndWrap((l, response) -> {
            Map<String, long[]> found = new HashMap<>();
            for (SearchHit hit : response.getHits().getHits()) {
                Object[] sort = hit.getRawSortValues();
                long shardDoc = (long) sort[sort.length - 1];
                found.put(hit.getId(), new long[] { ShardDocSortField.decodeDoc(shardDoc), ShardDocSortField.decodeShardRequestIndex(shardDoc) });
            }
            List<Integer> kept = new ArrayList<>();
            for (int r = 0; r < ids.length; r++) {
                if (found.containsKey(ids[r])) {
                    kept.add(r);
                }
            }
            double[] inRankOrder = new double[kept.size()];
            for (int r = 0; r < inRankOrder.length; r++) {
                inRankOrder[r] = f[kept.get(r)];
            }
            float[] scores = DiffusionWindow.strictlyDecreasing(inRankOrder);
            RankDoc[] ranked = new RankDoc[kept.size()];
            for (int r = 0; r < ranked.length; r++) {
                long[] at = found.get(ids[kept.get(r)]);
                ranked[r] = new RankDoc((int) at[0], scores[r], (int) at[1]);
                ranked[r].rank = r + 1;
            }
            l.onResponse(ranked);
        }));
    }
}
