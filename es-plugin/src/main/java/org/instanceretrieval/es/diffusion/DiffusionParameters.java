package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.AbstractObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The diffusion options shared by the {@code diffusion} rescorer and retriever: k (graph
 * neighbours), gamma, alpha, query_k, max_iterations and tolerance. The one declaration of these
 * options: {@link #declare} adds them to a builder's {@code ObjectParser}, {@link #toXContent}
 * writes them back, {@link #writeTo} sends them. Validated on construction with
 * {@link IllegalArgumentException}s (HTTP 400) naming the option, prefixed with the caller's
 * name. Immutable.
 */
public final class DiffusionParameters implements Writeable, ToXContentFragment {

    public static final ParseField K_FIELD = new ParseField("k");
    public static final ParseField GAMMA_FIELD = new ParseField("gamma");
    public static final ParseField ALPHA_FIELD = new ParseField("alpha");
    public static final ParseField QUERY_K_FIELD = new ParseField("query_k");
    public static final ParseField MAX_ITERATIONS_FIELD = new ParseField("max_iterations");
    public static final ParseField TOLERANCE_FIELD = new ParseField("tolerance");

    /**
     * Most conjugate-gradient iterations a request may ask for: each costs a pass over the graph's
     * edges, and with the default tolerance the solve converges in far fewer.
     */
    public static final int MAX_ITERATIONS = 1000;

    private final int k;
    private final double gamma;
    private final double alpha;
    private final int queryK;
    private final int maxIterations;
    private final double tolerance;

    /**
     * @param owner name used in error messages ({@code diffusion})
     * @throws IllegalArgumentException if a parameter is out of range: k or query_k not in
     *     [1, {@value WindowDiffusion#MAX_WINDOW}], gamma not finite and &gt; 0, alpha not in (0, 1),
     *     max_iterations not in [1, {@value #MAX_ITERATIONS}], tolerance not finite and &gt; 0
     */
    public DiffusionParameters(String owner, int k, double gamma, double alpha, int queryK, int maxIterations, double tolerance) {
        if (k < 1 || k > WindowDiffusion.MAX_WINDOW) {
            throw outOfRange(owner, "k", k, "must be in [1, " + WindowDiffusion.MAX_WINDOW + "]");
        }
        if ((gamma > 0 && Double.isFinite(gamma)) == false) {
            throw outOfRange(owner, "gamma", gamma, "must be finite and > 0");
        }
        if ((alpha > 0 && alpha < 1) == false) {
            throw outOfRange(owner, "alpha", alpha, "must be in (0, 1)");
        }
        if (queryK < 1 || queryK > WindowDiffusion.MAX_WINDOW) {
            throw outOfRange(owner, "query_k", queryK, "must be in [1, " + WindowDiffusion.MAX_WINDOW + "]");
        }
        if (maxIterations < 1 || maxIterations > MAX_ITERATIONS) {
            throw outOfRange(owner, "max_iterations", maxIterations, "must be in [1, " + MAX_ITERATIONS + "]");
        }
        if ((tolerance > 0 && Double.isFinite(tolerance)) == false) {
            throw outOfRange(owner, "tolerance", tolerance, "must be finite and > 0");
        }
        this.k = k;
        this.gamma = gamma;
        this.alpha = alpha;
        this.queryK = queryK;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** The reference defaults: k 50, gamma 3, alpha 0.99, query_k 10, 20 iterations, tolerance 1e-6. */
    public static DiffusionParameters defaults(String owner) {
        return new DiffusionParameters(owner, GraphParameters.DEFAULT_K, GraphParameters.DEFAULT_GAMMA, ConjugateGradient.DEFAULT_ALPHA,
            QueryWeighting.DEFAULT_KQ, ConjugateGradient.DEFAULT_MAX_ITERATIONS, ConjugateGradient.DEFAULT_TOLERANCE);
    }

    /**
     * The options as parsed, defaults preset; {@link #build} validates them. Mutable, for one parse.
     */
    public static final class Parsed {
        private int k = GraphParameters.DEFAULT_K;
        private double gamma = GraphParameters.DEFAULT_GAMMA;
        private double alpha = ConjugateGradient.DEFAULT_ALPHA;
        private int queryK = QueryWeighting.DEFAULT_KQ;
        private int maxIterations = ConjugateGradient.DEFAULT_MAX_ITERATIONS;
        private double tolerance = ConjugateGradient.DEFAULT_TOLERANCE;

        /** @throws IllegalArgumentException as {@link DiffusionParameters#DiffusionParameters} */
        public DiffusionParameters build(String owner) {
            return new DiffusionParameters(owner, k, gamma, alpha, queryK, maxIterations, tolerance);
        }
    }

    /**
     * Declares the six options on the parser of a request body whose parse state {@code T} holds
     * a {@link Parsed} (reached through {@code options}).
     */
    public static <T> void declare(AbstractObjectParser<T, ?> parser, Function<T, Parsed> options) {
        parser.declareInt((t, v) -> options.apply(t).k = v, K_FIELD);
        parser.declareDouble((t, v) -> options.apply(t).gamma = v, GAMMA_FIELD);
        parser.declareDouble((t, v) -> options.apply(t).alpha = v, ALPHA_FIELD);
        parser.declareInt((t, v) -> options.apply(t).queryK = v, QUERY_K_FIELD);
        parser.declareInt((t, v) -> options.apply(t).maxIterations = v, MAX_ITERATIONS_FIELD);
        parser.declareDouble((t, v) -> options.apply(t).tolerance = v, TOLERANCE_FIELD);
    }

    /** Writes the six options as fields of the enclosing object. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.field(K_FIELD.getPreferredName(), k)
            .field(GAMMA_FIELD.getPreferredName(), gamma)
            .field(ALPHA_FIELD.getPreferredName(), alpha)
            .field(QUERY_K_FIELD.getPreferredName(), queryK)
            .field(MAX_ITERATIONS_FIELD.getPreferredName(), maxIterations)
            .field(TOLERANCE_FIELD.getPreferredName(), tolerance);
    }

    public DiffusionParameters(StreamInput in) throws IOException {
        this.k = in.readVInt();
        this.gamma = in.readDouble();
        this.alpha = in.readDouble();
        this.queryK = in.readVInt();
        this.maxIterations = in.readVInt();
        this.tolerance = in.readDouble();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVInt(k);
        out.writeDouble(gamma);
        out.writeDouble(alpha);
        out.writeVInt(queryK);
        out.writeVInt(maxIterations);
        out.writeDouble(tolerance);
    }

    private static IllegalArgumentException outOfRange(String owner, String name, Object value, String rule) {
        return new IllegalArgumentException("[" + owner + "] [" + name + "] " + rule + " but was [" + value + "]");
    }

    public int k() {
        return k;
    }

    public double gamma() {
        return gamma;
    }

    public double alpha() {
        return alpha;
    }

    public int queryK() {
        return queryK;
    }

    public int maxIterations() {
        return maxIterations;
    }

    public double tolerance() {
        return tolerance;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof DiffusionParameters == false) {
            return false;
        }
        DiffusionParameters other = (DiffusionParameters) o;
        return k == other.k && Double.compare(gamma, other.gamma) == 0 && Double.compare(alpha, other.alpha) == 0
            && queryK == other.queryK && maxIterations == other.maxIterations && Double.compare(tolerance, other.tolerance) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(k, gamma, alpha, queryK, maxIterations, tolerance);
    }
}
