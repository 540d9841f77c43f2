package org.instanceretrieval.pooling;

import java.util.List;
import org.instanceretrieval.math.VectorMath;

/**
 * Combines the descriptors of one image described at several scales into one vector
 * (retrieval definitions, "Multi-scale and multi-resolution"). Rescaling the image is not done
 * here (the image module does it, bilinear); this class only combines the per-scale vectors,
 * in one of two named modes:
 *
 * <ul>
 *   <li>{@link Mode#POWER_MEAN} (cirtorch's {@code extract_ms}): {@code v = (mean_s v_s^q)^(1/q)},
 *       element-wise, then L2. {@code q} is the GeM exponent p when the pooling is GeM and no
 *       whitening is applied inside the per-scale descriptors, else 1 — see
 *       {@link #forPooling}. With q = 1 this is the L2-normalised mean. For q != 1 every
 *       component must be {@code >= 0} (a fractional power of a negative number is undefined,
 *       which is why whitened descriptors use q = 1).</li>
 *   <li>{@link Mode#L2_EACH_SUM} (GPR1200's landmark models): L2-normalise each scale's vector,
 *       sum, L2-normalise.</li>
 * </ul>
 *
 * The L2 steps are exact (a zero vector stays zero). Default scales: {@link #DEFAULT_SCALES}.
 */
public final class MultiScaleCombination {

    /** The default image scales {@code [1, 1/sqrt(2), 1/2]} (cirtorch's multi-scale setting). */
    public static final List<Double> DEFAULT_SCALES = List.of(1.0, 1.0 / Math.sqrt(2.0), 0.5);

    /** The combination rule. */
    public enum Mode {
        /** {@code L2((mean_s v_s^q)^(1/q))}, cirtorch. */
        POWER_MEAN,
        /** {@code L2(sum_s L2(v_s))}, GPR1200. */
        L2_EACH_SUM
    }

    private final Mode mode;
    private final double q;

    private MultiScaleCombination(Mode mode, double q) {
        this.mode = mode;
        this.q = q;
    }

    /**
     * The power mean with exponent {@code q}, then L2.
     *
     * @throws IllegalArgumentException unless {@code q} is finite and {@code > 0}
     */
    public static MultiScaleCombination powerMean(double q) {
        if (Double.isFinite(q) == false || q <= 0) {
            throw new IllegalArgumentException("multi-scale exponent q must be finite and > 0 but was [" + q + "]");
        }
        return new MultiScaleCombination(Mode.POWER_MEAN, q);
    }

    /**
     * The definitions' rule for q: the power mean with {@code q = p} when {@code pooling} is a
     * {@link GemPooling} with exponent p and {@code whiteningInside} is false, else {@code q = 1}.
     * A {@link RegionalPooling} with GeM inside is not GeM pooling here and gets q = 1, as in
     * cirtorch's test script (multi-scale p only for non-regional, non-whitened GeM networks).
     *
     * @param pooling         the pooling that produced the per-scale descriptors
     * @param whiteningInside whether each per-scale descriptor was whitened before combining
     * @throws IllegalArgumentException if {@code pooling} is null
     */
    public static MultiScaleCombination forPooling(Pooling pooling, boolean whiteningInside) {
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must not be null");
        }
        if (pooling instanceof GemPooling gem && whiteningInside == false) {
            return powerMean(gem.p());
        }
        return powerMean(1.0);
    }

    /** GPR1200's combination: L2 each scale, sum, L2. */
    public static MultiScaleCombination l2EachSum() {
        return new MultiScaleCombination(Mode.L2_EACH_SUM, 1.0);
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The exponent q of {@link Mode#POWER_MEAN} (1 for {@link Mode#L2_EACH_SUM}, where it is unused). */
    public double q() {
        return q;
    }

    /**
     * Combines one image's per-scale descriptors.
     *
     * @param perScale one vector per scale, all of the same dimension, finite; not modified
     * @return the L2-normalised combination
     * @throws IllegalArgumentException on an empty list, a null vector, a dimension mismatch, a
     *     non-finite value, or a negative component when the mode is the power mean with q != 1
     */
    public float[] combine(List<float[]> perScale) {
        if (perScale == null || perScale.isEmpty()) {
            throw new IllegalArgumentException("need at least one per-scale descriptor");
        }
        float[] first = perScale.get(0);
        for (int s = 0; s < perScale.size(); s++) {
            float[] v = perScale.get(s);
            if (v == null) {
                throw new IllegalArgumentException("per-scale descriptor " + s + " is null");
            }
            VectorMath.requireSameDimension(first, v, "per-scale descriptor 0", "per-scale descriptor " + s);
            VectorMath.requireFinite(v, "per-scale descriptor " + s);
        }
        return mode == Mode.POWER_MEAN ? powerMeanOf(perScale) : l2EachSumOf(perScale);
    }

    private float[] powerMeanOf(List<float[]> perScale) {
        int dim = perScale.get(0).length;
        float[] out = new float[dim];
        if (q == 1.0) {
            for (float[] v : perScale) {
                VectorMath.addScaled(out, 1f / perScale.size(), v);
            }
            return VectorMath.l2NormalizeInPlace(out);
        }
        for (int s = 0; s < perScale.size(); s++) {
            float[] v = perScale.get(s);
            for (int i = 0; i < dim; i++) {
                if (v[i] < 0) {
                    throw new IllegalArgumentException("per-scale descriptor " + s + " has a negative value [" + v[i]
                        + "] at index " + i + "; the power mean with q=" + q + " needs non-negative values (use q=1)");
                }
            }
        }
        for (int i = 0; i < dim; i++) {
            double sum = 0;
            for (float[] v : perScale) {
                sum += Math.pow(v[i], q);
            }
            out[i] = (float) Math.pow(sum / perScale.size(), 1.0 / q);
        }
        return VectorMath.l2NormalizeInPlace(out);
    }

    private static float[] l2EachSumOf(List<float[]> perScale) {
        float[] out = new float[perScale.get(0).length];
        for (float[] v : perScale) {
            VectorMath.addScaled(out, 1f, VectorMath.l2Normalized(v));
        }
        return VectorMath.l2NormalizeInPlace(out);
    }

    @Override
    public String toString() {
        return mode == Mode.POWER_MEAN ? "MultiScaleCombination[power mean, q=" + q + "]" : "MultiScaleCombination[L2 each, sum]";
    }
}
