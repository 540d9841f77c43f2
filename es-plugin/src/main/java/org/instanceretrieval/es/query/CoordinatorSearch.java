package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;

import java.util.Arrays;

/**
 * The first-round search a query runs in the coordinating rewrite of a search request (the
 * expansion round of {@code retrieval_knn}, the candidate stage of {@code retrieval_patches}):
 * one search over the request's concrete local indices, its hits' vector field fetched from
 * {@code _source}, registered as an asynchronous rewrite action.
 */
final class CoordinatorSearch {

    private CoordinatorSearch() {}

    /**
     * The concrete local indices of the search request being rewritten, or null when this is not
     * the coordinating rewrite of a search request (a shard rewrite, or a rewrite without indices).
     *
     * @param owner names the caller in the error, e.g. {@code [retrieval_knn] [expansion]}
     * @throws IllegalArgumentException for a cross-cluster search
     */
    static String[] localIndices(QueryRewriteContext context, String owner) {
        ResolvedIndices resolved = context.getResolvedIndices();
        if (resolved == null || context.convertToSearchExecutionContext() != null) {
            return null;
        }
        if (resolved.getRemoteClusterIndices().isEmpty() == false) {
            throw new IllegalArgumentException(owner + " does not support cross-cluster search");
        }
        return Arrays.stream(resolved.getConcreteLocalIndices()).map(Index::getName).toArray(String[]::new);
    }

    /**
     * Registers the search of {@code query} over {@code indices} for its top {@code size} hits
     * (no total hits), each with {@code field} of its {@code _source}.
     *
     * @return set to {@code then} of the hits once the rewrite's asynchronous actions ran; a
     *     failure of the search or of {@code then} fails the search request
     */
    static <T> SetOnce<T> search(QueryRewriteContext context, String[] indices, QueryBuilder query, int size, String field,
                                 CheckedFunction<SearchHit[], T, Exception> then) {
        SearchRequest search = new SearchRequest(indices).source(new SearchSourceBuilder().query(query)
            .size(size)
            .trackTotalHits(false)
            .fetchSource(FetchSourceContext.of(true, new String[] { field }, null)));
        SetOnce<T> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> client.search(search, listener.delegateFailureAndWrap((l, response) -> {
            result.set(then.apply(response.getHits().getHits()));
            l.onResponse(null);
        })));
        return result;
    }
}
