package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.core.Tuple;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.instanceretrieval.es.vectors.ShardVectorsByIdAction;
import org.instanceretrieval.memory.Reservation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The first-round search of {@code retrieval_knn}'s {@code expansion} and the vectors of its hits,
 * registered as an asynchronous action of the coordinating rewrite.
 * <p>
 * From the index ({@code fromIndex}): the search fetches no {@code _source}, its hits' ids are
 * grouped by shard ({@link SearchHit#getShard()}), and one {@link ShardVectorsByIdAction} per shard
 * (in parallel, with the caller's context) reads their vectors from Lucene's
 * {@code FloatVectorValues}, which hold the indexed floats: the {@code _source} values for every
 * similarity but {@code cosine}, whose vectors Elasticsearch stores L2-normalised. When a hit's
 * vector is not in the index (a field with {@code index: false}, a document deleted meanwhile), the
 * round is run again as below.
 * <p>
 * From {@code _source}: the search fetches the field of each hit's {@code _source}.
 */
public final class FirstRoundVectors {

    private FirstRoundVectors() {}

    /** The first round's hits in global order and access to their vectors. */
    public interface Hits {
        SearchHit[] hits();

        /** A fresh copy of hit {@code j}'s vector, or null when it has none; allocated only when called. */
        float[] vector(int j);

        /** Where the vectors come from, for error messages: {@code _source} or {@code the index}. */
        String origin();
    }

    /**
     * Registers the first round: the search of {@code query} over {@code indices} for its top
     * {@code size} hits (no total hits), then {@code then} of the hits and the vectors of the first
     * {@code vectors} of them.
     *
     * @param fromIndex read the vectors from the index (float fields whose indexed floats are the
     *                  ones wanted), else from {@code _source}
     * @param reserve   given the number of hits whose vectors are read, reserves their memory once
     *                  the search answered and before any vector is read (or returns null); closed after {@code then}
     * @return set to {@code then}'s result once the rewrite's asynchronous actions ran; a failure of
     *     the search, of the reservation, of a shard read or of {@code then} fails the search request
     */
    static <T> SetOnce<T> search(QueryRewriteContext context, String[] indices, QueryBuilder query, int size, String field,
                                 boolean fromIndex, int vectors, IntFunction<Reservation> reserve, CheckedFunction<Hits, T, Exception> then) {
        SetOnce<T> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> run(client, indices, query, size, field, fromIndex, vectors, reserve, then,
            listener.delegateFailureAndWrap((l, value) -> {
                result.set(value);
                l.onResponse(null);
            })));
        return result;
    }

    /**
     * Runs the first round now, through {@code client}, as {@link #search} registers it: {@code listener} gets {@code then}'s
     * result, or the failure of the search, the reservation, a shard read or {@code then}.
     */
    static <T> void run(Client client, String[] indices, QueryBuilder query, int size, String field, boolean fromIndex, int vectors,
                        IntFunction<Reservation> reserve, CheckedFunction<Hits, T, Exception> then, ActionListener<T> listener) {
        SetOnce<Reservation> reserved = new SetOnce<>();
        ActionListener<Hits> done = releasing(listener, reserved).delegateFailureAndWrap((l, hits) -> l.onResponse(then.apply(hits)));
        if (fromIndex) {
            client.search(request(indices, query, size, null), done.delegateFailureAndWrap((l, response) -> {
                SearchHit[] pooled = response.getHits().getHits();
                SearchHit[] hits = new SearchHit[pooled.length]; // used after the response is released
                for (int j = 0; j < hits.length; j++) {
                    hits[j] = pooled[j].asUnpooled();
                }
                reserved.set(reserve.apply(Math.min(vectors, hits.length)));
                readFromIndex(client, hits, Math.min(vectors, hits.length), field, l.delegateFailureAndWrap((l2, read) -> {
                    if (read != null) {
                        l2.onResponse(read);
                    } else {
                        searchSource(client, indices, query, size, field, l2);
                    }
                }));
            }));
        } else {
            searchSource(client, indices, query, size, field, done.delegateFailureAndWrap((l, hits) -> {
                reserved.set(reserve.apply(Math.min(vectors, hits.hits().length)));
                l.onResponse(hits);
            }));
        }
    }

    /** {@code listener}, closing the reservation (if any) before it is completed. */
    private static <R> ActionListener<R> releasing(ActionListener<R> listener, SetOnce<Reservation> reserved) {
        return ActionListener.runBefore(listener, () -> {
            if (reserved.get() != null) {
                reserved.get().close();
            }
        });
    }

    private static SearchRequest request(String[] indices, QueryBuilder query, int size, String sourceField) {
        return new SearchRequest(indices).source(new SearchSourceBuilder().query(query)
            .size(size)
            .trackTotalHits(false)
            .fetchSource(sourceField == null ? FetchSourceContext.DO_NOT_FETCH_SOURCE
                : FetchSourceContext.of(true, new String[] { sourceField }, null)));
    }

    private static void searchSource(Client client, String[] indices, QueryBuilder query, int size, String field,
                                     ActionListener<Hits> listener) {
        client.search(request(indices, query, size, field), listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            l.onResponse(new Hits() {
                @Override
                public SearchHit[] hits() {
                    return hits;
                }

                @Override
                public float[] vector(int j) {
                    return QueryVectorSource.vectorFromSource(RetrievalKnnQueryBuilder.NAME, hits[j].getSourceAsMap(), field);
                }

                @Override
                public String origin() {
                    return "_source";
                }
            });
        }));
    }

    /**
     * Reads the vectors of the first {@code count} hits shard by shard; completes with null when one
     * of them has no shard or no vector in the index.
     */
    public static void readFromIndex(Client client, SearchHit[] hits, int count, String field, ActionListener<Hits> listener) {
        Map<ShardId, List<Integer>> byShard = new LinkedHashMap<>();
        for (int j = 0; j < count; j++) {
            if (hits[j].getShard() == null) {
                listener.onResponse(null);
                return;
            }
            byShard.computeIfAbsent(hits[j].getShard().getShardId(), s -> new ArrayList<>()).add(j);
        }
        if (byShard.isEmpty()) {
            listener.onResponse(indexHits(hits, new int[0], new int[0], new float[0][], 0));
            return;
        }
        GroupedActionListener<Tuple<List<Integer>, ShardVectorsByIdAction.Result>> group = new GroupedActionListener<>(byShard.size(),
            listener.delegateFailureAndWrap((l, answers) -> l.onResponse(assemble(hits, answers))));
        for (Map.Entry<ShardId, List<Integer>> shard : byShard.entrySet()) {
            List<Integer> members = shard.getValue();
            String[] ids = new String[members.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = hits[members.get(i)].getId();
            }
            ShardId id = shard.getKey();
            ShardVectorsByIdAction.INSTANCE.execute(client, id.getIndexName(), id.id(), field, new ShardVectorsByIdAction.Params(ids),
                group.map(response -> Tuple.tuple(members, response)));
        }
    }

    /** The hits with their vectors' places in the shard responses, or null when one is missing. */
    private static Hits assemble(SearchHit[] hits, Collection<Tuple<List<Integer>, ShardVectorsByIdAction.Result>> answers) {
        int[] answerOf = new int[hits.length]; // hits after the ones read keep 0 and are not asked for
        float[][] rows = new float[answers.size()][];
        int dims = 0;
        int[] rowOf = new int[hits.length];
        int a = 0;
        for (Tuple<List<Integer>, ShardVectorsByIdAction.Result> answer : answers) {
            ShardVectorsByIdAction.Result response = answer.v2();
            if (response.missing().length > 0 || (dims != 0 && response.dims() != dims)) {
                return null;
            }
            dims = response.dims();
            Map<String, Integer> row = new HashMap<>();
            String[] found = response.found();
            for (int r = 0; r < found.length; r++) {
                row.put(found[r], r);
            }
            for (int j : answer.v1()) {
                answerOf[j] = a;
                rowOf[j] = row.get(hits[j].getId());
            }
            rows[a++] = response.vectors();
        }
        return indexHits(hits, answerOf, rowOf, rows, dims);
    }

    private static Hits indexHits(SearchHit[] hits, int[] answerOf, int[] rowOf, float[][] rows, int dims) {
        return new Hits() {
            @Override
            public SearchHit[] hits() {
                return hits;
            }

            @Override
            public float[] vector(int j) {
                float[] v = new float[dims];
                System.arraycopy(rows[answerOf[j]], rowOf[j] * dims, v, 0, dims);
                return v;
            }

            @Override
            public String origin() {
                return "the index";
            }
        };
    }
}
