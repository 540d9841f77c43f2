package org.instanceretrieval.es.retriever;

import java.util.Map;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.core.Releasables;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RankDocsRetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.search.sort.FieldSortBuilder;
import org.elasticsearch.search.sort.ScoreSortBuilder;
import org.elasticsearch.search.sort.ShardDocSortField;
import org.elasticsearch.search.sort.SortBuilder;
import org.elasticsearch.search.vectors.KnnSearchBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.diffusion.DiffusionParameters;
import org.instanceretrieval.es.diffusion.OfflineDiffusionData;
import org.instanceretrieval.es.diffusion.OfflineDiffusionIndex;
import org.instanceretrieval.es.store.ModelIndex;
import org.instanceretrieval.math.RankingOrder;
import org.instanceretrieval.es.diffusion.WindowDiffusion;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;
import org.instanceretrieval.math.VectorMath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
    static final ParseField QUERY_VECTOR = new ParseField("query_vector");
    static final ParseField RANK_WINDOW_SIZE = new ParseField("rank_window_size");
    static final ParseField K = new ParseField("k");
    static final ParseField GAMMA = new ParseField("gamma");
    static final ParseField ALPHA = new ParseField("alpha");
    static final ParseField QUERY_K = new ParseField("query_k");
    static final ParseField MAX_ITERATIONS = new ParseField("max_iterations");
    static final ParseField TOLERANCE = new ParseField("tolerance");
    static final ParseField OFFLINE = new ParseField("offline");

    /** Whether the offline diffusion build of the index and field is used. */
    public enum Offline {
        /** Use the build when it exists, matches k, gamma and alpha and holds every window document; else diffuse online. */
        AUTO,
        /** Use the build; a search it cannot serve is a 400 naming why. */
        TRUE,
        /** Always diffuse online. */
        FALSE;

        static Offline parse(String value) {
            return switch (value) {
                case "auto" -> AUTO;
                case "true" -> TRUE;
                case "false" -> FALSE;
                default -> throw new IllegalArgumentException("[" + NAME + "] [offline] must be true, false or auto but was [" + value + "]");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final int DEFAULT_RANK_WINDOW_SIZE = 100;

    private final RetrieverBuilder inner;
    private final String field;
    private final float[] queryVector;
    private final int rankWindowSize;
    private final DiffusionParameters parameters;
    private final Offline offline;
    private final Supplier<CircuitBreaker> breaker;
    /** The inner retriever's search once its source is rewritten; null before. */
    private final SearchSourceBuilder innerSource;

    /**
     * @param queryVector null to take the inner retriever's
     * @param breaker the breaker the window's memory is accounted on (the request breaker)
     * @throws IllegalArgumentException if the inner retriever or field is missing, the query
     *     vector is empty or not finite, rank_window_size is not in [1, {@value WindowDiffusion#MAX_WINDOW}]
     */
    public DiffusionRetrieverBuilder(RetrieverBuilder inner, String field, float[] queryVector, int rankWindowSize,
                                     DiffusionParameters parameters, Offline offline, Supplier<CircuitBreaker> breaker) {
        this(inner, field, queryVector, rankWindowSize, parameters, offline, breaker, null);
        if (inner == null) {
            throw new IllegalArgumentException("[" + NAME + "] requires an inner [" + RETRIEVER.getPreferredName() + "]");
        }
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires [" + FIELD.getPreferredName() + "]");
        }
        if (queryVector != null) {
            if (queryVector.length == 0) {
                throw new IllegalArgumentException("[" + NAME + "] [" + QUERY_VECTOR.getPreferredName() + "] must not be empty");
            }
            for (int i = 0; i < queryVector.length; i++) {
                if (Float.isFinite(queryVector[i]) == false) {
                    throw new IllegalArgumentException("[" + NAME + "] [" + QUERY_VECTOR.getPreferredName()
                        + "] must be finite but element [" + i + "] is [" + queryVector[i] + "]");
                }
            }
        }
        if (rankWindowSize < 1 || rankWindowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] [" + RANK_WINDOW_SIZE.getPreferredName() + "] must be in [1, "
                + WindowDiffusion.MAX_WINDOW + "] but was [" + rankWindowSize + "]");
        }
    }

    private DiffusionRetrieverBuilder(RetrieverBuilder inner, String field, float[] queryVector, int rankWindowSize,
                                      DiffusionParameters parameters, Offline offline, Supplier<CircuitBreaker> breaker,
                                      SearchSourceBuilder innerSource) {
        this.inner = inner;
        this.field = field;
        this.queryVector = queryVector == null ? null : queryVector.clone();
        this.rankWindowSize = rankWindowSize;
        this.parameters = Objects.requireNonNull(parameters);
        this.offline = Objects.requireNonNull(offline);
        this.breaker = Objects.requireNonNull(breaker);
        this.innerSource = innerSource;
    }

    private DiffusionRetrieverBuilder copy(RetrieverBuilder newInner, SearchSourceBuilder newSource) {
        DiffusionRetrieverBuilder copy = new DiffusionRetrieverBuilder(newInner, field, queryVector, rankWindowSize, parameters, offline,
            breaker, newSource);
        copy.preFilterQueryBuilders = preFilterQueryBuilders;
        copy.retrieverName = retrieverName;
        copy.minScore = minScore;
        return copy;
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRetrieverBuilder fromXContent(XContentParser parser, RetrieverParserContext context,
                                                         Supplier<CircuitBreaker> breaker) throws IOException {
        RetrieverBuilder inner = null;
        String field = null;
        float[] queryVector = null;
        int rankWindowSize = DEFAULT_RANK_WINDOW_SIZE;
        int k = GraphParameters.DEFAULT_K;
        double gamma = GraphParameters.DEFAULT_GAMMA;
        double alpha = ConjugateGradient.DEFAULT_ALPHA;
        int queryK = QueryWeighting.DEFAULT_KQ;
        int maxIterations = ConjugateGradient.DEFAULT_MAX_ITERATIONS;
        double tolerance = ConjugateGradient.DEFAULT_TOLERANCE;
        Offline offline = Offline.AUTO;
        String name = null;
        Float minScore = null;
        String current = null;
        XContentParser.Token token = parser.currentToken();
        if (token != XContentParser.Token.START_OBJECT && parser.nextToken() != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] expects an object");
        }
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                current = parser.currentName();
            } else if (token == XContentParser.Token.START_OBJECT && RETRIEVER.match(current, parser.getDeprecationHandler())) {
                if (parser.nextToken() != XContentParser.Token.FIELD_NAME) {
                    throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [retriever] must name one retriever");
                }
                String innerName = parser.currentName();
                parser.nextToken();
                inner = parser.namedObject(RetrieverBuilder.class, innerName, context);
                context.trackRetrieverUsage(inner.getName());
                if (parser.nextToken() != XContentParser.Token.END_OBJECT) {
                    throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [retriever] must hold exactly one retriever");
                }
            } else if (token == XContentParser.Token.START_ARRAY && QUERY_VECTOR.match(current, parser.getDeprecationHandler())) {
                List<Float> values = new ArrayList<>();
                while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
                    values.add(parser.floatValue());
                }
                queryVector = new float[values.size()];
                for (int i = 0; i < queryVector.length; i++) {
                    queryVector[i] = values.get(i);
                }
            } else if (token.isValue()) {
                if (FIELD.match(current, parser.getDeprecationHandler())) {
                    field = parser.text();
                } else if (RANK_WINDOW_SIZE.match(current, parser.getDeprecationHandler())) {
                    rankWindowSize = parser.intValue();
                } else if (K.match(current, parser.getDeprecationHandler())) {
                    k = parser.intValue();
                } else if (GAMMA.match(current, parser.getDeprecationHandler())) {
                    gamma = parser.doubleValue();
                } else if (ALPHA.match(current, parser.getDeprecationHandler())) {
                    alpha = parser.doubleValue();
                } else if (QUERY_K.match(current, parser.getDeprecationHandler())) {
                    queryK = parser.intValue();
                } else if (MAX_ITERATIONS.match(current, parser.getDeprecationHandler())) {
                    maxIterations = parser.intValue();
                } else if (TOLERANCE.match(current, parser.getDeprecationHandler())) {
                    tolerance = parser.doubleValue();
                } else if (OFFLINE.match(current, parser.getDeprecationHandler())) {
                    offline = Offline.parse(parser.text());
                } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
                    name = parser.text();
                } else if (MIN_SCORE_FIELD.match(current, parser.getDeprecationHandler())) {
                    minScore = parser.floatValue();
                } else {
                    throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unknown field [" + current + "]");
                }
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unexpected [" + token + "] in [" + current + "]");
            }
        }
        context.trackRetrieverUsage(NAME);
        DiffusionRetrieverBuilder builder = new DiffusionRetrieverBuilder(inner, field, queryVector, rankWindowSize,
            new DiffusionParameters(NAME, k, gamma, alpha, queryK, maxIterations, tolerance), offline, breaker);
        builder.retrieverName = name;
        builder.minScore = minScore;
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
        VectorFieldMapping mapping = VectorFieldMapping.of(NAME, field,
            indices == null ? List.of() : indices.getConcreteLocalIndicesMetadata().values());
        float[] query = queryVector != null ? queryVector : innerQueryVector(innerSource);
        if (query.length != mapping.dims()) {
            throw new IllegalArgumentException("[" + NAME + "] the query vector has a different number of dimensions [" + query.length
                + "] than the document vectors [" + mapping.dims() + "] of field [" + field + "]");
        }
        SetOnce<RankDoc[]> results = new SetOnce<>();
        SearchRequest request = new SearchRequest().source(innerSource).allowPartialSearchResults(false);
        request.setPreFilterShardSize(Integer.MAX_VALUE); // no can-match reordering: shard indices must match the final search's
        // The offline build serves one index only.
        org.elasticsearch.index.Index offlineIndexOf = offline != Offline.FALSE && indices != null
            && indices.getConcreteLocalIndices().length == 1 ? indices.getConcreteLocalIndices()[0] : null;
        String offlineIndex = offlineIndexOf == null ? null : offlineIndexOf.getName();
        if (offline == Offline.TRUE && offlineIndex == null) {
            throw new IllegalArgumentException("[" + NAME + "] [offline] true needs a search of exactly one index");
        }
        ctx.registerAsyncAction((client, listener) -> {
            Releasable reserved;
            try {
                reserved = WindowDiffusion.reserve(breaker.get(), rankWindowSize, mapping.dims(), parameters.k(), NAME);
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            ActionListener<RankDoc[]> done = ActionListener.releaseAfter(ActionListener.wrap(ranked -> {
                results.set(ranked);
                listener.onResponse(null);
            }, listener::onFailure), reserved);
            client.execute(TransportSearchAction.TYPE, request, done.delegateFailureAndWrap((l, response) -> {
                Window window = readWindow(response, mapping);
                if (offlineIndex == null || window.size() == 0) {
                    l.onResponse(rank(window, WindowDiffusion.diffuse(window.vectors, query, parameters).solution()));
                    return;
                }
                loadOfflineBuild(client, offlineIndex, ActionListener.wrap(
                    stored -> {
                        try (Releasable loaded = stored.reservation()) {
                            l.onResponse(rank(window, offlineOrOnline(window, stored.response(), offlineIndexOf, query)));
                        }
                    },
                    e -> {
                        if (offline == Offline.AUTO && ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                            l.onResponse(rank(window, WindowDiffusion.diffuse(window.vectors, query, parameters).solution()));
                        } else if (ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                            l.onFailure(noBuild(offlineIndex));
                        } else {
                            l.onFailure(e);
                        }
                    }));
            }));
        });
        RankDocsRetrieverBuilder rankDocs = new RankDocsRetrieverBuilder(rankWindowSize, List.of(inner), results::get, minScore);
        rankDocs.retrieverName(retrieverName);
        return rankDocs;
    }

    /** The inner retriever's search for the window: top rank_window_size by score then _shard_doc, with the field's values. */
    private SearchSourceBuilder windowSearch(QueryRewriteContext ctx) {
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(ctx.getPointInTimeBuilder())
            .trackTotalHits(false)
            .fetchSource(false)
            .fetchField(field)
            .size(rankWindowSize);
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

    /**
     * The query vector of the inner retriever's rewritten search: its {@code knn} section, or a
     * {@code retrieval_knn} or {@code knn} query (also as the single {@code must} clause of a bool).
     *
     * @throws IllegalArgumentException if there is none
     */
    static float[] innerQueryVector(SearchSourceBuilder source) {
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
            + "standard retriever with a retrieval_knn or knn query): give [" + QUERY_VECTOR.getPreferredName() + "]");
    }

    /** The window: hits in first-pass order, as rank documents, with their _ids and vectors. */
    private record Window(RankDoc[] docs, String[] ids, float[][] vectors) {
        int size() {
            return docs.length;
        }
    }

    private Window readWindow(SearchResponse response, VectorFieldMapping mapping) {
        SearchHit[] hits = response.getHits().getHits();
        int n = hits.length;
        RankDoc[] docs = new RankDoc[n];
        String[] ids = new String[n];
        float[][] vectors = new float[n][];
        boolean cosine = "cosine".equals(mapping.similarity());
        for (int i = 0; i < n; i++) {
            SearchHit hit = hits[i];
            Object[] sortValues = hit.getRawSortValues();
            long shardDoc = (long) sortValues[sortValues.length - 1];
            docs[i] = new RankDoc(ShardDocSortField.decodeDoc(shardDoc), hit.getScore(), ShardDocSortField.decodeShardRequestIndex(shardDoc));
            docs[i].rank = i + 1;
            ids[i] = hit.getId();
            float[] v = vectorOf(hit, mapping);
            vectors[i] = cosine && v != null ? VectorMath.l2Normalized(v) : v == null ? new float[mapping.dims()] : v;
        }
        inner.setRankDocs(docs);
        return new Window(docs, ids, vectors);
    }

    /** The window re-ranked by f (one value per window item, in window order), ties in window order. */
    private static RankDoc[] rank(Window window, double[] f) {
        int n = window.size();
        int[] ranking = RankingOrder.rank(f);
        double[] inRankOrder = new double[n];
        for (int r = 0; r < n; r++) {
            inRankOrder[r] = f[ranking[r]];
        }
        float[] scores = strictlyDecreasing(inRankOrder);
        RankDoc[] ranked = new RankDoc[n];
        for (int r = 0; r < n; r++) {
            RankDoc hit = window.docs()[ranking[r]];
            ranked[r] = new RankDoc(hit.doc, scores[r], hit.shardIndex);
            ranked[r].rank = r + 1;
        }
        return ranked;
    }

    private static IllegalArgumentException noBuild(String index) {
        return new IllegalArgumentException("[" + NAME + "] [offline] true but index [" + index + "] has no offline diffusion build: run "
            + "POST " + index + "/_retrieval/diffusion/_build");
    }

    /** A loaded offline build and the breaker bytes charged for it (released once it is used). */
    private record LoadedBuild(GetResponse response, Releasable reservation) {}

    /**
     * Reads the offline build of {@code index} in two steps so that its size is charged before it is loaded: first its
     * header ({@code items}, {@code stored_entries}, without the data), then, once {@link #offlineBuildBytes} of those is
     * reserved on the request breaker (429 when it does not fit), the whole document. A build without a header answers as
     * missing data ({@code offlineOrOnline} then refuses or falls back).
     */
    private void loadOfflineBuild(Client client, String index, ActionListener<LoadedBuild> listener) {
        Client origin = new OriginSettingClient(client, ModelIndex.ORIGIN);
        String id = OfflineDiffusionIndex.id(index, field);
        GetRequest header = new GetRequest(OfflineDiffusionIndex.INDEX, id)
            .fetchSourceContext(FetchSourceContext.of(true, null, new String[] { OfflineDiffusionIndex.DATA_FIELD }));
        origin.get(header, listener.delegateFailureAndWrap((l, head) -> {
            if (head.isExists() == false) {
                l.onResponse(new LoadedBuild(head, () -> {}));
                return;
            }
            Map<String, Object> meta = head.getSourceAsMap();
            long bytes = offlineBuildBytes(((Number) meta.getOrDefault("items", 0)).longValue(),
                ((Number) meta.getOrDefault("stored_entries", 0)).longValue());
            CircuitBreaker b = breaker.get();
            b.addEstimateBytesAndMaybeBreak(bytes, "<loading the offline diffusion build of [" + index + "][" + field + "]>");
            Releasable reservation = Releasables.releaseOnce(() -> b.addWithoutBreaking(-bytes));
            origin.get(new GetRequest(OfflineDiffusionIndex.INDEX, id), ActionListener.wrap(
                full -> l.onResponse(new LoadedBuild(full, reservation)),
                e -> {
                    reservation.close();
                    l.onFailure(e);
                }));
        }));
    }

    /**
     * The heap loading a build holds at its peak: the stored bytes (about 72 per item for its id and row length, 8 per
     * stored entry) as the document's base64 source, as its parsed string, decoded, and parsed into rows: 5 times.
     */
    static long offlineBuildBytes(long items, long storedEntries) {
        return 5L * (64L + 72L * items + 8L * storedEntries);
    }

    /**
     * f from the offline build when it can serve this window (see {@link Offline}), else online.
     *
     * @throws IllegalArgumentException with {@code offline: true} when the build is missing, was
     *     built with other k, gamma or alpha, or lacks a window document (indexed after the build)
     */
    private double[] offlineOrOnline(Window window, GetResponse stored, org.elasticsearch.index.Index searched, float[] query) {
        String index = searched.getName();
        String unusable = null;
        if (stored.isExists() == false) {
            if (offline == Offline.TRUE) {
                throw noBuild(index);
            }
        } else if (searched.getUUID().equals(stored.getSourceAsMap().get("index_uuid")) == false) {
            unusable = "the offline diffusion build of [" + index + "] was made for an earlier index of that name: rebuild it";
        } else {
            // charged before it was loaded (loadOfflineBuild)
            byte[] bytes = java.util.Base64.getDecoder().decode((String) stored.getSourceAsMap().get(OfflineDiffusionIndex.DATA_FIELD));
            {
                OfflineDiffusionData data = OfflineDiffusionData.fromBytes(bytes);
                if (data.k() != parameters.k() || Double.compare(data.gamma(), parameters.gamma()) != 0
                    || Double.compare(data.alpha(), parameters.alpha()) != 0) {
                    unusable = "the offline diffusion build of index [" + index + "] has k [" + data.k() + "], gamma [" + data.gamma()
                        + "], alpha [" + data.alpha() + "] but the search asks for k [" + parameters.k() + "], gamma ["
                        + parameters.gamma() + "], alpha [" + parameters.alpha() + "]";
                }
                int[] nodes = new int[window.size()];
                for (int i = 0; i < nodes.length && unusable == null; i++) {
                    nodes[i] = data.nodeOf(window.ids()[i]);
                    if (nodes[i] < 0) {
                        unusable = "document [" + window.ids()[i] + "] of the window was indexed after the offline diffusion build of index ["
                            + index + "]: rebuild it";
                    }
                }
                if (unusable == null) {
                    return WindowDiffusion.offlineScores(window.vectors(), nodes, query, parameters, data);
                }
            }
        }
        if (offline == Offline.TRUE) {
            throw new IllegalArgumentException("[" + NAME + "] [offline] true but " + unusable);
        }
        return WindowDiffusion.diffuse(window.vectors(), query, parameters).solution();
    }

    /**
     * Scores along the ranking (f in rank order, non-increasing): f as a float, raised by the
     * fewest ulps that make them strictly decreasing, and at least {@link Float#MIN_VALUE}
     * (see the class comment).
     */
    static float[] strictlyDecreasing(double[] fInRankOrder) {
        float[] scores = new float[fInRankOrder.length];
        float below = 0f;
        for (int r = fInRankOrder.length - 1; r >= 0; r--) {
            float s = (float) Math.max(fInRankOrder[r], 0d);
            if (s <= below) {
                s = Math.nextUp(below);
            }
            scores[r] = s;
            below = s;
        }
        return scores;
    }

    /** The hit's vector from the fetched field values, or null when it has none. */
    private static float[] vectorOf(SearchHit hit, VectorFieldMapping mapping) {
        DocumentField values = hit.getFields().get(mapping.field());
        if (values == null || values.getValues().isEmpty()) {
            return null;
        }
        List<Object> flat = values.getValues();
        if (flat.size() == 1 && flat.get(0) instanceof List<?> nested) {
            flat = new ArrayList<>(nested);
        }
        if (flat.size() != mapping.dims()) {
            throw new IllegalArgumentException("[" + NAME + "] field [" + mapping.field() + "] of document [" + hit.getId() + "] holds ["
                + flat.size() + "] values, not one vector of [" + mapping.dims() + "]");
        }
        float[] v = new float[flat.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) flat.get(i)).floatValue();
        }
        return v;
    }

    @Override
    public ActionRequestValidationException validate(SearchSourceBuilder source, ActionRequestValidationException e,
                                                     boolean isScroll, boolean allowPartialSearchResults) {
        e = super.validate(source, e, isScroll, allowPartialSearchResults);
        int from = Math.max(source.from(), 0);
        int size = source.size() < 0 ? 10 : source.size();
        if (from + size > rankWindowSize) {
            e = org.elasticsearch.action.ValidateActions.addValidationError("[" + NAME + "] [" + RANK_WINDOW_SIZE.getPreferredName()
                + "] must be >= from + size [" + (from + size) + "] but was [" + rankWindowSize + "]", e);
        }
        if (isScroll) {
            e = org.elasticsearch.action.ValidateActions.addValidationError("[" + NAME + "] cannot be used in a scroll", e);
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
            builder.array(QUERY_VECTOR.getPreferredName(), queryVector);
        }
        builder.field(RANK_WINDOW_SIZE.getPreferredName(), rankWindowSize);
        builder.field(K.getPreferredName(), parameters.k());
        builder.field(GAMMA.getPreferredName(), parameters.gamma());
        builder.field(ALPHA.getPreferredName(), parameters.alpha());
        builder.field(QUERY_K.getPreferredName(), parameters.queryK());
        builder.field(MAX_ITERATIONS.getPreferredName(), parameters.maxIterations());
        builder.field(TOLERANCE.getPreferredName(), parameters.tolerance());
        builder.field(OFFLINE.getPreferredName(), offline.toString());
    }

    @Override
    protected boolean doEquals(Object o) {
        DiffusionRetrieverBuilder other = (DiffusionRetrieverBuilder) o;
        return inner.equals(other.inner) && field.equals(other.field) && Arrays.equals(queryVector, other.queryVector)
            && rankWindowSize == other.rankWindowSize && parameters.equals(other.parameters) && offline == other.offline && Objects.equals(innerSource, other.innerSource);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(inner, field, Arrays.hashCode(queryVector), rankWindowSize, parameters, offline);
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
}
