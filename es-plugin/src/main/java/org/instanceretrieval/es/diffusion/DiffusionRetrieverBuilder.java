package org.instanceretrieval.es.diffusion;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ValidateActions;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RankDocsRetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.search.sort.FieldSortBuilder;
import org.elasticsearch.search.sort.ScoreSortBuilder;
import org.elasticsearch.search.sort.SortBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentLocation;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.rest.EnumIds;
import org.instanceretrieval.es.query.QueryVectorSource;
import org.instanceretrieval.es.query.VectorFieldInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code diffusion} retriever: diffusion of Iscen et al. over the <b>globally merged</b> top
 * {@code rank_window_size} hits of an inner retriever ({@code knn}, or {@code standard} with a
 * {@code retrieval_knn} or {@code knn} query), so that an index of several shards ranks exactly
 * as one shard would.
 *
 * <pre>
 * "retriever": { "diffusion": { "retriever": { "knn": { ... } }, "field": "v",
 *   "rank_window_size": 100, "k": 50, "gamma": 3, "alpha": 0.99, "query_k": 10,
 *   "max_iterations": 20, "tolerance": 1e-6, "query_vector": [...] (optional) } }
 * </pre>
 *
 * <p>Like Elasticsearch's compound retrievers it runs on the coordinating node inside a point in
 * time ({@link #isCompound()} makes the search open one): the rewrite runs the inner retriever's
 * search for its top {@code rank_window_size} hits (sorted by score, then {@code _shard_doc},
 * with the field's values fetched), reads the window's vectors (for {@code cosine} fields
 * L2-normalised, as Elasticsearch indexes them), diffuses with {@link WindowDiffusion} exactly as
 * the {@code diffusion} rescorer does on one shard, and becomes a {@link RankDocsRetrieverBuilder}
 * over the re-ranked window. The query vector is {@code query_vector} when given, else the inner
 * retriever's (a {@code knn} retriever, or a {@code retrieval_knn} / {@code knn} query of a
 * {@code standard} retriever, after rewrite, so {@code query_document} works).
 *
 * <p>With {@code "scope": "index"} the diffusion runs on the index's whole stored neighbour graph instead of the window
 * ({@link IndexRerank}); {@code offline} chooses the rows stored with the documents ({@link OfflineRows}); {@link Reranks}
 * decides which work runs, and raises the errors, before any search.
 *
 * <p>Scores: f as a float, except that Elasticsearch merges equal scores by shard, so scores are
 * raised by the fewest float ulps that make them strictly decreasing along the diffusion ranking
 * (ties in window order), and negative or zero f become the smallest positive floats (a
 * {@code RankDoc} score must be positive). The order therefore never depends on the sharding.
 *
 * <p>Memory: the window's estimate ({@link WindowDiffusion#estimatedBytes}) is accounted on the
 * request circuit breaker while the window is read and diffused; over the limit the search fails
 * with 429. Immutable.
 */
public final class DiffusionRetrieverBuilder extends RetrieverBuilder {

    public static final String NAME = "diffusion";

    static final ParseField RETRIEVER = new ParseField("retriever");
    static final ParseField FIELD = new ParseField("field");
    static final ParseField RANK_WINDOW_SIZE = new ParseField("rank_window_size");
    static final ParseField OFFLINE = new ParseField("offline");
    static final ParseField SCOPE = new ParseField("scope");


    /** Whether the offline diffusion build of the index and field is used. */
    public enum Offline {
        /** Use the build when it exists, matches k, gamma and alpha and holds every window document; else diffuse online. */
        AUTO,
        /** Use the build; a search it cannot serve is a 400 naming why. */
        TRUE,
        /** Always diffuse online. */
        FALSE;

        static Offline parse(String value) {
            return EnumIds.fromId(Offline.class, value, unknown -> new IllegalArgumentException("[" + NAME
                + "] [offline] must be true, false or auto but was [" + unknown + "]"));
        }

        @Override
        public String toString() {
            return EnumIds.id(this);
        }
    }

    public static final int DEFAULT_RANK_WINDOW_SIZE = 100;

    private final RetrieverBuilder inner;
    private final String field;
    private final float[] queryVector;
    private final int rankWindowSize;
    private final DiffusionParameters parameters;
    private final Offline offline;
    private final DiffusionScope scope;
    private final Supplier<CircuitBreaker> breaker;
    private final Supplier<StoredGraphCache> graphs;
    /** The inner retriever's search once its source is rewritten; null before. */
    private final SearchSourceBuilder innerSource;

    /**
     * @param queryVector null to take the inner retriever's
     * @param breaker the breaker the window's memory is accounted on (the request breaker)
     * @throws IllegalArgumentException if the inner retriever or field is missing, the query
     *     vector is empty or not finite, rank_window_size is not in [1, {@value WindowDiffusion#MAX_WINDOW}]
     */
    public DiffusionRetrieverBuilder(RetrieverBuilder inner, String field, float[] queryVector, int rankWindowSize,
                                     DiffusionParameters parameters, Offline offline, DiffusionScope scope, Supplier<CircuitBreaker> breaker,
                                     Supplier<StoredGraphCache> graphs) {
        this(inner, field, queryVector, rankWindowSize, parameters, offline, scope, breaker, graphs, null);
        if (inner == null) {
            throw new IllegalArgumentException("[" + NAME + "] requires an inner [" + RETRIEVER.getPreferredName() + "]");
        }
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires [" + FIELD.getPreferredName() + "]");
        }
        if (queryVector != null) {
            QueryVectorSource.checkVector(NAME, queryVector);
        }
        if (rankWindowSize < 1 || rankWindowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] [" + RANK_WINDOW_SIZE.getPreferredName() + "] must be in [1, "
                + WindowDiffusion.MAX_WINDOW + "] but was [" + rankWindowSize + "]");
        }
    }

    private DiffusionRetrieverBuilder(RetrieverBuilder inner, String field, float[] queryVector, int rankWindowSize,
                                      DiffusionParameters parameters, Offline offline, DiffusionScope scope, Supplier<CircuitBreaker> breaker,
                                      Supplier<StoredGraphCache> graphs, SearchSourceBuilder innerSource) {
        this.inner = inner;
        this.field = field;
        this.queryVector = queryVector == null ? null : queryVector.clone();
        this.rankWindowSize = rankWindowSize;
        this.parameters = Objects.requireNonNull(parameters);
        this.offline = Objects.requireNonNull(offline);
        this.scope = Objects.requireNonNull(scope);
        this.breaker = Objects.requireNonNull(breaker);
        this.graphs = Objects.requireNonNull(graphs);
        this.innerSource = innerSource;
    }

    private DiffusionRetrieverBuilder copy(RetrieverBuilder newInner, SearchSourceBuilder newSource) {
        DiffusionRetrieverBuilder copy = new DiffusionRetrieverBuilder(newInner, field, queryVector, rankWindowSize, parameters, offline,
            scope, breaker, graphs, newSource);
        copy.preFilterQueryBuilders = preFilterQueryBuilders;
        copy.retrieverName = retrieverName;
        copy.minScore = minScore;
        return copy;
    }

    /** The body as parsed; {@link #build} validates it (errors unwrapped, as the tests and docs give them). */
    private static final class Parsed {
        private RetrieverBuilder inner;
        private String field;
        private final QueryVectorSource.Parsed source = new QueryVectorSource.Parsed();
        private int rankWindowSize = DEFAULT_RANK_WINDOW_SIZE;
        private final DiffusionParameters.Parsed diffusion = new DiffusionParameters.Parsed();
        private String offline = Offline.AUTO.toString();
        private String scope = DiffusionScope.WINDOW.toString();
        private String name;
        private Float minScore;

        DiffusionRetrieverBuilder build(Supplier<CircuitBreaker> breaker, Supplier<StoredGraphCache> graphs) {
            DiffusionRetrieverBuilder builder = new DiffusionRetrieverBuilder(inner, field, source.vector(), rankWindowSize,
                diffusion.build(NAME), Offline.parse(offline), DiffusionScope.parse(scope), breaker, graphs);
            builder.retrieverName = name;
            builder.minScore = minScore;
            return builder;
        }
    }

    private static final ObjectParser<Parsed, RetrieverParserContext> PARSER = new ObjectParser<>(NAME, (p, name, value) -> {
        throw new ParsingException(XContentLocation.UNKNOWN, "[" + NAME + "] unknown field [" + name + "]");
    }, Parsed::new);

    static {
        PARSER.declareObject((p, v) -> p.inner = v, (parser, context) -> parseInnerRetrieverBuilder(parser, context), RETRIEVER);
        PARSER.declareString((p, v) -> p.field = v, FIELD);
        QueryVectorSource.declareVector(PARSER, NAME, p -> p.source);
        PARSER.declareInt((p, v) -> p.rankWindowSize = v, RANK_WINDOW_SIZE);
        DiffusionParameters.declare(PARSER, p -> p.diffusion);
        PARSER.declareField((p, v) -> p.offline = v, XContentParser::text, OFFLINE, ObjectParser.ValueType.VALUE);
        PARSER.declareString((p, v) -> p.scope = v, SCOPE);
        PARSER.declareString((p, v) -> p.name = v, NAME_FIELD);
        PARSER.declareFloat((p, v) -> p.minScore = v, MIN_SCORE_FIELD);
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRetrieverBuilder fromXContent(XContentParser parser, RetrieverParserContext context,
                                                         Supplier<CircuitBreaker> breaker) throws IOException {
        return fromXContent(parser, context, breaker, () -> null);
    }

    /** As above, with the node's graph cache ({@code scope: index}). */
    public static DiffusionRetrieverBuilder fromXContent(XContentParser parser, RetrieverParserContext context,
                                                         Supplier<CircuitBreaker> breaker, Supplier<StoredGraphCache> graphs)
        throws IOException {
        DiffusionRetrieverBuilder builder = PARSER.parse(parser, context).build(breaker, graphs);
        context.trackRetrieverUsage(NAME);
        return builder;
    }

    /** A search opens a point in time for this retriever, so that the window's doc ids stay valid until the hits are fetched. */
    @Override
    public boolean isCompound() {
        return true;
    }

    @Override
    public RetrieverBuilder rewrite(QueryRewriteContext ctx) throws IOException {
        if (ctx.getPointInTimeBuilder() == null) {
            throw new IllegalStateException("[" + NAME + "] runs inside a point in time");
        }
        List<QueryBuilder> newPreFilters = rewritePreFilters(ctx);
        if (newPreFilters != preFilterQueryBuilders) {
            DiffusionRetrieverBuilder copy = copy(inner, innerSource);
            copy.preFilterQueryBuilders = newPreFilters;
            return copy;
        }
        RetrieverBuilder newInner = inner.rewrite(ctx);
        if (newInner != inner) {
            return copy(newInner, null);
        }
        SearchSourceBuilder source = innerSource != null ? innerSource : windowSearch(ctx);
        SearchSourceBuilder rewrittenSource = source.rewrite(ctx);
        if (rewrittenSource != innerSource) {
            return copy(inner, rewrittenSource);
        }

        // All rewrites are done: check the field and the query vector, then register the window search.
        ResolvedIndices indices = ctx.getResolvedIndices();
        VectorFieldInfo mapping = VectorFieldInfo.of(NAME, field,
            indices == null ? List.of() : indices.getConcreteLocalIndicesMetadata().values());
        float[] query = queryVector != null ? queryVector : innerQueryVector(innerSource);
        mapping.checkDimensions(NAME, query.length);
        SearchRequest request = new SearchRequest().source(innerSource).allowPartialSearchResults(false);
        request.setPreFilterShardSize(Integer.MAX_VALUE); // no can-match reordering: shard indices must match the final search's
        BiConsumer<Client, ActionListener<RankDoc[]>> rerank = Reranks.plan(this, ctx, request, mapping, query);
        SetOnce<RankDoc[]> results = new SetOnce<>();
        ctx.registerAsyncAction((client, listener) -> rerank.accept(client, listener.delegateFailureAndWrap((l, ranked) -> {
            results.set(ranked);
            l.onResponse(null);
        })));
        RankDocsRetrieverBuilder rankDocs = new RankDocsRetrieverBuilder(rankWindowSize, List.of(inner), results::get, minScore);
        rankDocs.retrieverName(retrieverName);
        return rankDocs;
    }

    /**
     * The inner retriever's search for the window: top rank_window_size by score then _shard_doc (the reranks add the field's
     * values to their copy where they read the vectors through the search, see {@link Reranks}).
     */
    private SearchSourceBuilder windowSearch(QueryRewriteContext ctx) {
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(ctx.getPointInTimeBuilder())
            .trackTotalHits(false)
            .fetchSource(false)
            .size(scope == DiffusionScope.INDEX ? parameters.queryK() : rankWindowSize);
        if (preFilterQueryBuilders.isEmpty() == false) {
            inner.getPreFilterQueryBuilders().addAll(preFilterQueryBuilders);
        }
        inner.extractToSearchSourceBuilder(source, true);
        if (preFilterQueryBuilders.isEmpty() == false && source.query() != null) {
            BoolQueryBuilder filtered = new BoolQueryBuilder().must(source.query());
            preFilterQueryBuilders.forEach(filtered::filter);
            source.query(filtered);
        }
        List<SortBuilder<?>> sorts = source.sorts() == null ? new ArrayList<>() : new ArrayList<>(source.sorts());
        if (sorts.isEmpty()) {
            sorts.add(new ScoreSortBuilder());
        }
        sorts.add(new FieldSortBuilder(FieldSortBuilder.SHARD_DOC_FIELD_NAME));
        source.sort(sorts);
        return source;
    }

    /** See {@link InnerQueryVector#of}. */
    static float[] innerQueryVector(SearchSourceBuilder source) {
        return InnerQueryVector.of(source);
    }

    /** See {@link DiffusionWindow#strictlyDecreasing}. */
    static float[] strictlyDecreasing(double[] fInRankOrder) {
        return DiffusionWindow.strictlyDecreasing(fInRankOrder);
    }

    @Override
    public ActionRequestValidationException validate(SearchSourceBuilder source, ActionRequestValidationException e,
                                                     boolean isScroll, boolean allowPartialSearchResults) {
        e = super.validate(source, e, isScroll, allowPartialSearchResults);
        int from = Math.max(source.from(), 0);
        int size = source.size() < 0 ? 10 : source.size();
        if (from + size > rankWindowSize) {
            e = ValidateActions.addValidationError("[" + NAME + "] [" + RANK_WINDOW_SIZE.getPreferredName()
                + "] must be >= from + size [" + (from + size) + "] but was [" + rankWindowSize + "]", e);
        }
        if (isScroll) {
            e = ValidateActions.addValidationError("[" + NAME + "] cannot be used in a scroll", e);
        }
        return inner.validate(source, e, isScroll, allowPartialSearchResults);
    }

    @Override
    public QueryBuilder topDocsQuery() {
        throw new IllegalStateException("[" + NAME + "] must be rewritten before it is used");
    }

    @Override
    public void extractToSearchSourceBuilder(SearchSourceBuilder searchSourceBuilder, boolean compoundUsed) {
        throw new IllegalStateException("[" + NAME + "] must be rewritten before it is used");
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    protected void doToXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field(RETRIEVER.getPreferredName(), inner);
        builder.field(FIELD.getPreferredName(), field);
        if (queryVector != null) {
            builder.array(QueryVectorSource.QUERY_VECTOR.getPreferredName(), queryVector);
        }
        builder.field(RANK_WINDOW_SIZE.getPreferredName(), rankWindowSize);
        parameters.toXContent(builder, params);
        builder.field(OFFLINE.getPreferredName(), offline.toString());
        builder.field(SCOPE.getPreferredName(), scope.toString());
    }

    @Override
    protected boolean doEquals(Object o) {
        DiffusionRetrieverBuilder other = (DiffusionRetrieverBuilder) o;
        return inner.equals(other.inner) && field.equals(other.field) && Arrays.equals(queryVector, other.queryVector)
            && rankWindowSize == other.rankWindowSize && parameters.equals(other.parameters) && offline == other.offline && scope == other.scope && Objects.equals(innerSource, other.innerSource);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(inner, field, Arrays.hashCode(queryVector), rankWindowSize, parameters, offline, scope);
    }

    /** A copy over another inner retriever (the query of each search of an evaluation), every other option kept. */
    public DiffusionRetrieverBuilder withInner(RetrieverBuilder newInner) {
        return copy(Objects.requireNonNull(newInner), null);
    }

    public RetrieverBuilder inner() {
        return inner;
    }

    public String field() {
        return field;
    }

    public int rankWindowSize() {
        return rankWindowSize;
    }

    public DiffusionParameters parameters() {
        return parameters;
    }

    public Offline offline() {
        return offline;
    }

    public DiffusionScope scope() {
        return scope;
    }

    Supplier<StoredGraphCache> graphs() {
        return graphs;
    }

    Supplier<CircuitBreaker> breaker() {
        return breaker;
    }
}
