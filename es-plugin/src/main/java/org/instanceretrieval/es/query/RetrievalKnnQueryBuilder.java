package org.instanceretrieval.es.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.search.vectors.ExactKnnQueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.VectorData;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.search.ExactVectorQuery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code retrieval_knn} query: k-nearest-neighbour search on a {@code dense_vector} field
 * with the query given as a vector or as a stored document, optionally expanded with AQE or
 * alpha-QE over the first round's top {@code n} hits of the whole search (all shards).
 *
 * <p>Rewrite, in this order, on the coordinating node:
 * <ol>
 *   <li>{@code query_image}: the image is described by the {@code image_descriptor} processor
 *       (of a named pipeline, or with a named model) through the ingest simulate API
 *       ({@link QueryImageDescriber}); the query becomes its vector;</li>
 *   <li>{@code query_document}: a get of the document's {@code _source} field; the query
 *       becomes its vector;</li>
 *   <li>{@code expansion}: one search of the same query without expansion, {@code size = n},
 *       over the concrete local indices of the search request, fetching the hits' vectors from
 *       {@code _source}; the query vector becomes {@code L2(q + sum_j w_j d_j)}
 *       ({@link org.instanceretrieval.expansion.AlphaQueryExpansion}) with {@code s_j = q . d_j};</li>
 * </ol>
 * then on each shard, after checking that {@code field} is a {@code dense_vector} of the query's
 * dimension, into Elasticsearch's own {@link KnnVectorQueryBuilder} ({@code k},
 * {@code num_candidates}, {@code filter}, {@code similarity}); with {@code exact}, every
 * document matching {@code filter} is scored by brute force on its raw float vector
 * ({@link ExactVectorQuery}; byte and bit vectors through Elasticsearch's {@link ExactKnnQueryBuilder}).
 * Scores are Elasticsearch's kNN scores for the field's similarity ({@code (1 + s) / 2} for
 * {@code cosine} and {@code dot_product}, {@code 1 / (1 + d^2)} for {@code l2_norm}).
 *
 * <p>Immutable, except for the transient pending result of an asynchronous rewrite step (a
 * builder holding one cannot be serialised).
 */
public final class RetrievalKnnQueryBuilder extends AbstractQueryBuilder<RetrievalKnnQueryBuilder> {

    public static final String NAME = "retrieval_knn";
    /** Default {@code k}. */
    public static final int DEFAULT_K = 10;
    /** Largest {@code k} and {@code num_candidates}, Elasticsearch's kNN limit. */
    public static final int MAX_CANDIDATES = 10_000;

    static final String FIELD = "field";
    static final String QUERY_VECTOR = "query_vector";
    static final String QUERY_DOCUMENT = "query_document";
    static final String QUERY_IMAGE = "query_image";
    static final String K = "k";
    static final String NUM_CANDIDATES = "num_candidates";
    static final String FILTER = "filter";
    static final String SIMILARITY = "similarity";
    static final String EXACT = "exact";
    static final String EXPANSION = "expansion";

    private final String field;
    private final float[] queryVector;
    private final QueryDocument queryDocument;
    private final QueryImage queryImage;
    private final int k;
    private final Integer numCandidates;
    private final QueryBuilder filter;
    private final Float similarity;
    private final boolean exact;
    private final QueryExpansion expansion;
    /** Result of a registered asynchronous rewrite step: the builder it rewrites to. */
    private final SetOnce<RetrievalKnnQueryBuilder> pending;

    /**
     * @param field         name of a {@code dense_vector} field
     * @param queryVector   the query vector, finite, not empty; exactly one of it and {@code queryDocument}
     * @param queryDocument the document whose stored vector is the query
     * @param k             number of neighbours per shard, {@code 1..10,000}
     * @param numCandidates candidates per shard, {@code k..10,000}, or null for Elasticsearch's default
     * @param filter        documents considered, or null for all
     * @param similarity    minimum similarity (in the field's similarity units, as Elasticsearch's
     *                      kNN {@code similarity}), or null
     * @param exact         brute force over all documents matching {@code filter} instead of the index
     * @param expansion     query expansion, or null
     * @throws IllegalArgumentException naming the first invalid parameter
     */
    public RetrievalKnnQueryBuilder(
        String field,
        float[] queryVector,
        QueryDocument queryDocument,
        int k,
        Integer numCandidates,
        QueryBuilder filter,
        Float similarity,
        boolean exact,
        QueryExpansion expansion
    ) {
        this(field, queryVector, queryDocument, null, k, numCandidates, filter, similarity, exact, expansion, null);
    }

    /**
     * As {@link #RetrievalKnnQueryBuilder(String, float[], QueryDocument, int, Integer, QueryBuilder, Float, boolean, QueryExpansion)}
     * with the query given as an image ({@code queryVector} and {@code queryDocument} null).
     */
    public RetrievalKnnQueryBuilder(
        String field,
        QueryImage queryImage,
        int k,
        Integer numCandidates,
        QueryBuilder filter,
        Float similarity,
        boolean exact,
        QueryExpansion expansion
    ) {
        this(field, null, null, queryImage, k, numCandidates, filter, similarity, exact, expansion, null);
    }

    private RetrievalKnnQueryBuilder(
        String field,
        float[] queryVector,
        QueryDocument queryDocument,
        QueryImage queryImage,
        int k,
        Integer numCandidates,
        QueryBuilder filter,
        Float similarity,
        boolean exact,
        QueryExpansion expansion,
        SetOnce<RetrievalKnnQueryBuilder> pending
    ) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires a [field]");
        }
        if ((queryVector != null ? 1 : 0) + (queryDocument != null ? 1 : 0) + (queryImage != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("[" + NAME + "] requires exactly one of [query_vector], [query_document] and [query_image]");
        }
        if (queryVector != null) {
            if (queryVector.length == 0) {
                throw new IllegalArgumentException("[" + NAME + "] [query_vector] must not be empty");
            }
            for (int i = 0; i < queryVector.length; i++) {
                if (Float.isFinite(queryVector[i]) == false) {
                    throw new IllegalArgumentException("[" + NAME + "] [query_vector] must be finite but element [" + i + "] is ["
                        + queryVector[i] + "]");
                }
            }
        }
        if (k < 1 || k > MAX_CANDIDATES) {
            throw new IllegalArgumentException("[" + NAME + "] [k] must be between 1 and " + MAX_CANDIDATES + " but was [" + k + "]");
        }
        if (numCandidates != null && (numCandidates < k || numCandidates > MAX_CANDIDATES)) {
            throw new IllegalArgumentException("[" + NAME + "] [num_candidates] must be between [k] (" + k + ") and " + MAX_CANDIDATES
                + " but was [" + numCandidates + "]");
        }
        if (similarity != null && Float.isFinite(similarity) == false) {
            throw new IllegalArgumentException("[" + NAME + "] [similarity] must be finite but was [" + similarity + "]");
        }
        this.field = field;
        this.queryVector = queryVector == null ? null : queryVector.clone();
        this.queryDocument = queryDocument;
        this.queryImage = queryImage;
        this.k = k;
        this.numCandidates = numCandidates;
        this.filter = filter;
        this.similarity = similarity;
        this.exact = exact;
        this.expansion = expansion;
        this.pending = pending;
    }

    public RetrievalKnnQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.field = in.readString();
        this.queryVector = in.readBoolean() ? in.readFloatArray() : null;
        this.queryDocument = in.readOptionalWriteable(QueryDocument::new);
        this.queryImage = in.readOptionalWriteable(QueryImage::new);
        this.k = in.readVInt();
        this.numCandidates = in.readOptionalVInt();
        this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        this.similarity = in.readOptionalFloat();
        this.exact = in.readBoolean();
        this.expansion = in.readOptionalWriteable(QueryExpansion::new);
        this.pending = null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("[" + NAME + "] has a pending rewrite and cannot be serialised; missing a rewriteAndFetch?");
        }
        out.writeString(field);
        out.writeBoolean(queryVector != null);
        if (queryVector != null) {
            out.writeFloatArray(queryVector);
        }
        out.writeOptionalWriteable(queryDocument);
        out.writeOptionalWriteable(queryImage);
        out.writeVInt(k);
        out.writeOptionalVInt(numCandidates);
        out.writeOptionalNamedWriteable(filter);
        out.writeOptionalFloat(similarity);
        out.writeBoolean(exact);
        out.writeOptionalWriteable(expansion);
    }

    public String field() {
        return field;
    }

    /** @return a copy of the query vector, or null while the query is a document */
    public float[] queryVector() {
        return queryVector == null ? null : queryVector.clone();
    }

    public QueryDocument queryDocument() {
        return queryDocument;
    }

    /** @return the query image, or null unless the query is (still) an image */
    public QueryImage queryImage() {
        return queryImage;
    }

    public int k() {
        return k;
    }

    public Integer numCandidates() {
        return numCandidates;
    }

    public QueryBuilder filter() {
        return filter;
    }

    public Float similarity() {
        return similarity;
    }

    public boolean exact() {
        return exact;
    }

    public QueryExpansion expansion() {
        return expansion;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }

    // ---- x-content ----

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD, field);
        if (queryVector != null) {
            builder.array(QUERY_VECTOR, queryVector);
        }
        if (queryDocument != null) {
            builder.field(QUERY_DOCUMENT, queryDocument);
        }
        if (queryImage != null) {
            builder.field(QUERY_IMAGE, queryImage);
        }
        builder.field(K, k);
        if (numCandidates != null) {
            builder.field(NUM_CANDIDATES, numCandidates);
        }
        if (filter != null) {
            builder.field(FILTER, filter);
        }
        if (similarity != null) {
            builder.field(SIMILARITY, similarity);
        }
        builder.field(EXACT, exact);
        if (expansion != null) {
            builder.field(EXPANSION, expansion);
        }
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    /** Parses the body of {@code {"retrieval_knn": {...}}}; invalid values give a 400. */
    public static RetrievalKnnQueryBuilder fromXContent(XContentParser parser) throws IOException {
        String field = null;
        float[] queryVector = null;
        QueryDocument queryDocument = null;
        QueryImage queryImage = null;
        int k = DEFAULT_K;
        Integer numCandidates = null;
        QueryBuilder filter = null;
        Float similarity = null;
        boolean exact = false;
        QueryExpansion expansion = null;
        float boost = DEFAULT_BOOST;
        String queryName = null;
        String name = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                name = parser.currentName();
            } else if (token == XContentParser.Token.START_ARRAY && QUERY_VECTOR.equals(name)) {
                queryVector = parseVector(parser);
            } else if (token == XContentParser.Token.START_OBJECT && QUERY_DOCUMENT.equals(name)) {
                queryDocument = QueryDocument.fromXContent(parser);
            } else if (token == XContentParser.Token.START_OBJECT && QUERY_IMAGE.equals(name)) {
                queryImage = QueryImage.fromXContent(parser);
            } else if (token == XContentParser.Token.START_OBJECT && FILTER.equals(name)) {
                filter = parseInnerQueryBuilder(parser);
            } else if (token == XContentParser.Token.START_OBJECT && EXPANSION.equals(name)) {
                expansion = QueryExpansion.fromXContent(parser);
            } else if (token.isValue() && FIELD.equals(name)) {
                field = parser.text();
            } else if (token.isValue() && K.equals(name)) {
                k = parser.intValue();
            } else if (token.isValue() && NUM_CANDIDATES.equals(name)) {
                numCandidates = parser.intValue();
            } else if (token.isValue() && SIMILARITY.equals(name)) {
                similarity = parser.floatValue();
            } else if (token.isValue() && EXACT.equals(name)) {
                exact = parser.booleanValue();
            } else if (token.isValue() && BOOST_FIELD.match(name, parser.getDeprecationHandler())) {
                boost = parser.floatValue();
            } else if (token.isValue() && NAME_FIELD.match(name, parser.getDeprecationHandler())) {
                queryName = parser.text();
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] does not support [" + name + "] here");
            }
        }
        return new RetrievalKnnQueryBuilder(field, queryVector, queryDocument, queryImage, k, numCandidates, filter, similarity, exact,
            expansion, null)
            .boost(boost)
            .queryName(queryName);
    }

    private static float[] parseVector(XContentParser parser) throws IOException {
        List<Float> values = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
            String element = "[" + NAME + "] [query_vector] element [" + values.size() + "]";
            if (parser.currentToken() == XContentParser.Token.VALUE_NUMBER) {
                values.add(parser.floatValue());
            } else if (parser.currentToken() == XContentParser.Token.VALUE_STRING) {
                try {
                    values.add(parser.floatValue());
                } catch (IllegalArgumentException e) {
                    throw new ParsingException(parser.getTokenLocation(), element + " must be a number, got the string [" + parser.text() + "]");
                }
            } else {
                throw new ParsingException(parser.getTokenLocation(), element + " must be a number, got [" + parser.currentToken() + "]");
            }
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    // ---- rewrite ----

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (pending != null) {
            RetrievalKnnQueryBuilder next = pending.get();
            return next == null ? this : next;
        }
        QueryBuilder rewrittenFilter = filter == null ? null : filter.rewrite(context);
        if (rewrittenFilter != filter) {
            return copy(queryVector, queryDocument, rewrittenFilter, expansion, null);
        }
        if (queryDocument != null) {
            return fetchQueryDocument(context);
        }
        if (queryImage != null) {
            return describeQueryImage(context);
        }
        if (expansion != null) {
            return expandOverSearch(context);
        }
        SearchExecutionContext shard = context.convertToSearchExecutionContext();
        if (shard != null) {
            VectorMapping mapping = VectorMapping.of(shard, field);
            mapping.checkDimensions(field, queryVector.length);
            // exact scoring of float vectors stays with this builder (doToQuery): it reads the raw vectors
            return exact && mapping.isFloat() ? this : elasticsearchQuery();
        }
        return this;
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) throws IOException {
        if (queryVector == null || expansion != null) {
            throw new IllegalStateException("[" + NAME + "] must be rewritten before it is turned into a Lucene query");
        }
        VectorMapping mapping = VectorMapping.of(context, field);
        mapping.checkDimensions(field, queryVector.length);
        if (exact == false || mapping.isFloat() == false) {
            // normally the shard rewrite already replaced this builder; this path serves callers without one
            return Rewriteable.rewrite(elasticsearchQuery(), context).toQuery(context);
        }
        float[] q = "cosine".equals(mapping.similarity()) ? VectorMath.l2Normalized(queryVector) : queryVector;
        Query scored = new ExactVectorQuery(field, q, similarity == null ? Float.NEGATIVE_INFINITY : mapping.scoreOf(similarity));
        if (filter == null) {
            return scored;
        }
        return new BooleanQuery.Builder().add(scored, BooleanClause.Occur.MUST)
            .add(filter.toQuery(context), BooleanClause.Occur.FILTER)
            .build();
    }

    /** Registers the get of the query document; rewrites to the same query with its vector. */
    private QueryBuilder fetchQueryDocument(QueryRewriteContext context) {
        SetOnce<RetrievalKnnQueryBuilder> result = new SetOnce<>();
        GetRequest get = new GetRequest(queryDocument.index(), queryDocument.id())
            .fetchSourceContext(FetchSourceContext.of(true, new String[] { field }, null));
        context.registerAsyncAction((client, listener) -> client.get(get, ActionListener.wrap(response -> {
            RetrievalKnnQueryBuilder resolved;
            try {
                resolved = withDocumentVector(response);
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            result.set(resolved);
            listener.onResponse(null);
        }, e -> listener.onFailure(
            e instanceof IndexNotFoundException
                ? new IllegalArgumentException("[" + NAME + "] query_document index [" + queryDocument.index() + "] does not exist", e)
                : e
        ))));
        return copy(queryVector, queryDocument, filter, expansion, result);
    }

    /** Registers the description of the query image; rewrites to the same query with its vector. */
    private QueryBuilder describeQueryImage(QueryRewriteContext context) {
        SetOnce<RetrievalKnnQueryBuilder> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> QueryImageDescriber.describe(client, queryImage,
            listener.delegateFailureAndWrap((l, vector) -> {
                result.set(copy(vector, null, filter, expansion, null));
                l.onResponse(null);
            })));
        return copy(queryVector, queryDocument, filter, expansion, result);
    }

    private RetrievalKnnQueryBuilder withDocumentVector(GetResponse response) {
        if (response.isExists() == false) {
            throw new IllegalArgumentException("[" + NAME + "] query_document [" + queryDocument.id() + "] does not exist in index ["
                + queryDocument.index() + "]");
        }
        float[] vector = vectorFromSource(response.getSourceAsMap(), field);
        if (vector == null) {
            throw new IllegalArgumentException("[" + NAME + "] query_document [" + queryDocument.id() + "] in index ["
                + queryDocument.index() + "] has no vector in field [" + field + "] of its _source");
        }
        return copy(vector, null, filter, expansion, null);
    }

    /**
     * Registers the first round: this query without expansion, size n, over every concrete local
     * index of the search, fetching the hits' vectors; rewrites to the query with the expanded vector.
     */
    private QueryBuilder expandOverSearch(QueryRewriteContext context) {
        ResolvedIndices resolved = context.getResolvedIndices();
        if (resolved == null || context.convertToSearchExecutionContext() != null) {
            throw new IllegalArgumentException("[" + NAME + "] [expansion] runs in the coordinating rewrite of a search request only");
        }
        if (resolved.getRemoteClusterIndices().isEmpty() == false) {
            throw new IllegalArgumentException("[" + NAME + "] [expansion] does not support cross-cluster search");
        }
        String[] indices = Arrays.stream(resolved.getConcreteLocalIndices()).map(Index::getName).toArray(String[]::new);
        int n = expansion.n();
        Integer firstRoundCandidates = numCandidates == null ? null : Math.max(n, numCandidates);
        RetrievalKnnQueryBuilder firstRound = new RetrievalKnnQueryBuilder(
            field, queryVector, null, n, firstRoundCandidates, filter, similarity, exact, null);
        SearchRequest search = new SearchRequest(indices).source(
            new SearchSourceBuilder().query(firstRound)
                .size(n)
                .trackTotalHits(false)
                .fetchSource(FetchSourceContext.of(true, new String[] { field }, null))
        );
        float[] query = queryVector;
        SetOnce<RetrievalKnnQueryBuilder> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> client.search(search, listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            float[][] vectors = new float[hits.length][];
            float[] similarities = new float[hits.length];
            for (int j = 0; j < hits.length; j++) {
                float[] d = vectorFromSource(hits[j].getSourceAsMap(), field);
                if (d == null) {
                    throw new IllegalArgumentException("[" + NAME + "] [expansion] needs the vectors of the first round's hits in _source, but ["
                        + hits[j].getIndex() + "/" + hits[j].getId() + "] has no [" + field + "] in _source");
                }
                if (d.length != query.length) {
                    throw new IllegalArgumentException("[" + NAME + "] hit [" + hits[j].getIndex() + "/" + hits[j].getId() + "] has a vector of "
                        + d.length + " dimensions but the query has " + query.length);
                }
                vectors[j] = d;
                similarities[j] = VectorMath.dot(query, d);
            }
            float[] expanded = expansion.toAlphaQueryExpansion().expand(query, vectors, similarities);
            result.set(copy(expanded, null, filter, null, null));
            l.onResponse(null);
        })));
        return copy(queryVector, queryDocument, filter, expansion, result);
    }

    /**
     * This query as Elasticsearch's own kNN queries: a kNN query, or for {@code exact} on byte
     * or bit vectors Elasticsearch's exact kNN query (float vectors are scored by {@link ExactVectorQuery}).
     */
    private QueryBuilder elasticsearchQuery() {
        QueryBuilder query;
        if (exact) {
            QueryBuilder scored = new ExactKnnQueryBuilder(VectorData.fromFloats(queryVector), field, similarity);
            query = filter == null ? scored : new BoolQueryBuilder().must(scored).filter(filter);
        } else {
            KnnVectorQueryBuilder knn = new KnnVectorQueryBuilder(field, queryVector, k, numCandidates, null, similarity);
            if (filter != null) {
                knn.addFilterQuery(filter);
            }
            query = knn;
        }
        return query.boost(boost).queryName(queryName);
    }

    private RetrievalKnnQueryBuilder copy(
        float[] vector,
        QueryDocument document,
        QueryBuilder newFilter,
        QueryExpansion newExpansion,
        SetOnce<RetrievalKnnQueryBuilder> newPending
    ) {
        // the image stays the query until it has been described into a vector
        QueryImage image = vector == null && document == null ? queryImage : null;
        return new RetrievalKnnQueryBuilder(field, vector, document, image, k, numCandidates, newFilter, similarity, exact, newExpansion,
            newPending)
            .boost(boost)
            .queryName(queryName);
    }

    /**
     * The vector at {@code path} of a {@code _source} map, or null if absent.
     *
     * @throws IllegalArgumentException if the value there is not an array of numbers
     */
    static float[] vectorFromSource(Map<String, Object> source, String path) {
        Object value = source == null ? null : XContentMapValues.extractValue(path, source);
        if (value == null) {
            return null;
        }
        return numbers(value, "[" + NAME + "] _source field [" + path + "]");
    }

    /**
     * A list of numbers as floats.
     *
     * @param what names the value in the error, e.g. {@code [retrieval_knn] _source field [v]}
     * @throws IllegalArgumentException if {@code value} is not a list of numbers
     */
    static float[] numbers(Object value, String what) {
        if (value instanceof List<?> list) {
            float[] vector = new float[list.size()];
            for (int i = 0; i < vector.length; i++) {
                if (list.get(i) instanceof Number number) {
                    vector[i] = number.floatValue();
                } else {
                    throw new IllegalArgumentException(what + " must be an array of numbers but element [" + i + "] is ["
                        + list.get(i) + "]" + (list.get(i) instanceof String ? " (a string)" : ""));
                }
            }
            return vector;
        }
        throw new IllegalArgumentException(what + " must be an array of numbers, got [" + value + "]");
    }

    @Override
    protected boolean doEquals(RetrievalKnnQueryBuilder other) {
        return field.equals(other.field)
            && Arrays.equals(queryVector, other.queryVector)
            && Objects.equals(queryDocument, other.queryDocument)
            && Objects.equals(queryImage, other.queryImage)
            && k == other.k
            && Objects.equals(numCandidates, other.numCandidates)
            && Objects.equals(filter, other.filter)
            && Objects.equals(similarity, other.similarity)
            && exact == other.exact
            && Objects.equals(expansion, other.expansion)
            && Objects.equals(pending, other.pending);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(field, Arrays.hashCode(queryVector), queryDocument, queryImage, k, numCandidates, filter, similarity, exact, expansion);
    }
}
