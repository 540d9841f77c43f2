package org.instanceretrieval.es.diffusion;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentLocation;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.query.QueryVectorSource;
import org.instanceretrieval.es.query.VectorFieldInfo;

import java.io.IOException;
import java.util.Arrays;
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
 * HTTP 400); the field is checked against the shard's mapping when the rescore context is built.
 * Immutable apart from the inherited window size and the node's segment id cache it is given once ({@link #withSegmentIds}).
 */
public final class DiffusionRescorerBuilder extends RescorerBuilder<DiffusionRescorerBuilder> {

    public static final String NAME = "diffusion";

    static final ParseField FIELD = new ParseField("field");
    static final ParseField GRAPH = new ParseField("graph");

    private final String field;
    private final float[] queryVector;
    private final DiffusionParameters parameters;
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
        if (graph == null) {
            throw new IllegalArgumentException("[" + NAME + "] [" + GRAPH.getPreferredName() + "] must not be null");
        }
        this.graph = graph;
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires [" + FIELD.getPreferredName() + "]");
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException("[" + NAME + "] requires a non-empty [" + QueryVectorSource.QUERY_VECTOR.getPreferredName() + "]");
        }
        this.parameters = parameters;
        this.field = field;
        this.queryVector = QueryVectorSource.checkVector(NAME, queryVector).clone();
    }

    /**
     * Sets the rescore window, validated when the request is parsed: {@code window_size} must be in
     * [1, {@value WindowDiffusion#MAX_WINDOW}] (a 400 naming the value; a negative window used to fail later as a 500).
     */
    @Override
    public DiffusionRescorerBuilder windowSize(int windowSize) {
        if (windowSize < 1 || windowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] [window_size] must be in [1, " + WindowDiffusion.MAX_WINDOW + "] but was ["
                + windowSize + "]");
        }
        return super.windowSize(windowSize);
    }

    /** The defaults of the reference: k 50, gamma 3, alpha 0.99, query_k 10, 20 iterations, tolerance 1e-6. */
    public DiffusionRescorerBuilder(String field, float[] queryVector) {
        this(field, queryVector, DiffusionParameters.defaults(NAME));
    }

    public DiffusionRescorerBuilder(StreamInput in) throws IOException {
        super(in);
        this.field = in.readString();
        this.queryVector = in.readFloatArray();
        this.parameters = new DiffusionParameters(in);
        this.graph = in.readEnum(GraphSource.class);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeFloatArray(queryVector);
        parameters.writeTo(out);
        out.writeEnum(graph);
    }

    /** The body as parsed; {@link #build} validates it. */
    private static final class Parsed {
        private String field;
        private final QueryVectorSource.Parsed source = new QueryVectorSource.Parsed();
        private final DiffusionParameters.Parsed diffusion = new DiffusionParameters.Parsed();
        private String graph = GraphSource.AUTO.toString();

        DiffusionRescorerBuilder build() {
            return new DiffusionRescorerBuilder(field, source.vector(), diffusion.build(NAME), GraphSource.parse(NAME, graph));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = new ObjectParser<>(NAME, (p, name, value) -> {
        throw new ParsingException(XContentLocation.UNKNOWN, "[" + NAME + "] unknown field [" + name + "]");
    }, Parsed::new);

    static {
        PARSER.declareString((p, v) -> p.field = v, FIELD);
        QueryVectorSource.declareVector(PARSER, NAME, p -> p.source);
        DiffusionParameters.declare(PARSER, p -> p.diffusion);
        PARSER.declareString((p, v) -> p.graph = v, GRAPH);
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRescorerBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD.getPreferredName(), field);
        builder.array(QueryVectorSource.QUERY_VECTOR.getPreferredName(), queryVector);
        parameters.toXContent(builder, params);
        builder.field(GRAPH.getPreferredName(), graph.toString());
        builder.endObject();
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
        VectorFieldInfo.of(context, NAME, field);
        if (windowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] window_size must be <= " + WindowDiffusion.MAX_WINDOW + " but was ["
                + windowSize + "]");
        }
        String index = context.getIndexSettings().getIndex().getName();
        GraphMarker stored = StoredGraphCheck.resolve(StoredGraphCheck.marker(context.getIndexSettings().getIndexMetadata(), graph), index, field,
            parameters.k(), graph);
        return new DiffusionRescorer.Context(windowSize, this, context.getCircuitBreaker(), stored, segmentIds);
    }

    @Override
    public DiffusionRescorerBuilder rewrite(QueryRewriteContext ctx) {
        return this;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }

    public String field() {
        return field;
    }

    /**
     * A copy that diffuses from {@code queryVector}, keeping the field, the diffusion options and the window size.
     *
     * @throws IllegalArgumentException if the vector is empty or not finite
     */
    public DiffusionRescorerBuilder withQueryVector(float[] queryVector) {
        DiffusionRescorerBuilder copy = new DiffusionRescorerBuilder(field, queryVector, parameters, graph).withSegmentIds(segmentIds);
        return windowSize == null ? copy : copy.windowSize(windowSize);
    }

    /** A copy of the query vector. */
    public float[] queryVector() {
        return queryVector.clone();
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

    /** The diffusion options. */
    public DiffusionParameters parameters() {
        return parameters;
    }

    @Override
    public boolean equals(Object o) {
        if (super.equals(o) == false) {
            return false;
        }
        DiffusionRescorerBuilder other = (DiffusionRescorerBuilder) o;
        return field.equals(other.field) && Arrays.equals(queryVector, other.queryVector) && parameters.equals(other.parameters)
            && graph == other.graph;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), field, Arrays.hashCode(queryVector), parameters, graph);
    }
}
