package org.instanceretrieval.es.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.vectors.ExactKnnQueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.VectorData;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.search.ExactVectorQuery;
import org.instanceretrieval.search.VectorSetQuery;

import java.io.IOException;

/**
 * How a resolved {@code retrieval_knn} query (a vector, no pending expansion) runs on a shard:
 * as Elasticsearch's own kNN queries, or, for {@code exact} on float vectors, as an
 * {@link ExactVectorQuery} on the raw vectors; a set of query vectors as a {@link VectorSetQuery}
 * ({@link #setQuery}). Stateless.
 */
final class KnnOnShard {

    private KnnOnShard() {}

    /**
     * The query as Elasticsearch's own kNN queries: a kNN query ({@code k}, {@code num_candidates},
     * {@code filter}, {@code similarity}), or for {@code exact} Elasticsearch's exact kNN query
     * (used for byte and bit vectors), with the query's boost and name.
     */
    static QueryBuilder elasticsearchQuery(RetrievalKnnQueryBuilder q) {
        QueryBuilder query;
        if (q.exact()) {
            QueryBuilder scored = new ExactKnnQueryBuilder(VectorData.fromFloats(q.queryVector()), q.field(), q.similarity());
            query = q.filter() == null ? scored : new BoolQueryBuilder().must(scored).filter(q.filter());
        } else {
            KnnVectorQueryBuilder knn = new KnnVectorQueryBuilder(q.field(), q.queryVector(), q.k(), q.numCandidates(), null, q.similarity());
            if (q.filter() != null) {
                knn.addFilterQuery(q.filter());
            }
            query = knn;
        }
        return query.boost(q.boost()).queryName(q.queryName());
    }

    /**
     * The field as this shard maps it.
     *
     * @throws IllegalArgumentException if it is not a {@code dense_vector} of the query's dimension, or (for a set of
     *     query vectors) not a float one
     */
    static VectorFieldInfo checkField(RetrievalKnnQueryBuilder q, SearchExecutionContext context) {
        VectorFieldInfo mapping = VectorFieldInfo.of(context, RetrievalKnnQueryBuilder.NAME, q.field());
        QueryVectorSet set = q.source().set();
        if (set == null) {
            mapping.checkDimensions(RetrievalKnnQueryBuilder.NAME, q.source().vector().length);
            return mapping;
        }
        if (mapping.isFloat() == false) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] a set of query vectors is scored on raw float "
                + "vectors and needs a [dense_vector] field with [element_type] [float], but field [" + q.field()
                + "] has [element_type] [" + mapping.elementType() + "]");
        }
        mapping.checkDimensions(RetrievalKnnQueryBuilder.NAME, set.vectors()[0].length);
        return mapping;
    }

    /**
     * A set of query vectors ({@link QueryVectorSet}, float fields only): the candidates are every document
     * matching the filter with {@code exact}, otherwise the union of one Elasticsearch kNN query per member
     * ({@code k}, {@code num_candidates}, {@code filter}, {@code similarity}: a document whose aggregated
     * similarity reaches {@code similarity} has a member similarity that reaches it); every candidate is scored
     * on its raw vector by the aggregated similarity ({@link VectorSetQuery}; members L2-normalised for
     * {@code cosine}), and {@code similarity} is the threshold on that score.
     */
    static Query setQuery(RetrievalKnnQueryBuilder q, VectorFieldInfo mapping, SearchExecutionContext context) throws IOException {
        QueryVectorSet set = q.source().set();
        float[][] members = set.vectors();
        boolean cosine = "cosine".equals(mapping.similarity());
        Query candidates;
        if (q.exact()) {
            candidates = q.filter() == null ? null : q.filter().toQuery(context);
        } else {
            BooleanQuery.Builder union = new BooleanQuery.Builder();
            for (float[] member : members) {
                KnnVectorQueryBuilder knn = new KnnVectorQueryBuilder(q.field(), member, q.k(), q.numCandidates(), null, q.similarity());
                if (q.filter() != null) {
                    knn.addFilterQuery(q.filter());
                }
                union.add(Rewriteable.rewrite(knn, context).toQuery(context), BooleanClause.Occur.SHOULD);
            }
            candidates = union.build();
        }
        for (int i = 0; i < members.length; i++) {
            members[i] = cosine ? VectorMath.l2Normalized(members[i]) : members[i];
        }
        Float similarity = q.similarity();
        return new VectorSetQuery(q.field(), members, set.aggregation(), candidates,
            similarity == null ? Float.NEGATIVE_INFINITY : mapping.scoreOf(similarity));
    }

    /**
     * Brute force over every document matching the filter, scored on its raw float vector by the
     * field's similarity (the query L2-normalised for {@code cosine}); {@code similarity} becomes
     * the matching score threshold as Elasticsearch converts it.
     */
    static Query exactQuery(RetrievalKnnQueryBuilder q, VectorFieldInfo mapping, SearchExecutionContext context) throws IOException {
        float[] v = q.queryVector();
        float[] query = "cosine".equals(mapping.similarity()) ? VectorMath.l2Normalized(v) : v;
        Float similarity = q.similarity();
        Query scored = new ExactVectorQuery(q.field(), query, similarity == null ? Float.NEGATIVE_INFINITY : mapping.scoreOf(similarity));
        if (q.filter() == null) {
            return scored;
        }
        return new BooleanQuery.Builder().add(scored, BooleanClause.Occur.MUST)
            .add(q.filter().toQuery(context), BooleanClause.Occur.FILTER)
            .build();
    }
}
