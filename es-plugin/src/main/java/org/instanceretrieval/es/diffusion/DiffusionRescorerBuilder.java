package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.rescore.VectorRescorerBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * The {@code diffusion} rescorer of the {@code rescore} section: diffusion of Iscen et al.
 * (see {@link DiffusionRescorer}) over the rescore window, per shard.
 *
 * <pre>
 * "rescore": { "window_size": 100, "diffusion": { "field": "v", "query_vector": [...],
 *   "k": 50, "gamma": 3, "alpha": 0.99, "query_k": 10, "max_iterations": 20, "tolerance": 1e-6, "graph": "auto" } }
 * </pre>
 *
 * <p>{@code graph} ({@link GraphSource}): {@code stored} diffuses on the index's stored neighbour graph restricted to the
 * window, {@code window} on a kNN graph rebuilt from the window's vectors, {@code auto} (default) on the stored one when the
 * shard's index has a usable one ({@link StoredGraphCheck}), else on the window's.
 *
 * <p>Every parameter is checked when the request is parsed (an {@link IllegalArgumentException},
 * HTTP 400; field, query vector and window size as {@link VectorRescorerBuilder}); the field is checked against the shard's mapping when the rescore context is built.
 * Immutable apart from the inherited window size and the node's segment id cache it is given once ({@link #withSegmentIds}).
 */
public final class DiffusionRescorerBuilder extends VectorRescorerBuilder<DiffusionRescorerBuilder, DiffusionParameters> {

    public static final String NAME = "diffusion";

    static final ParseField GRAPH = new ParseField("graph");

    private final GraphSource graph;
    /** This node's segment id cache (not sent, not part of equality); null reads ids from stored fields. */
    private SegmentIdCache segmentIds;

    /**
     * @throws IllegalArgumentException if a parameter is missing or out of range: field empty,
     *     query vector empty or not finite, or a diffusion option out of its range (see
     *     {@link DiffusionParameters})
     */
    public DiffusionRescorerBuilder(String field, float[] queryVector, int k, double gamma, double alpha, int queryK,
                                    int maxIterations, double tolerance) {
        this(field, queryVector, new DiffusionParameters(NAME, k, gamma, alpha, queryK, maxIterations, tolerance));
    }

    /** @throws IllegalArgumentException if the field is empty or the query vector missing, empty or not finite */
    public DiffusionRescorerBuilder(String field, float[] queryVector, DiffusionParameters parameters) {
        this(field, queryVector, parameters, GraphSource.AUTO);
    }

    /** @throws IllegalArgumentException if the field is empty, the query vector missing, empty or not finite, or graph null */
    public DiffusionRescorerBuilder(String field, float[] queryVector, DiffusionParameters parameters, GraphSource graph) {
        super(NAME, field, queryVector, parameters);
        if (graph == null) {
            throw new IllegalArgumentException("[" + NAME + "] [" + GRAPH.getPreferredName() + "] must not be null");
        }
        this.graph = graph;
    }

    /** The defaults of the reference: k 50, gamma 3, alpha 0.99, query_k 10, 20 iterations, tolerance 1e-6. */
    public DiffusionRescorerBuilder(String field, float[] queryVector) {
        this(field, queryVector, DiffusionParameters.defaults(NAME));
    }

    public DiffusionRescorerBuilder(StreamInput in) throws IOException {
        super(NAME, in, DiffusionParameters::new);
        this.graph = in.readEnum(GraphSource.class);
    }

    @Override
    protected void doWriteExtra(StreamOutput out) throws IOException {
        out.writeEnum(graph);
    }

    /** The body as parsed; {@link #build} validates it. */
    private static final class Parsed extends ParsedBody {
        private final DiffusionParameters.Parsed diffusion = new DiffusionParameters.Parsed();
        private String graph = GraphSource.AUTO.toString();

        DiffusionRescorerBuilder build() {
            return new DiffusionRescorerBuilder(field, vector(), diffusion.build(NAME), GraphSource.parse(NAME, graph));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = parser(NAME, Parsed::new);

    static {
        DiffusionParameters.declare(PARSER, p -> p.diffusion);
        PARSER.declareString((p, v) -> p.graph = v, GRAPH);
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRescorerBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    @Override
    protected void doXContentExtra(XContentBuilder builder, Params params) throws IOException {
        builder.field(GRAPH.getPreferredName(), graph.toString());
    }

    /**
     * Checks that the field is a {@code dense_vector} of this shard's mapping (its dimension is
     * checked against the query vector when the window's vectors are read) and decides, from the
     * graph marker of the shard's index metadata, whether the stored graph is used ({@link StoredGraphCheck}).
     *
     * @throws IllegalArgumentException if the field is not mapped or not a {@code dense_vector}, or
     *     {@code graph: stored} cannot be served (400; 409 while the graph is being built)
     */
    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) throws IOException {
        VectorFieldInfo.of(context, NAME, field());
        if (windowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] window_size must be <= " + WindowDiffusion.MAX_WINDOW + " but was ["
                + windowSize + "]");
        }
        String index = context.getIndexSettings().getIndex().getName();
        GraphMarker stored = StoredGraphCheck.resolve(StoredGraphCheck.marker(context.getIndexSettings().getIndexMetadata(), graph), index, field(),
            parameters().k(), graph);
        return new DiffusionRescorer.Context(windowSize, this, context.getCircuitBreaker(), stored, segmentIds);
    }

    /** A copy that diffuses from {@code queryVector}, keeping the field, the diffusion options, the graph and the id cache. */
    @Override
    protected DiffusionRescorerBuilder copyWith(float[] queryVector) {
        return new DiffusionRescorerBuilder(field(), queryVector, parameters(), graph).withSegmentIds(segmentIds);
    }

    /**
     * This builder reading window ids through {@code cache} (set by the plugin on every builder it parses or receives; the
     * builder is not yet shared then). Returns this.
     */
    public DiffusionRescorerBuilder withSegmentIds(SegmentIdCache cache) {
        this.segmentIds = cache;
        return this;
    }

    /** Which graph is diffused on. */
    public GraphSource graph() {
        return graph;
    }

    @Override
    public boolean equals(Object o) {
        if (super.equals(o) == false) {
            return false;
        }
        return graph == ((DiffusionRescorerBuilder) o).graph;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), graph);
    }
}
