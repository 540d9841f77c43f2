package org.instanceretrieval.es.eval;

import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.StandardRetrieverBuilder;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.instanceretrieval.es.diffusion.DiffusionRescorerBuilder;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder;
import org.instanceretrieval.es.query.QueryVectorSet;
import org.instanceretrieval.es.query.QueryVectorSource;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;
import org.instanceretrieval.es.rescore.KReciprocalRescorerBuilder;
import org.instanceretrieval.es.rescore.VectorRescorerBuilder;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;

import java.util.List;
import java.util.Map;

/**
 * The searches of the {@code search} engine, planned once per evaluation: {@link #plan} builds
 * and parses the body of the first query ({@link SearchBodies}), so that a body that does not
 * parse or a bad option is a 400 before the first search, with the text it always had.
 *
 * <p>Without a {@code template}, that parsed body is the pattern of every search: {@link #forQuery}
 * copies it with the query's vector put into its {@code retrieval_knn} query (directly, or inside
 * the {@code standard} retriever the {@code diffusion} retriever wraps) and into a {@code diffusion}
 * rescorer whose vector the evaluation sets; no JSON is written or parsed per query. With a
 * {@code template} (arbitrary JSON with placeholders) each query's body is filled and parsed.
 * Either way a query's source equals the one the JSON path parses for its vector. Immutable;
 * {@link #forQuery} returns a new source each call.
 */
public final class SearchSources {

    private final RetrievalEvalAction.Request request;
    private final String queriesIndex;
    private final int depth;
    private final String idField;
    private final NamedXContentRegistry registry;
    /** The parsed body of the first query, the pattern of the direct copies; null for the JSON path. */
    private final SearchSourceBuilder pattern;
    /** The pattern's {@code retrieval_knn} query (top level or inside the retriever's standard retriever). */
    private final RetrievalKnnQueryBuilder knn;
    /** The pattern's {@code diffusion} retriever, or null when the query is at top level. */
    private final DiffusionRetrieverBuilder retriever;
    /** Whether the {@code diffusion} / {@code k_reciprocal} rescorers take the query's vector (the request gives none). */
    private final boolean rescoreVector;

    private SearchSources(RetrievalEvalAction.Request request, String queriesIndex, int depth, String idField,
        NamedXContentRegistry registry, SearchSourceBuilder pattern, RetrievalKnnQueryBuilder knn, DiffusionRetrieverBuilder retriever,
        boolean rescoreVector) {
        this.request = request;
        this.queriesIndex = queriesIndex;
        this.depth = depth;
        this.idField = idField;
        this.registry = registry;
        this.pattern = pattern;
        this.knn = knn;
        this.retriever = retriever;
        this.rescoreVector = rescoreVector;
    }

    /**
     * Plans the searches of an evaluation, parsing the body of its first query.
     *
     * @param firstVector   the first query's vector
     * @param firstQueryId  the first query document's {@code _id} (for {@code "{{query_document}}"})
     * @throws IllegalArgumentException (400) if the body does not parse or an option is bad
     */
    public static SearchSources plan(RetrievalEvalAction.Request request, float[] firstVector, String queriesIndex, String firstQueryId,
        int depth, String idField, NamedXContentRegistry registry) {
        SearchSourceBuilder parsed = SearchBodies.parse(SearchBodies.body(request, firstVector, queriesIndex, firstQueryId, depth, idField),
            registry);
        if (request.options().template() == null) {
            if (parsed.retriever() == null && parsed.query() instanceof RetrievalKnnQueryBuilder query) {
                return new SearchSources(request, queriesIndex, depth, idField, registry, parsed, query, null, rescoreTakesVector(request));
            }
            if (parsed.retriever() instanceof DiffusionRetrieverBuilder diffusion && diffusion.inner() instanceof StandardRetrieverBuilder
                && diffusion.inner().getPreFilterQueryBuilders().isEmpty()
                && diffusion.inner().topDocsQuery() instanceof RetrievalKnnQueryBuilder query
                && diffusion.inner().equals(new StandardRetrieverBuilder(query))) {
                return new SearchSources(request, queriesIndex, depth, idField, registry, parsed, query, diffusion, false);
            }
        }
        // a template, or a body of another shape: the JSON path per query
        return new SearchSources(request, queriesIndex, depth, idField, registry, null, null, null, false);
    }

