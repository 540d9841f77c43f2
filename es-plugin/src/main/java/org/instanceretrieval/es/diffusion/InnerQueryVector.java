package org.instanceretrieval.es.diffusion;

import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.vectors.KnnSearchBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.instanceretrieval.es.query.QueryVectorSource;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;

import static org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.NAME;

/** The query vector of the {@code diffusion} retriever's inner search. Stateless. */
final class InnerQueryVector {

    private InnerQueryVector() {}

    /**
     * The query vector of the inner retriever's rewritten search: its {@code knn} section, or a
     * {@code retrieval_knn} or {@code knn} query (also as the single {@code must} clause of a bool).
     *
     * @throws IllegalArgumentException if there is none
     */
    static float[] of(SearchSourceBuilder source) {
        if (source.knnSearch() != null && source.knnSearch().size() == 1) {
            KnnSearchBuilder knn = source.knnSearch().get(0);
            if (knn.getQueryVector() != null && knn.getQueryVector().floatVector() != null) {
                return knn.getQueryVector().floatVector().clone();
            }
        }
        QueryBuilder query = source.query();
        while (query instanceof BoolQueryBuilder bool && bool.must().size() == 1 && bool.should().isEmpty() && bool.mustNot().isEmpty()) {
            query = bool.must().get(0);
        }
        if (query instanceof RetrievalKnnQueryBuilder retrievalKnn && retrievalKnn.queryVector() != null) {
            return retrievalKnn.queryVector().clone();
        }
        if (query instanceof KnnVectorQueryBuilder knn && knn.queryVector() != null && knn.queryVector().floatVector() != null) {
            return knn.queryVector().floatVector().clone();
        }
        throw new IllegalArgumentException("[" + NAME + "] cannot take the query vector from the inner retriever (a knn retriever, or a "
            + "standard retriever with a retrieval_knn or knn query): give [" + QueryVectorSource.QUERY_VECTOR.getPreferredName() + "]");
    }

}
