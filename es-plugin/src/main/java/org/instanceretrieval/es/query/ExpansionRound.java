package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.shard.ShardId;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;

import java.util.List;
import java.util.Set;

/**
 * The first round of {@code retrieval_knn}'s {@code expansion}, registered in the coordinating
 * rewrite of a search request: one search of the same query without expansion over the
 * request's concrete local indices (so its top hits are global, not per shard), the hits'
 * vectors read by {@link FirstRoundVectors}: from the index (one shard-level read per shard, no
 * {@code _source}) for {@code query_set} and for AQE / alpha-QE on a float field whose similarity is
 * not {@code cosine} (the indexed floats are then exactly the {@code _source} values); from
 * {@code _source} otherwise (a {@code cosine} field's index holds the normalised vector, AQE sums
 * the raw ones), then
 * <ul>
 *   <li>{@code aqe} / {@code alpha_qe}: {@code k = size = n}; the query becomes the same query
 *       with the expanded vector {@code L2(q + sum_j w_j d_j)} (for a set of query vectors, {@code q} is
 *       the sum of its members and the query becomes that one vector);</li>
 *   <li>{@code query_set}: {@code k = size = max(pool, k)}, run without a search: each shard answers its own top
 *       {@code size} (score, {@code _seq_no}) and its top {@code pool}'s vectors ({@link FirstRoundPool}); the query set starts
 *       as the query vector or the set's members; the global first {@code pool} hits are the pool of {@link QuerySetRanking}, and
 *       the query becomes the first {@code k} of that fixed ranking ({@link RankedSeqNoQueryBuilder};
 *       {@link RankedDocsQueryBuilder} when the round falls back to the search above): no second search round.</li>
 * </ul>
 * In both, {@code num_candidates} of the first round is {@code max(size, num_candidates)} when
 * given, and {@code filter}, {@code similarity} and {@code exact} are the query's. Stateless.
 */
final class ExpansionRound {

    /** Similarities whose kNN score is a function of the dot product (query-set expansion aggregates dot products). */
    static final Set<String> DOT_SIMILARITIES = Set.of("cosine", "dot_product", "max_inner_product");

    private ExpansionRound() {}

    /**
     * @param query a query with a vector and an expansion
     * @return the query waiting for its first round
     * @throws IllegalArgumentException outside the coordinating rewrite of a search request, or
     *     (query_set) for a field that is not a float {@code dense_vector} with a dot-product similarity
     */
    static QueryBuilder rewrite(RetrievalKnnQueryBuilder query, QueryRewriteContext context) {
        String owner = "[" + RetrievalKnnQueryBuilder.NAME + "] [expansion]";
        String[] indices = CoordinatorSearch.localIndices(context, owner);
        if (indices == null) {
            throw new IllegalArgumentException(owner + " runs in the coordinating rewrite of a search request only");
        }
        QueryExpansion expansion = query.expansion();
        QueryVectorSet set = query.source().set();
        // the query set: the one vector, or the set's members
        float[][] members = set == null ? new float[][] { query.queryVector() } : set.vectors();
        Aggregation aggregation = set == null ? Aggregation.AVG : set.aggregation();
        String field = query.field();
        if (expansion.method() != QueryExpansion.Method.QUERY_SET) {
            int n = expansion.n();
            return query.withPending(FirstRoundVectors.search(context, indices, firstRound(query, n), n, field, rawFloatsIndexed(context, field),
                n, count -> null, hits -> query.expandedTo(expansion.expand(members, aggregation, hits, field))));
        }
        QuerySetOptions options = expansion.querySet();
        VectorFieldInfo mapping = querySetField(context, field);
        mapping.checkDimensions(RetrievalKnnQueryBuilder.NAME, members[0].length);
        int size = Math.max(options.pool(), query.k());
        QuerySetRanking ranking = new QuerySetRanking(options, mapping, members, query.k());
        float boost = query.boost();
        String name = query.queryName();
        RetrievalKnnQueryBuilder first = firstRound(query, size);
        ResolvedIndices resolved = context.getResolvedIndices();
        ShardId[] shards = FirstRoundPool.shards(resolved.getConcreteLocalIndicesMetadata());
        SetOnce<QueryBuilder> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> FirstRoundPool.run(client, shards, first, size, options.pool(), field,
            count -> ranking.reserveAnswers(count, size, query.memory()), pool -> ranking.rank(pool).boost(boost).queryName(name),
            fallback -> FirstRoundVectors.run(client, indices, first, size, field, true, options.pool(),
                count -> ranking.reserve(count, query.memory()), hits -> ranking.rank(QuerySetRanking.of(hits)).boost(boost).queryName(name),
                fallback),
            listener.delegateFailureAndWrap((l, ranked) -> {
                result.set(ranked);
                l.onResponse(null);
            })));
        return query.withPending(result);
    }

    /**
     * Whether every index searched maps the field as float vectors whose indexed floats are the
     * {@code _source} values (any similarity but {@code cosine}); false where the mapping does not
     * say so (the {@code _source} path then reports any problem as before).
     */
    private static boolean rawFloatsIndexed(QueryRewriteContext context, String field) {
        ResolvedIndices resolved = context.getResolvedIndices();
        try {
            VectorFieldInfo mapping = VectorFieldInfo.of(RetrievalKnnQueryBuilder.NAME, field,
                resolved == null ? List.of() : resolved.getConcreteLocalIndicesMetadata().values());
            return "cosine".equals(mapping.similarity()) == false;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The query without expansion, {@code k = size}. */
    private static RetrievalKnnQueryBuilder firstRound(RetrievalKnnQueryBuilder query, int size) {
        Integer candidates = query.numCandidates() == null ? null : Math.max(size, query.numCandidates());
        return new RetrievalKnnQueryBuilder(query.field(), query.source(), size, candidates, query.filter(), query.similarity(),
            query.exact(), null);
    }

    /**
     * The field as every index searched maps it.
     *
     * @throws IllegalArgumentException unless it is a float {@code dense_vector} with dims, the same in
     *     every index, whose similarity is {@code cosine}, {@code dot_product} or {@code max_inner_product}
     */
    private static VectorFieldInfo querySetField(QueryRewriteContext context, String field) {
        ResolvedIndices resolved = context.getResolvedIndices();
        VectorFieldInfo mapping = VectorFieldInfo.of(RetrievalKnnQueryBuilder.NAME + "] [expansion", field,
            resolved == null ? List.of() : resolved.getConcreteLocalIndicesMetadata().values());
        if (DOT_SIMILARITIES.contains(mapping.similarity()) == false) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [query_set] aggregates dot products and "
                + "needs a field with similarity [cosine], [dot_product] or [max_inner_product], but field [" + field + "] has similarity ["
                + mapping.similarity() + "]");
        }
        return mapping;
    }
}
