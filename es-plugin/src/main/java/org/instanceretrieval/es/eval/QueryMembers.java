package org.instanceretrieval.es.eval;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.eval.EvaluationPlan;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query vectors of an evaluation: per evaluated query, the vectors of its images, read from the
 * queries index by name ({@link NamedGroundTruth.NamedQuery#queryImages}: the query's own name, or the
 * {@code images} of a multi-image query of the {@code json} format). A single-image query has one
 * member. {@link #flat} holds one vector per query: its image's, or for a multi-image query the mean
 * of its members (the {@code exact} engine ranks by inner product, and the mean inner product with the
 * members is the inner product with their mean: {@code avg} aggregation). The {@code search} engine
 * sends a multi-image query's members as {@code query_vectors} ({@link SearchSources#forQuery(float[][])}).
 * Immutable.
 */
final class QueryMembers {

    private final float[][][] members;
    private final List<List<String>> images;
    private final float[] flat;
    private final int dims;

    private QueryMembers(float[][][] members, List<List<String>> images, float[] flat, int dims) {
        this.members = members;
        this.images = images;
        this.flat = flat;
        this.dims = dims;
    }

    /**
     * Reads the members of every query of {@code plan}.
     *
     * @throws ElasticsearchStatusException (400) naming query images missing from the queries index or without a vector
     */
    static QueryMembers of(EvaluationPlan plan, NamedGroundTruth groundTruth, IndexDocuments queryDocs, String source, String field) {
        Map<String, List<String>> imagesByQuery = new HashMap<>();
        for (NamedGroundTruth.NamedQuery q : groundTruth.queries()) {
            imagesByQuery.put(q.name(), q.queryImages());
        }
        Map<String, Integer> distinct = new LinkedHashMap<>();
        List<List<String>> images = new ArrayList<>();
        for (String name : plan.queryNames()) {
            List<String> ofQuery = imagesByQuery.getOrDefault(name, List.of(name));
            images.add(ofQuery);
            for (String image : ofQuery) {
                distinct.putIfAbsent(image, distinct.size());
            }
        }
        float[] read = queryDocs.vectorsOf(new ArrayList<>(distinct.keySet()), source, field);
        int dims = queryDocs.dims();
        float[][][] members = new float[images.size()][][];
        float[] flat = new float[images.size() * dims];
        for (int q = 0; q < images.size(); q++) {
            List<String> ofQuery = images.get(q);
            members[q] = new float[ofQuery.size()][];
            for (int m = 0; m < ofQuery.size(); m++) {
                int at = distinct.get(ofQuery.get(m)) * dims;
                members[q][m] = java.util.Arrays.copyOfRange(read, at, at + dims);
                for (int j = 0; j < dims; j++) {
                    flat[q * dims + j] += members[q][m][j] / ofQuery.size();
                }
            }
        }
        return new QueryMembers(members, images, flat, dims);
    }

    /** One vector per query (its image's, or the mean of its images), {@code numQueries x dims}, row-major; not copied. */
    float[] flat() {
        return flat;
    }

    /** The vectors of query {@code q}'s images; one for a single-image query. */
    float[][] members(int q) {
        return members[q];
    }

    /** The name of query {@code q}'s first image (the query document of a single-image query). */
    String firstImage(int q) {
        return images.get(q).get(0);
    }

    /**
     * @throws ElasticsearchStatusException (400) if a query has several images and the search is not a plain
     *     {@code retrieval_knn} query ({@code template}, {@code retriever} and {@code rescore} take one query vector)
     */
    void checkSearch(RetrievalEvalAction.Request request) {
        if (request.options().template() == null && request.options().retriever() == null && request.options().rescore() == null) {
            return;
        }
        for (List<String> ofQuery : images) {
            if (ofQuery.size() > 1) {
                throw new ElasticsearchStatusException("ground truth query images {} make a multi-image query, which runs as a [retrieval_knn] "
                    + "query with [query_vectors]; [template], [retriever] and [rescore] take one query vector", RestStatus.BAD_REQUEST,
                    ofQuery);
            }
        }
    }

    int dims() {
        return dims;
    }
}
