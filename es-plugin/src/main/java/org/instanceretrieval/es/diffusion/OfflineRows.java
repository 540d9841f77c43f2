package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.graph.GraphFields;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.GraphMarkers;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The query side of offline diffusion (Yang et al.) on rows stored per document: which rows may serve a search
 * ({@link #unusable}), the query's query_k nearest among its hits and their weights max(s, 0)^gamma ({@link #nearest}), reading
 * only those documents' rows from doc values ({@link #read}) and the scores sum_t w_t row_t ({@link #accumulate}). Per query
 * O(query_k n_trunc) time and heap, whatever the collection size. Stateless.
 */
final class OfflineRows {

    private OfflineRows() {}

    /** Why the offline rows of {@code index} cannot serve a search of {@code field} with {@code p}, or null when they can. */
    static String unusable(IndexMetadata index, String field, DiffusionParameters p) {
        String name = index.getIndex().getName();
        Map<?, ?> meta = GraphMarkers.meta(index);
        OfflineRowsMarker rows = OfflineRowsMarker.fromMeta(meta);
        if (rows == null || rows.field().equals(field) == false) {
            return "index [" + name + "] has no offline diffusion rows of field [" + field + "]: build them with POST " + name
                + "/_retrieval/diffusion/_build {\"field\": \"" + field + "\"}";
        }
        if (rows.isDone() == false) {
            return "the offline diffusion rows of index [" + name + "] are [" + rows.state() + "]" + (rows.reason() == null ? ""
                : " (" + rows.reason() + ")") + ", not [done]";
        }
        if (rows.k() != p.k() || Double.compare(rows.gamma(), p.gamma()) != 0 || Double.compare(rows.alpha(), p.alpha()) != 0) {
            return "the offline diffusion rows of index [" + name + "] have k [" + rows.k() + "], gamma [" + rows.gamma() + "], alpha ["
                + rows.alpha() + "] but the search asks for k [" + p.k() + "], gamma [" + p.gamma() + "], alpha [" + p.alpha() + "]";
        }
        GraphMarker graph = GraphMarker.fromMeta(meta);
        if (graph == null || graph.task().equals(rows.graphTask()) == false) {
            return "the offline diffusion rows of index [" + name + "] were solved on neighbour graph [" + rows.graphTask()
                + "], which was rebuilt or deleted since: rebuild them";
        }
        return null;
    }

    /** The query_k hits most similar to the query (dot product accumulated in double, as a float; descending, then position). */
    static Neighbours nearest(DiffusionWindow window, float[] query, DiffusionParameters p) {
        float[] s = new float[window.size()];
        for (int i = 0; i < s.length; i++) {
            float[] v = window.vectors()[i];
            double sum = 0;
            for (int d = 0; d < v.length; d++) {
                sum += (double) query[d] * v[d];
            }
            s[i] = (float) sum;
        }
        return new QueryWeighting(p.queryK(), p.gamma()).neighbours(s);
    }

    /**
     * Reads the rows of the documents {@code ids} (doc values of {@code retrieval_offline.<field>}) within the point in time;
     * the answer maps each id that holds a row to it.
     */
    static void read(Client client, PointInTimeBuilder pit, String field, String[] ids, ActionListener<Map<String, NeighbourList>> listener) {
        String rowsField = GraphFields.offlineRows(field);
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(pit).query(QueryBuilders.idsQuery().addIds(ids))
            .size(ids.length).fetchSource(false).docValueField(rowsField).trackTotalHits(false);
        client.execute(TransportSearchAction.TYPE, new SearchRequest().source(source), listener.delegateFailureAndWrap((l, response) -> {
            Map<String, NeighbourList> rows = new HashMap<>();
            for (SearchHit hit : response.getHits().getHits()) {
                DocumentField value = hit.field(rowsField);
                if (value != null && value.getValues().size() == 1) {
                    Object v = value.getValue();
                    byte[] bytes = v instanceof String s ? Base64.getDecoder().decode(s) : (byte[]) v;
                    rows.put(hit.getId(), NeighbourListCodec.decode(bytes));
                }
            }
            l.onResponse(rows);
        }));
    }

    /**
     * f = sum_t weights[t] * row of ids[t], per document id (rows in the order given, so the sum's order is fixed).
     *
     * @throws IllegalArgumentException naming the first of {@code ids} without a row
     */
    static Map<String, Double> accumulate(String[] ids, double[] weights, Map<String, NeighbourList> rows, String index) {
        Map<String, Double> f = new HashMap<>();
        for (int t = 0; t < ids.length; t++) {
            NeighbourList row = rows.get(ids[t]);
            if (row == null) {
                throw new IllegalArgumentException("document [" + ids[t] + "] among the query's [query_k] nearest has no offline diffusion "
                    + "row: it was indexed after the offline diffusion build of index [" + index + "]; rebuild it");
            }
            for (int e = 0; e < row.size(); e++) {
                double add = weights[t] * row.similarity(e);
                f.merge(row.id(e), add, Double::sum);
            }
        }
        return f;
    }
}