    /** The rescorers whose {@code field} and {@code query_vector} the evaluation fills in when the request gives none. */
    static final List<String> VECTOR_RESCORERS = List.of(DiffusionRescorerBuilder.NAME, KReciprocalRescorerBuilder.NAME);

    /** Whether the request's {@code diffusion} or {@code k_reciprocal} rescorer gets the query vector from the evaluation. */
    private static boolean rescoreTakesVector(RetrievalEvalAction.Request request) {
        Map<String, Object> rescore = request.options().rescore();
        return rescore != null && VECTOR_RESCORERS.stream().anyMatch(name -> rescore.get(name) instanceof Map<?, ?> o
            && o.containsKey("query_vector") == false);
    }

    /** Whether the searches are copies of one parsed body (false: a template, filled and parsed per query). */
    public boolean direct() {
        return pattern != null;
    }

    /**
     * The search of a multi-image query: the pattern's {@code retrieval_knn} query with the members as
     * {@code query_vectors} and the request's {@code query_aggregation} ({@code avg} by default).
     *
     * @throws IllegalArgumentException (400) for a body that is not a plain {@code retrieval_knn} query, or bad members
     */
    public SearchSourceBuilder forQuery(float[][] members) {
        if (pattern == null || retriever != null || pattern.rescores() != null) {
            throw new IllegalArgumentException("a multi-image query runs as a [retrieval_knn] query with [query_vectors]; [template], "
                + "[retriever] and [rescore] take one query vector");
        }
        Object aggregation = request.options().query() == null ? null : request.options().query().get(QueryVectorSet.QUERY_AGGREGATION.getPreferredName());
        QueryVectorSet set = new QueryVectorSet(RetrievalKnnQueryBuilder.NAME, members, null, null,
            aggregation == null ? Aggregation.AVG : QueryVectorSet.parseAggregation(RetrievalKnnQueryBuilder.NAME, aggregation.toString()));
        return pattern.shallowCopy().query(knn.withQuerySource(new QueryVectorSource(RetrievalKnnQueryBuilder.NAME, null, null, null, set)));
    }

    /**
     * The search of one query.
     *
     * @param queryId the query document's {@code _id} (used by templates only)
     * @throws IllegalArgumentException (400) if the vector is empty or not finite, or a filled template does not parse
     */
    public SearchSourceBuilder forQuery(float[] vector, String queryId) {
        if (pattern == null) {
            return SearchBodies.parse(SearchBodies.body(request, vector, queriesIndex, queryId, depth, idField), registry);
        }
        SearchSourceBuilder source = pattern.shallowCopy();
        RetrievalKnnQueryBuilder query = knn.withQueryVector(vector);
        if (retriever != null) {
            RetrieverBuilder inner = new StandardRetrieverBuilder(query);
            source.retriever(retriever.withInner(inner));
        } else {
            source.query(query);
        }
        List<RescorerBuilder> rescorers = pattern.rescores();
        if (rescorers != null) {
            // a list of its own (a shallow copy shares the pattern's); the same rescorers unless they take the vector
            source.clearRescorers();
            for (RescorerBuilder<?> rescorer : rescorers) {
                if (rescoreVector && rescorer instanceof VectorRescorerBuilder<?, ?> vectorRescorer) {
                    source.addRescorer(vectorRescorer.withQueryVector(vector));
                } else {
                    source.addRescorer(rescorer);
                }
            }
        }
        return source;
    }
}
