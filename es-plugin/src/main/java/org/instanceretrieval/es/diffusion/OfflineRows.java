package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.index.query.RankDocsQueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.sort.FieldSortBuilder;
import org.elasticsearch.search.sort.ShardDocSortField;
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

    /**
     * The query_k window items most similar to the query, given the query's similarity to each window item in window order
     * ({@link org.instanceretrieval.math.VectorMath#dotInDouble}; descending, then position).
     */
    static Neighbours nearest(float[] similarities, DiffusionParameters p) {
        return new QueryWeighting(p.queryK(), p.gamma()).neighbours(similarities);
    }

    /**
     * Reads the rows of the documents {@code ids} (doc values of {@code retrieval_offline.<field>}) within the point in time;
     * the answer maps each id that holds a row to it.
     */
    static void read(Client client, PointInTimeBuilder pit, String field, String[] ids, ActionListener<Map<String, NeighbourList>> listener) {
        search(client, pit, field, QueryBuilders.idsQuery().addIds(ids), ids.length, listener.map(hits -> rowsById(hits, field)));
    }

    /** The documents of a point in time by their shard and document, with their {@code _id}s and rows. */
    record Found(Map<Long, String> idsByShardDoc, Map<String, NeighbourList> rows) {

        /** The {@code _id} of the point in time's {@code doc}, or null when it was not found. */
        String id(RankDoc doc) {
            return idsByShardDoc.get(key(doc.shardIndex, doc.doc));
        }
    }

    /** Reads the {@code _id}s and rows of the point in time's documents {@code docs} (one search of exactly those documents). */
    static void read(Client client, PointInTimeBuilder pit, String field, RankDoc[] docs, ActionListener<Found> listener) {
        search(client, pit, field, new RankDocsQueryBuilder(docs, null, true), docs.length, listener.map(hits -> {
            Map<Long, String> ids = new HashMap<>();
            for (SearchHit hit : hits) {
                Object[] sort = hit.getRawSortValues();
                long shardDoc = (long) sort[sort.length - 1];
                ids.put(key(ShardDocSortField.decodeShardRequestIndex(shardDoc), ShardDocSortField.decodeDoc(shardDoc)), hit.getId());
            }
            return new Found(ids, rowsById(hits, field));
        }));
    }

    private static long key(int shardIndex, int doc) {
        return ((long) shardIndex << 32) | (doc & 0xFFFFFFFFL);
    }

    private static void search(Client client, PointInTimeBuilder pit, String field, QueryBuilder query, int size,
                               ActionListener<SearchHit[]> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(pit).query(query).size(size).fetchSource(false)
            .docValueField(GraphFields.offlineRows(field)).trackTotalHits(false)
            .sort(new FieldSortBuilder(FieldSortBuilder.SHARD_DOC_FIELD_NAME));
        SearchRequest request = new SearchRequest().source(source);
        request.setPreFilterShardSize(Integer.MAX_VALUE); // shard request indices as in the other searches of the point in time
        client.execute(TransportSearchAction.TYPE, request, listener.map(response -> DiffusionWindow.unpooled(response.getHits().getHits())));
    }

    private static Map<String, NeighbourList> rowsById(SearchHit[] hits, String field) {
        String rowsField = GraphFields.offlineRows(field);
        Map<String, NeighbourList> rows = new HashMap<>();
        for (SearchHit hit : hits) {
            DocumentField value = hit.field(rowsField);
            if (value != null && value.getValues().size() == 1) {
                Object v = value.getValue();
                byte[] bytes = v instanceof String s ? Base64.getDecoder().decode(s) : (byte[]) v;
                rows.put(hit.getId(), NeighbourListCodec.decode(bytes));
            }
        }
        return rows;
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
