package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.RankDocsQueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.StoredFieldsContext;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.sort.FieldSortBuilder;
import org.elasticsearch.search.sort.ScoreSortBuilder;
import org.elasticsearch.search.sort.ShardDocSortField;
import org.instanceretrieval.es.query.RankedDocsQueryBuilder;

import java.util.Arrays;

/**
 * Resolves a ranked list of {@code _id}s of one index to the shard documents of a point in time with one search that loads
 * no stored field: id {@code r} of n is matched with the score n - r ({@link RankedDocsQueryBuilder}: exact small integers),
 * so the hits' scores give back each hit's position, and their {@code _shard_doc} its shard and document. Loading the
 * {@code _id} of hundreds of hits costs more than the rest of such a search. Stateless.
 */
final class RankedIds {

    /** A resolved id: its position in the list given, and its shard request index and document in the point in time. */
    record Resolved(int position, int shardIndex, int doc) {}

    private RankedIds() {}

    /**
     * Completes with the ids found (live in the point in time and, when {@code within} is not null, among those documents),
     * in list order.
     *
     * @param within documents of the point in time to resolve among (a window), or null for the whole index
     */
    static void resolve(Client client, PointInTimeBuilder pit, String index, String[] ids, RankDoc[] within,
                        ActionListener<Resolved[]> listener) {
        int n = ids.length;
        if (n == 0 || (within != null && within.length == 0)) {
            listener.onResponse(new Resolved[0]);
            return;
        }
        String[] indices = new String[n];
        Arrays.fill(indices, index);
        float[] scores = new float[n];
        for (int r = 0; r < n; r++) {
            scores[r] = n - r; // exact: n is far below 2^24
        }
        QueryBuilder query = new RankedDocsQueryBuilder(indices, ids, scores);
        if (within != null) {
            query = new BoolQueryBuilder().must(query).filter(new RankDocsQueryBuilder(within, null, true));
        }
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(pit).query(query)
            .size(within == null ? n : Math.min(n, within.length)).fetchSource(false).trackTotalHits(false)
            .storedField(StoredFieldsContext._NONE_)
            .sort(new ScoreSortBuilder()).sort(new FieldSortBuilder(FieldSortBuilder.SHARD_DOC_FIELD_NAME));
        SearchRequest request = new SearchRequest().source(source);
        request.setPreFilterShardSize(Integer.MAX_VALUE); // shard request indices as in the other searches of the point in time
        client.execute(TransportSearchAction.TYPE, request, listener.map(response -> {
            SearchHit[] hits = response.getHits().getHits();
            Resolved[] resolved = new Resolved[hits.length];
            for (int h = 0; h < hits.length; h++) {
                Object[] sort = hits[h].getRawSortValues();
                long shardDoc = (long) sort[sort.length - 1];
                int position = n - Math.round(hits[h].getScore());
                resolved[h] = new Resolved(position, ShardDocSortField.decodeShardRequestIndex(shardDoc), ShardDocSortField.decodeDoc(shardDoc));
            }
            return resolved;
        }));
    }
}
