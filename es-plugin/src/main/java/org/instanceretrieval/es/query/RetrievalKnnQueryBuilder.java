package org.instanceretrieval.es.query;

import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.search.ExactVectorQuery;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code retrieval_knn} query: k-nearest-neighbour search on a {@code dense_vector} field
 * with the query given as a vector, a stored document or an image, or as a set of them
 * ({@link QueryVectorSet}: scored by the aggregated similarity, {@link KnnOnShard#setQuery}),
 * optionally expanded (AQE, alpha-QE, query-set expansion) over the first round of the whole search.
 *
 * <p>Rewrite, in this order, on the coordinating node:
 * <ol>
 *   <li>{@code query_image(s)}: described through the ingest simulate API ({@link QueryImageDescriber});
 *       {@code query_document(s)}: a (multi-)get of the {@code _source} field; the query becomes the vector(s);</li>
 *   <li>{@code expansion}: one search of the same query without expansion, {@code size = n},
 *       over the concrete local indices of the search request, reading the hits' vectors from the
 *       index or {@code _source} ({@link FirstRoundVectors}); the query vector becomes {@code L2(q + sum_j w_j d_j)}
 *       ({@link org.instanceretrieval.expansion.AlphaQueryExpansion}) with {@code s_j = q . d_j};</li>
 * </ol>
 * then on each shard, after checking that {@code field} is a {@code dense_vector} of the query's
 * dimension, into Elasticsearch's own kNN query ({@code k}, {@code num_candidates}, {@code filter}, {@code similarity}); with {@code exact}, every
 * document matching {@code filter} is scored by brute force on its raw float vector
 * ({@link ExactVectorQuery}; byte and bit vectors through Elasticsearch's exact kNN query), see {@link KnnOnShard}.
 * Scores are Elasticsearch's kNN scores for the field's similarity ({@code (1 + s) / 2} for
 * {@code cosine} and {@code dot_product}, {@code 1 / (1 + d^2)} for {@code l2_norm}).
 *
 * With {@code query_set} expansion the query instead becomes the first round's fixed ranking
 * ({@link ExpansionRound}, {@link RankedSeqNoQueryBuilder}).
 *
 * <p>Immutable, except for the transient pending result of an asynchronous rewrite step (a
 * builder holding one cannot be serialised). The memory budget of query-set expansion is the
 * node's, given by the plugin to every builder it parses or reads ({@link #withMemory}).
 */
public final class RetrievalKnnQueryBuilder extends CoordinatorQueryBuilder<RetrievalKnnQueryBuilder> {

    public static final String NAME = "retrieval_knn";
    /** Default {@code k}. */
    public static final int DEFAULT_K = 10;
    /** Largest {@code k} and {@code num_candidates}, Elasticsearch's kNN limit. */
    public static final int MAX_CANDIDATES = 10_000;

    static final ParseField K = new ParseField("k");
    static final ParseField NUM_CANDIDATES = new ParseField("num_candidates");
    static final ParseField FILTER = new ParseField("filter");
    static final ParseField SIMILARITY = new ParseField("similarity");
    static final ParseField EXACT = new ParseField("exact");
    static final ParseField EXPANSION = new ParseField("expansion");

    private final QueryVectorSource source;
    private final int k;
    private final Integer numCandidates;
    private final QueryBuilder filter;
    private final Float similarity;
    private final boolean exact;
    private final QueryExpansion expansion;
    /** The node's memory budget (its {@code retrieval} breaker), or null for a builder made in code. */
    private final Supplier<MemoryBudget> memory;

    /**
     * @param field         name of a {@code dense_vector} field
     * @param queryVector   the query vector, finite, not empty; exactly one of it and {@code queryDocument}
     * @param queryDocument the document whose stored vector is the query
     * @param k             number of neighbours per shard, {@code 1..10,000}
     * @param numCandidates candidates per shard, {@code k..10,000}, or null for Elasticsearch's default
     * @param filter        documents considered, or null for all
     * @param similarity    minimum similarity (the field's units, as Elasticsearch's kNN {@code similarity}), or null
     * @param exact         brute force over all documents matching {@code filter} instead of the index
     * @param expansion     query expansion, or null
     * @throws IllegalArgumentException naming the first invalid parameter
     */
    public RetrievalKnnQueryBuilder(String field, float[] queryVector, QueryDocument queryDocument, int k, Integer numCandidates,
                                    QueryBuilder filter, Float similarity, boolean exact, QueryExpansion expansion) {
        this(requireField(field), new QueryVectorSource(NAME, queryVector, queryDocument, null), k, numCandidates, filter, similarity,
            exact, expansion, null, null);
    }

    /** As {@link #RetrievalKnnQueryBuilder(String, QueryVectorSource, int, Integer, QueryBuilder, Float, boolean, QueryExpansion)} with an image. */
    public RetrievalKnnQueryBuilder(String field, QueryImage queryImage, int k, Integer numCandidates, QueryBuilder filter,
                                    Float similarity, boolean exact, QueryExpansion expansion) {
        this(field, new QueryVectorSource(NAME, null, null, queryImage), k, numCandidates, filter, similarity, exact, expansion);
    }

    /** As above with the query given by {@code source}: any single form or a set of vectors, documents or images. */
    public RetrievalKnnQueryBuilder(String field, QueryVectorSource source, int k, Integer numCandidates, QueryBuilder filter,
                                    Float similarity, boolean exact, QueryExpansion expansion) {
        this(requireField(field), source, k, numCandidates, filter, similarity, exact, expansion, null, null);
    }

    private RetrievalKnnQueryBuilder(String field, QueryVectorSource source, int k, Integer numCandidates, QueryBuilder filter,
                                     Float similarity, boolean exact, QueryExpansion expansion, SetOnce<? extends QueryBuilder> pending,
                                     Supplier<MemoryBudget> memory) {
        super(NAME, field, pending);
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
        this.source = Objects.requireNonNull(source);
        this.k = k;
        this.numCandidates = numCandidates;
        this.filter = filter;
        this.similarity = similarity;
        this.exact = exact;
        this.expansion = expansion;
        this.memory = memory;
    }

    private static String requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires a [field]");
        }
        return field;
    }

    public RetrievalKnnQueryBuilder(StreamInput in) throws IOException {
        super(NAME, in);
        this.source = new QueryVectorSource(in);
        this.k = in.readVInt();
        this.numCandidates = in.readOptionalVInt();
        this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        this.similarity = in.readOptionalFloat();
        this.exact = in.readBoolean();
        this.expansion = in.readOptionalWriteable(QueryExpansion::new);
        this.memory = null;
    }

    @Override
    protected void doWriteOptions(StreamOutput out) throws IOException {
        source.writeTo(out);
        out.writeVInt(k);
        out.writeOptionalVInt(numCandidates);
        out.writeOptionalNamedWriteable(filter);
        out.writeOptionalFloat(similarity);
        out.writeBoolean(exact);
        out.writeOptionalWriteable(expansion);
    }

    /** @return a copy of the query vector, or null while the query is a document or an image, or for a set */
    public float[] queryVector() {
        return source.vector();
    }

    /** Where the query's vector or vectors come from. */
    public QueryVectorSource source() {
        return source;
    }

    public QueryDocument queryDocument() {
        return source.document();
    }

    /** @return the query image, or null unless the query is (still) an image */
    public QueryImage queryImage() {
        return source.image();
    }

    public int k() {
        return k;
    }

    /** A copy querying {@code queryVector} in place of its query, keeping the rest; IllegalArgumentException if empty or not finite. */
    public RetrievalKnnQueryBuilder withQueryVector(float[] queryVector) {
        return copy(vector(queryVector), filter, expansion, null);
    }

    /** As {@link #withQueryVector} with any query source, e.g. a set of query vectors. */
    public RetrievalKnnQueryBuilder withQuerySource(QueryVectorSource querySource) {
        return copy(querySource, filter, expansion, null);
    }

    /** A copy whose query-set expansion charges {@code budget} (the plugin passes its node's {@code retrieval} breaker). */
    public RetrievalKnnQueryBuilder withMemory(Supplier<MemoryBudget> budget) {
        return new RetrievalKnnQueryBuilder(field, source, k, numCandidates, filter, similarity, exact, expansion, pending, budget)
            .boost(boost).queryName(queryName);
    }

    /** The memory budget of query-set expansion: the node's, or unlimited for a builder made in code. */
    MemoryBudget memory() {
        MemoryBudget budget = memory == null ? null : memory.get();
        return budget == null ? MemoryBudget.UNLIMITED : budget;
    }

    /** This query waiting for {@code next}, the result of an asynchronous rewrite step. */
    RetrievalKnnQueryBuilder withPending(SetOnce<? extends QueryBuilder> next) {
        return copy(source, filter, expansion, next);
    }

    /** This query with {@code queryVector} and without expansion (an expanded query). */
    RetrievalKnnQueryBuilder expandedTo(float[] queryVector) {
        return copy(vector(queryVector), filter, null, null);
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

    // ---- x-content ----

    @Override
    protected void doXContentOptions(XContentBuilder builder, Params params) throws IOException {
        source.toXContent(builder, params);
        builder.field(K.getPreferredName(), k);
        if (numCandidates != null) {
            builder.field(NUM_CANDIDATES.getPreferredName(), numCandidates);
        }
        if (filter != null) {
            builder.field(FILTER.getPreferredName(), filter);
        }
        if (similarity != null) {
            builder.field(SIMILARITY.getPreferredName(), similarity);
        }
        builder.field(EXACT.getPreferredName(), exact);
        if (expansion != null) {
            builder.field(EXPANSION.getPreferredName(), expansion);
        }
    }

    /** The request body as parsed; {@link #build} validates it (errors unwrapped, as the messages of the tests and docs). */
    private static final class Parsed extends ParsedQuery {
        private final QueryVectorSource.Parsed source = new QueryVectorSource.Parsed();
        private int k = DEFAULT_K;
        private Integer numCandidates;
        private QueryBuilder filter;
        private Float similarity;
        private boolean exact;
        private QueryExpansion.Parsed expansion;

        RetrievalKnnQueryBuilder build() {
            return named(new RetrievalKnnQueryBuilder(requireField(field), source.build(NAME), k, numCandidates, filter, similarity, exact,
                expansion == null ? null : expansion.build(), null, null));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = parser(NAME, Parsed::new);

    static {
        QueryVectorSource.declareWithSets(PARSER, NAME, p -> p.source);
        PARSER.declareInt((p, v) -> p.k = v, K);
        PARSER.declareInt((p, v) -> p.numCandidates = v, NUM_CANDIDATES);
        PARSER.declareObject((p, v) -> p.filter = v, (parser, c) -> parseInnerQueryBuilder(parser), FILTER);
        PARSER.declareFloat((p, v) -> p.similarity = v, SIMILARITY);
        PARSER.declareBoolean((p, v) -> p.exact = v, EXACT);
        PARSER.declareObject((p, v) -> p.expansion = v, QueryExpansion.PARSER, EXPANSION);
    }

    /** Parses the body of {@code {"retrieval_knn": {...}}}; invalid values give a 400. */
    public static RetrievalKnnQueryBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    // ---- rewrite ----

    @Override
    protected QueryBuilder doRewriteQuery(QueryRewriteContext context) throws IOException {
        QueryBuilder rewrittenFilter = filter == null ? null : filter.rewrite(context);
        if (rewrittenFilter != filter) {
            return copy(source, rewrittenFilter, expansion, null);
        }
        if (source.resolved() == false) {
            // documents or images: the same query with their vectors
            return copy(source, filter, expansion, source.resolveSource(context, NAME, field, s -> copy(s, filter, expansion, null)));
        }
        if (expansion != null) {
            return ExpansionRound.rewrite(this, context);
        }
        SearchExecutionContext shard = context.convertToSearchExecutionContext();
        if (shard != null) {
            VectorFieldInfo mapping = KnnOnShard.checkField(this, shard);
            // exact scoring of float vectors and sets stay with this builder (doToQuery): they read the raw vectors
            return (exact && mapping.isFloat()) || source.set() != null ? this : KnnOnShard.elasticsearchQuery(this);
        }
        return this;
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) throws IOException {
        if (source.resolved() == false || expansion != null) {
            throw new IllegalStateException("[" + NAME + "] must be rewritten before it is turned into a Lucene query");
        }
        VectorFieldInfo mapping = KnnOnShard.checkField(this, context);
        if (source.set() != null) {
            return KnnOnShard.setQuery(this, mapping, context);
        }
        // normally the shard rewrite already replaced this builder unless it scores float vectors exactly
        return exact && mapping.isFloat() ? KnnOnShard.exactQuery(this, mapping, context)
            : Rewriteable.rewrite(KnnOnShard.elasticsearchQuery(this), context).toQuery(context);
    }

    private static QueryVectorSource vector(float[] v) {
        return new QueryVectorSource(NAME, v, null, null);
    }

    private RetrievalKnnQueryBuilder copy(QueryVectorSource newSource, QueryBuilder newFilter, QueryExpansion newExpansion,
                                          SetOnce<? extends QueryBuilder> newPending) {
        return new RetrievalKnnQueryBuilder(field, newSource, k, numCandidates, newFilter, similarity, exact, newExpansion, newPending, memory)
            .boost(boost)
            .queryName(queryName);
    }

    @Override
    protected boolean doEquals(RetrievalKnnQueryBuilder other) {
        return field.equals(other.field)
            && source.equals(other.source)
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
        return Objects.hash(field, source, k, numCandidates, filter, similarity, exact, expansion);
    }
}
