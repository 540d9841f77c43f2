package org.instanceretrieval.diffusion;

/**
 * Parameters of the mutual-kNN affinity graph (retrieval definitions, "Diffusion"):
 * {@code k} nearest neighbours per node (default {@value #DEFAULT_K}, the value for global
 * descriptors; the definitions use 200 for regional ones) and the affinity exponent
 * {@code gamma} in a_ij = max(s_ij, 0)^gamma (default {@value #DEFAULT_GAMMA}). Immutable.
 */
public final class GraphParameters {

    /** Default number of neighbours for global descriptors. */
    public static final int DEFAULT_K = 50;
    /** Default affinity exponent. */
    public static final double DEFAULT_GAMMA = 3;

    private final int k;
    private final double gamma;

    /**
     * @param k     neighbours per node, {@code >= 1}
     * @param gamma affinity exponent, finite and {@code > 0}
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public GraphParameters(int k, double gamma) {
        if (k < 1) {
            throw new IllegalArgumentException("graph parameter [k] must be >= 1 but was [" + k + "]");
        }
        requirePositiveGamma(gamma, "graph parameter [gamma]");
        this.k = k;
        this.gamma = gamma;
    }

    /** k = 50, gamma = 3. */
    public static GraphParameters defaults() {
        return new GraphParameters(DEFAULT_K, DEFAULT_GAMMA);
    }

    /** Neighbours per node. */
    public int k() {
        return k;
    }

    /** Affinity exponent. */
    public double gamma() {
        return gamma;
    }

    /** max(s, 0)^gamma: negative similarities give 0, never NaN (the one place this rule lives). */
    static double affinity(double similarity, double gamma) {
        return similarity > 0 ? Math.pow(similarity, gamma) : 0d;
    }

    static void requirePositiveGamma(double gamma, String name) {
        if (Double.isFinite(gamma) == false || gamma <= 0) {
            throw new IllegalArgumentException(name + " must be finite and > 0 but was [" + gamma + "]");
        }
    }

    @Override
    public String toString() {
        return "GraphParameters[k=" + k + ", gamma=" + gamma + "]";
    }
}
