package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.search.ClosePointInTimeRequest;
import org.elasticsearch.action.search.OpenPointInTimeRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportClosePointInTimeAction;
import org.elasticsearch.action.search.TransportOpenPointInTimeAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.mapper.RoutingFieldMapper;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.sort.SortBuilders;
import org.instanceretrieval.es.job.DocumentUpdates;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Clears stored neighbour lists of {@code field}: finds the documents holding one ({@code exists} on
 * {@code retrieval_graph.<field>}, optionally narrowed by a filter) over a point in time, page by page, and sets the list to
 * {@code null} with partial updates (custom routing kept): the document then has no doc value in the field. The {@code _source}
 * keeps {@code "retrieval_graph": {"<field>": null}} (and {@code "retrieval_graph.<field>": null}, which also clears a list
 * written under the dotted name). Runs with the given client's context (the caller's: {@code read} and
 * {@code write} on the index); needs no scripting or update-by-query module. Completes with the number of lists cleared.
 */
final class GraphListCleaner {

    static final int PAGE_SIZE = 1000;
    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(1);

    private final Client client;
    private final String index;
    private final String field;

    GraphListCleaner(Client client, String index, String field) {
        this.client = client;
        this.index = index;
        this.field = field;
    }

    /** Clears the lists of the documents matching {@code filter} (null: every list of the field). */
    void clear(QueryBuilder filter, ActionListener<Long> listener) {
        BoolQueryBuilder query = QueryBuilders.boolQuery().filter(QueryBuilders.existsQuery(GraphFields.neighbours(field)));
        if (filter != null) {
            query.filter(filter);
        }
        client.execute(TransportOpenPointInTimeAction.TYPE, new OpenPointInTimeRequest(index).keepAlive(KEEP_ALIVE),
            listener.delegateFailureAndWrap((l, opened) -> {
                BytesReference pit = opened.getPointInTimeId();
                page(pit, query, null, 0, ActionListener.wrap(
                    n -> close(pit, () -> l.onResponse(n)),
                    e -> close(pit, () -> l.onFailure(e))));
            }));
    }

    private void close(BytesReference pit, Runnable then) {
        client.execute(TransportClosePointInTimeAction.TYPE, new ClosePointInTimeRequest(pit), ActionListener.running(then));
    }

    private void page(BytesReference pit, QueryBuilder query, Object[] after, long cleared, ActionListener<Long> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(new PointInTimeBuilder(pit).setKeepAlive(KEEP_ALIVE))
            .query(query).size(PAGE_SIZE).sort(SortBuilders.pitTiebreaker()).fetchSource(false).trackTotalHits(false);
        if (after != null) {
            source.searchAfter(after);
        }
        client.search(new SearchRequest().source(source), listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            if (hits.length == 0) {
                l.onResponse(cleared);
                return;
            }
            Object[] last = hits[hits.length - 1].getSortValues();
            BytesReference next = Objects.requireNonNullElse(response.pointInTimeId(), pit);
            boolean more = hits.length == PAGE_SIZE;
            BulkRequest bulk = new BulkRequest();
            Map<String, Object> none = new HashMap<>();
            none.put(field, null);
            Map<String, Object> doc = new HashMap<>();
            doc.put(GraphFields.NEIGHBOURS_ROOT, none);
            doc.put(GraphFields.neighbours(field), null); // a list written under the dotted name (as the test fixture does)
            for (SearchHit hit : hits) {
                DocumentField routing = hit.field(RoutingFieldMapper.NAME);
                bulk.add(DocumentUpdates.update(hit.getIndex(), hit.getId(), routing == null ? null : routing.getValue(), doc));
            }
            client.bulk(bulk, l.delegateFailureAndWrap((l2, written) -> {
                long done = cleared + DocumentUpdates.count(DocumentUpdates.written(written, "clearing the neighbour list",
                    GraphFields.neighbours(field)));
                if (more) {
                    page(next, query, last, done, l2);
                } else {
                    l2.onResponse(done);
                }
            }));
        }));
    }
}
