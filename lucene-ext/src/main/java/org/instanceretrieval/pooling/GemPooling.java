package org.instanceretrieval.pooling;

/**
 * GeM: generalised-mean pooling, per channel {@code (mean_{y,x} max(a, eps)^p)^(1/p)}
 * (Pooling section of the retrieval definitions; cirtorch's {@code gem}). Defaults
 * {@code p = 3}, {@code eps = 1e-6}; eps is a clamp (values below it, including negative
 * ones, count as eps), not an additive term. p = 1 is SPoC's mean of the clamped values; as p
 * grows the result tends to MAC.
 *
 * <p>Computed in double as {@code m * (mean (v/m)^p)^(1/p)} with {@code m} the channel's
 * clamped maximum: the same value, without overflow for large p. Output: C values, not
 * normalised.
 */
public final class GemPooling implements Pooling {

    /** Default exponent p = 3. */
    public static final double DEFAULT_P = 3.0;
    /** Default clamp eps = 1e-6. */
    public static final double DEFAULT_EPS = 1e-6;

    private final double p;
    private final double eps;

    /** GeM with p = 3 and eps = 1e-6. */
    public GemPooling() {
        this(DEFAULT_P, DEFAULT_EPS);
    }

    /**
     * GeM with exponent {@code p} and eps = 1e-6.
     *
     * @throws IllegalArgumentException unless {@code p} is finite and {@code > 0}
     */
    public GemPooling(double p) {
        this(p, DEFAULT_EPS);
    }

    /**
     * GeM with exponent {@code p} and clamp {@code eps}.
     *
     * @throws IllegalArgumentException unless {@code p} is finite and {@code > 0} and
     *     {@code eps} is finite and {@code >= 0}
     */
    public GemPooling(double p, double eps) {
        if (Double.isFinite(p) == false || p <= 0) {
            throw new IllegalArgumentException("GeM exponent p must be finite and > 0 but was [" + p + "]");
        }
        if (Double.isFinite(eps) == false || eps < 0) {
            throw new IllegalArgumentException("GeM clamp eps must be finite and >= 0 but was [" + eps + "]");
        }
        this.p = p;
        this.eps = eps;
    }

    /** The exponent p. */
    public double p() {
        return p;
    }

    /** The clamp eps. */
    public double eps() {
        return eps;
    }

    @Override
    public float[] pool(FeatureMap map) {
        int h = map.height();
        int w = map.width();
        float[] data = map.storage();
        float[] out = new float[map.channels()];
        for (int c = 0; c < out.length; c++) {
            double max = eps;
            for (int y = 0; y < h; y++) {
                int row = map.index(c, y, 0);
                for (int x = 0; x < w; x++) {
                    max = Math.max(max, data[row + x]);
                }
            }
            if (max <= 0) {
                // eps = 0 and no positive value: every clamped value is 0, so is the mean.
                out[c] = 0f;
                continue;
            }
            double sum = 0;
            for (int y = 0; y < h; y++) {
                int row = map.index(c, y, 0);
                for (int x = 0; x < w; x++) {
                    double r = Math.max(data[row + x], eps) / max;
                    sum += p == 3.0 ? r * r * r : Math.pow(r, p); // the default p avoids pow's cost
                }
            }
            out[c] = (float) (max * Math.pow(sum / ((double) h * w), 1.0 / p));
        }
        return out;
    }

    @Override
    public String toString() {
        return "GemPooling[p=" + p + ", eps=" + eps + "]";
    }
}
