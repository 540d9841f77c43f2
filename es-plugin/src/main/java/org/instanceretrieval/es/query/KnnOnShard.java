package org.instanceretrieval.es.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.vectors.ExactKnnQueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.VectorData;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.search.ExactVectorQuery;

import java.io.IOException;

/**
 * How a resolved {@code retrieval_knn} query (a vector, no pending expansion) runs on a shard:
 * as Elasticsearch's own kNN queries, or, for {@code exact} on float vectors, as an
 * {@link ExactVectorQuery} on the raw vectors. Stateless.
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
