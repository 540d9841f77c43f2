package org.instanceretrieval.es.query;

import org.apache.lucene.search.Query;
import org.apache.lucene.search.join.ScoreMode;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.ConstantScoreQueryBuilder;
import org.elasticsearch.index.query.IdsQueryBuilder;
import org.elasticsearch.index.query.MatchNoneQueryBuilder;
import org.elasticsearch.index.query.NestedQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.pooling.MaxSimSimilarity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The {@code retrieval_patches} query: multi-resolution search (Razavian et al., equations 3-4)
 * over the patch descriptors that the {@code image_descriptor} processor's {@code patches}
 * option writes to a {@code nested} field of objects {@code {"vector": [...]}}. The query patches are given
 * ({@code query_patches}), a stored document's ({@code query_document}) or an image's ({@code query_image}),
 * see {@link PatchesQuerySource}; a document or image is resolved first, in the coordinating rewrite.
 *
 * <p>Two stages, in the coordinating rewrite of a search request: first a search over the
 * request's local indices in which every query patch is a nested kNN query on
 * {@code <field>.vector} (best patch per document, summed over query patches) gives the top
 * {@code num_candidates} documents with their patches from {@code _source}; then each candidate
 * is scored exactly by {@link MaxSimSimilarity} ({@code S = sum_q max_r <q, r>}) and the query
 * becomes a disjunction of the top {@code k} candidates, each with the constant score
 * {@code (1 + S / |Q|) / 2}: for unit-length patches the mean best cosine mapped to [0, 1] as
 * Elasticsearch maps cosine kNN scores, and the same order as {@code S}.
 *
 * <p>Immutable, except for the transient pending result of the asynchronous rewrite.
 */
public final class RetrievalPatchesQueryBuilder extends CoordinatorQueryBuilder<RetrievalPatchesQueryBuilder> {

    public static final String NAME = "retrieval_patches";
    public static final int DEFAULT_K = 10;
    public static final int DEFAULT_NUM_CANDIDATES = 100;
    static final String QUERY_PATCHES = "query_patches";
    static final String K = "k";
    static final String NUM_CANDIDATES = "num_candidates";

    private final PatchesQuerySource source;
    private final int k;
    private final int numCandidates;

    /**
     * @param field         path of the nested patches field (its objects hold {@code vector})
     * @param queryPatches  the query's patch descriptors: not empty, finite, all of one dimension
     * @param k             documents returned, {@code 1..10,000}
     * @param numCandidates first-stage candidates, {@code k..10,000}, or null for max(k, 100)
     * @throws IllegalArgumentException naming the first invalid parameter
     */
    public RetrievalPatchesQueryBuilder(String field, List<float[]> queryPatches, int k, Integer numCandidates) {
        this(field, new PatchesQuerySource(queryPatches == null ? List.of() : queryPatches, null, null, null), k, numCandidates);
    }

    /** As above with the query patches of a stored document or an image ({@link PatchesQuerySource}). */
    RetrievalPatchesQueryBuilder(String field, PatchesQuerySource source, int k, Integer numCandidates) {
        this(field, source, k, numCandidates == null ? Math.max(k, DEFAULT_NUM_CANDIDATES) : numCandidates, null);
    }

