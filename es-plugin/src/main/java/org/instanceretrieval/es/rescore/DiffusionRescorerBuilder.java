package org.instanceretrieval.es.rescore;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.vectors.DenseVectorFieldMapper;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.es.diffusion.DiffusionParameters;
import org.instanceretrieval.es.diffusion.WindowDiffusion;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code diffusion} rescorer of the {@code rescore} section: diffusion of Iscen et al.
 * (see {@link DiffusionRescorer}) over the rescore window, per shard.
 *
 * <pre>
 * "rescore": { "window_size": 100, "diffusion": { "field": "v", "query_vector": [...],
 *   "k": 50, "gamma": 3, "alpha": 0.99, "query_k": 10, "max_iterations": 20, "tolerance": 1e-6 } }
 * </pre>
 *
 * <p>Every parameter is checked when the request is parsed (an {@link IllegalArgumentException},
 * HTTP 400); the field is checked against the shard's mapping when the rescore context is built.
 * Immutable apart from the inherited window size.
 */
public final class DiffusionRescorerBuilder extends RescorerBuilder<DiffusionRescorerBuilder> {

    public static final String NAME = "diffusion";

    static final ParseField FIELD = new ParseField("field");
    static final ParseField QUERY_VECTOR = new ParseField("query_vector");
    static final ParseField K = new ParseField("k");
    static final ParseField GAMMA = new ParseField("gamma");
    static final ParseField ALPHA = new ParseField("alpha");
    static final ParseField QUERY_K = new ParseField("query_k");
    static final ParseField MAX_ITERATIONS = new ParseField("max_iterations");
    static final ParseField TOLERANCE = new ParseField("tolerance");

    private final String field;
    private final float[] queryVector;
    private final DiffusionParameters parameters;

    /**
     * @throws IllegalArgumentException if a parameter is missing or out of range: field empty,
     *     query vector empty or not finite, or a diffusion option out of its range (see
     *     {@link DiffusionParameters})
     */
    public DiffusionRescorerBuilder(String field, float[] queryVector, int k, double gamma, double alpha, int queryK,
                                    int maxIterations, double tolerance) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires [" + FIELD.getPreferredName() + "]");
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException("[" + NAME + "] requires a non-empty [" + QUERY_VECTOR.getPreferredName() + "]");
        }
        for (int i = 0; i < queryVector.length; i++) {
            if (Float.isFinite(queryVector[i]) == false) {
                throw new IllegalArgumentException("[" + NAME + "] [" + QUERY_VECTOR.getPreferredName() + "] must be finite but element ["
                    + i + "] is [" + queryVector[i] + "]");
            }
        }
        this.parameters = new DiffusionParameters(NAME, k, gamma, alpha, queryK, maxIterations, tolerance);
        this.field = field;
        this.queryVector = queryVector.clone();
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
        this(field, queryVector, GraphParameters.DEFAULT_K, GraphParameters.DEFAULT_GAMMA, ConjugateGradient.DEFAULT_ALPHA,
            QueryWeighting.DEFAULT_KQ, ConjugateGradient.DEFAULT_MAX_ITERATIONS, ConjugateGradient.DEFAULT_TOLERANCE);
    }

    public DiffusionRescorerBuilder(StreamInput in) throws IOException {
        super(in);
        this.field = in.readString();
        this.queryVector = in.readFloatArray();
        this.parameters = new DiffusionParameters(in);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeFloatArray(queryVector);
        parameters.writeTo(out);
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRescorerBuilder fromXContent(XContentParser parser) throws IOException {
        String field = null;
        float[] queryVector = null;
        int k = GraphParameters.DEFAULT_K;
        double gamma = GraphParameters.DEFAULT_GAMMA;
        double alpha = ConjugateGradient.DEFAULT_ALPHA;
        int queryK = QueryWeighting.DEFAULT_KQ;
        int maxIterations = ConjugateGradient.DEFAULT_MAX_ITERATIONS;
        double tolerance = ConjugateGradient.DEFAULT_TOLERANCE;
        String current = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                current = parser.currentName();
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
                } else {
                    throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unknown field [" + current + "]");
                }
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unexpected [" + token + "] in [" + current + "]");
            }
        }
        return new DiffusionRescorerBuilder(field, queryVector, k, gamma, alpha, queryK, maxIterations, tolerance);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD.getPreferredName(), field);
        builder.array(QUERY_VECTOR.getPreferredName(), queryVector);
        builder.field(K.getPreferredName(), parameters.k());
        builder.field(GAMMA.getPreferredName(), parameters.gamma());
        builder.field(ALPHA.getPreferredName(), parameters.alpha());
        builder.field(QUERY_K.getPreferredName(), parameters.queryK());
        builder.field(MAX_ITERATIONS.getPreferredName(), parameters.maxIterations());
        builder.field(TOLERANCE.getPreferredName(), parameters.tolerance());
        builder.endObject();
    }

    /**
     * Checks that the field is a {@code dense_vector} of this shard's mapping; its dimension is
     * checked against the query vector when the window's vectors are read.
     *
     * @throws IllegalArgumentException if the field is not mapped or not a {@code dense_vector}
     */
    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) throws IOException {
        MappedFieldType type = context.getFieldType(field);
        if (type == null) {
            throw new IllegalArgumentException("[" + NAME + "] field [" + field + "] does not exist in the mapping of index ["
                + context.index().getName() + "]");
        }
        if (type instanceof DenseVectorFieldMapper.DenseVectorFieldType == false) {
            throw new IllegalArgumentException("[" + NAME + "] field [" + field + "] is of type [" + type.typeName()
                + "], not [dense_vector]");
        }
        if (windowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] window_size must be <= " + WindowDiffusion.MAX_WINDOW + " but was ["
                + windowSize + "]");
        }
        return new DiffusionRescorer.Context(windowSize, this, context.getCircuitBreaker());
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

    /** A copy of the query vector. */
    public float[] queryVector() {
        return queryVector.clone();
    }

    /** The diffusion options. */
    public DiffusionParameters parameters() {
        return parameters;
    }

    public int k() {
        return parameters.k();
    }

    public double gamma() {
        return parameters.gamma();
    }

    public double alpha() {
        return parameters.alpha();
    }

    public int queryK() {
        return parameters.queryK();
    }

    public int maxIterations() {
        return parameters.maxIterations();
    }

    public double tolerance() {
        return parameters.tolerance();
    }

    @Override
    public boolean equals(Object o) {
        if (super.equals(o) == false) {
            return false;
        }
        DiffusionRescorerBuilder other = (DiffusionRescorerBuilder) o;
        return field.equals(other.field) && Arrays.equals(queryVector, other.queryVector) && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), field, Arrays.hashCode(queryVector), parameters);
    }
}
