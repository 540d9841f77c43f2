package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;

import java.io.IOException;
import java.util.Objects;

/**
 * The diffusion options shared by the {@code diffusion} rescorer and retriever: k (graph
 * neighbours), gamma, alpha, query_k, max_iterations and tolerance. Validated on construction
 * with {@link IllegalArgumentException}s (HTTP 400) naming the option, prefixed with the
 * caller's name. Immutable.
 */
public final class DiffusionParameters implements Writeable {

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