    private RetrievalPatchesQueryBuilder(String field, PatchesQuerySource source, int k, int numCandidates, SetOnce<QueryBuilder> pending) {
        super(NAME, field, pending);
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires a [field]");
        }
        if (k < 1 || k > RetrievalKnnQueryBuilder.MAX_CANDIDATES) {
            throw new IllegalArgumentException("[" + NAME + "] [k] must be between 1 and " + RetrievalKnnQueryBuilder.MAX_CANDIDATES
                + " but was [" + k + "]");
        }
        if (numCandidates < k || numCandidates > RetrievalKnnQueryBuilder.MAX_CANDIDATES) {
            throw new IllegalArgumentException("[" + NAME + "] [num_candidates] must be between [k] (" + k + ") and "
                + RetrievalKnnQueryBuilder.MAX_CANDIDATES + " but was [" + numCandidates + "]");
        }
        this.source = Objects.requireNonNull(source);
        this.k = k;
        this.numCandidates = numCandidates;
    }

    public RetrievalPatchesQueryBuilder(StreamInput in) throws IOException {
        super(NAME, in);
        this.source = new PatchesQuerySource(in);
        this.k = in.readVInt();
        this.numCandidates = in.readVInt();
    }

    @Override
    protected void doWriteOptions(StreamOutput out) throws IOException {
        source.writeTo(out);
        out.writeVInt(k);
        out.writeVInt(numCandidates);
    }

    @Override
    protected void doXContentOptions(XContentBuilder builder, Params params) throws IOException {
        source.toXContent(builder, params);
        builder.field(K, k).field(NUM_CANDIDATES, numCandidates);
    }

    /** The request body as parsed (patches as raw lists); {@link #build} validates it. */
    private static final class Parsed extends ParsedQuery {
        private final PatchesQuerySource.Parsed source = new PatchesQuerySource.Parsed();
        private int k = DEFAULT_K;
        private Integer numCandidates;

        RetrievalPatchesQueryBuilder build() {
            return named(new RetrievalPatchesQueryBuilder(field, source.build(), k, numCandidates));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = parser(NAME, Parsed::new);

    static {
        PatchesQuerySource.declare(PARSER, p -> p.source);
        PARSER.declareInt((p, v) -> p.k = v, new ParseField(K));
        PARSER.declareInt((p, v) -> p.numCandidates = v, new ParseField(NUM_CANDIDATES));
    }

    /** Parses the body of {@code {"retrieval_patches": {...}}}; invalid values give a 400. */
    public static RetrievalPatchesQueryBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    @Override
    protected QueryBuilder doRewriteQuery(QueryRewriteContext context) throws IOException {
        String[] indices = CoordinatorSearch.localIndices(context, "[" + NAME + "]");
        if (indices == null) {
            // the shard-level rewrite never sees this builder: the coordinating rewrite replaced it
            return this;
        }
        if (source.patches() == null) {
            // query_document or query_image: the same query with its patches
            SetOnce<QueryBuilder> resolved = source.resolve(context, field,
                patches -> new RetrievalPatchesQueryBuilder(field, patches, k, numCandidates, null).boost(boost).queryName(queryName));
            return new RetrievalPatchesQueryBuilder(field, source, k, numCandidates, resolved).boost(boost).queryName(queryName);
        }
        SetOnce<QueryBuilder> result = CoordinatorSearch.search(context, indices, firstStageQuery(), numCandidates, field, this::exactTopK);
        return new RetrievalPatchesQueryBuilder(field, source, k, numCandidates, result).boost(boost).queryName(queryName);
    }

    /** One nested kNN per query patch (a document's best patch), summed: the candidates' order. */
    private QueryBuilder firstStageQuery() {
        BoolQueryBuilder bool = new BoolQueryBuilder();
        for (float[] patch : source.patches()) {
            KnnVectorQueryBuilder knn = new KnnVectorQueryBuilder(field + ".vector", patch, numCandidates, numCandidates, null, null);
            bool.should(new NestedQueryBuilder(field, knn, ScoreMode.Max));
        }
        return bool;
    }

    /** Exact MaxSim of every candidate; the top k (ties by index, then id) as constant-score clauses. */
    private QueryBuilder exactTopK(SearchHit[] hits) {
        record Scored(String index, String id, double maxSim) {}
        List<float[]> queryPatches = source.patches();
        List<Scored> scored = new ArrayList<>(hits.length);
        for (SearchHit hit : hits) {
            List<float[]> patches = patchesFromSource(hit);
            scored.add(new Scored(hit.getIndex(), hit.getId(), MaxSimSimilarity.score(queryPatches, patches)));
        }
        scored.sort(Comparator.comparingDouble(Scored::maxSim).reversed().thenComparing(Scored::index).thenComparing(Scored::id));
        if (scored.isEmpty()) {
            return new MatchNoneQueryBuilder("[" + NAME + "] found no candidates");
        }
        BoolQueryBuilder top = new BoolQueryBuilder();
        for (Scored s : scored.subList(0, Math.min(k, scored.size()))) {
            QueryBuilder document = new BoolQueryBuilder().filter(new TermQueryBuilder("_index", s.index()))
                .filter(new IdsQueryBuilder().addIds(s.id()));
            top.should(new ConstantScoreQueryBuilder(document).boost((float) (1 + s.maxSim() / queryPatches.size()) / 2 * boost));
        }
        return top.queryName(queryName);
    }

    private List<float[]> patchesFromSource(SearchHit hit) {
        List<float[]> patches = PatchesQuerySource.patchesOf(hit.getSourceAsMap(), field);
        int dims = source.patches().get(0).length;
        for (float[] patch : patches) {
            if (patch.length != dims) {
                throw new IllegalArgumentException("[" + NAME + "] document [" + hit.getIndex() + "/" + hit.getId() + "] has patches of "
                    + patch.length + " dimensions but the query patches have " + dims);
            }
        }
        if (patches.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] document [" + hit.getIndex() + "/" + hit.getId() + "] has no patch vectors in ["
                + field + "] of its _source");
        }
        return patches;
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) {
        throw new IllegalStateException("[" + NAME + "] must be rewritten on the coordinating node before it is turned into a Lucene query");
    }

    @Override
    protected boolean doEquals(RetrievalPatchesQueryBuilder other) {
        return source.equals(other.source) && field.equals(other.field) && k == other.k && numCandidates == other.numCandidates && Objects.equals(pending, other.pending);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(field, k, numCandidates, source);
    }
}
