package org.instanceretrieval.whitening;

import org.apache.lucene.util.VectorUtil;
import org.instanceretrieval.math.VectorMath;

import java.util.Arrays;

/**
 * A learned whitening: the immutable affine map {@code x -> P (x - m)} followed by L2
 * normalisation, with projection {@code P} of shape {@code outputDimension x inputDimension}
 * and mean {@code m} of length {@code inputDimension}.
 *
 * <p>Implements "Whitening" of the retrieval definitions: {@code y = L2(P (x - m))}, the last two
 * steps of the network order features -&gt; pool -&gt; L2 -&gt; whitening -&gt; L2. The input is
 * expected to be the L2-normalised pooled descriptor; this class does not normalise its input.
 * Because the map is affine it can be folded into a linear layer with weight {@code W = P}
 * ({@link #weight()}) and bias {@code b = -P m} ({@link #bias()}).
 *
 * <p>L2 convention: exact L2 as in the definitions; a zero result stays zero (never NaN, see
 * {@link VectorMath#l2Normalized}). cirtorch's {@code whitenapply} divides by
 * {@code norm + 1e-6} instead, a relative difference of {@code 1e-6 / |P (x - m)|}: below 1e-6
 * for full whitening (whitened norms above 1 on typical data) but not for power-law whitening.
 *
 * <p>Values are stored as float32, the precision of the descriptors they apply to. Instances
 * are created by {@link #of}, by the learners {@link PcaWhitening} and {@link LearnedWhitening},
 * or read back with {@link WhiteningFormat#fromBytes}.
 */
public final class Whitening {

    private final float[][] projection;
    private final float[] mean;

    private Whitening(float[][] projection, float[] mean) {
        this.projection = projection;
        this.mean = mean;
    }

    /**
     * Creates a whitening from its projection rows and mean; both are copied.
     *
     * @param projection {@code P}, one row per output dimension, at least one row, every row of
     *                   length {@code mean.length}, all values finite
     * @param mean       {@code m}, length at least 1, all values finite
     * @throws IllegalArgumentException on an empty or ragged projection, a dimension mismatch
     *                                  with the mean, or a non-finite value
     */
    public static Whitening of(float[][] projection, float[] mean) {
        if (mean == null || mean.length == 0) {
            throw new IllegalArgumentException("whitening mean must have at least one dimension");
        }
        if (projection == null || projection.length == 0) {
            throw new IllegalArgumentException("whitening projection must have at least one row");
        }
        VectorMath.requireFinite(mean, "whitening mean");
        float[][] rows = new float[projection.length][];
        for (int i = 0; i < projection.length; i++) {
            if (projection[i] == null) {
                throw new IllegalArgumentException("whitening projection row " + i + " is null");
            }
            VectorMath.requireSameDimension(projection[i], mean, "whitening projection row " + i, "whitening mean");
            VectorMath.requireFinite(projection[i], "whitening projection row " + i);
            rows[i] = projection[i].clone();
        }
        return new Whitening(rows, mean.clone());
    }

    /** Dimension {@code d_in} of the descriptors this whitening accepts. */
    public int inputDimension() {
        return mean.length;
    }

    /** Dimension {@code d_out} of the whitened descriptors (number of rows of {@code P}). */
    public int outputDimension() {
        return projection.length;
    }

    /**
     * Whitens a descriptor: {@code L2(P (x - m))} (definitions, "Whitening"). A zero result
     * (only possible when {@code x - m} lies in the null space of {@code P}) stays zero.
     *
     * @param x descriptor of length {@link #inputDimension()}, finite values
     * @return a new vector of length {@link #outputDimension()}, unit norm or zero
     * @throws IllegalArgumentException on a dimension mismatch or a non-finite value
     */
    public float[] apply(float[] x) {
        return VectorMath.l2NormalizeInPlace(project(x));
    }

    /**
     * The affine part alone, {@code P (x - m)}, without the final L2 normalisation. Useful where
     * whitened vectors are summed before normalising (regional whitening) and for checking the
     * whitening's defining properties (zero mean, identity covariance on the learning sample).
     *
     * @param x descriptor of length {@link #inputDimension()}, finite values
     * @return a new vector of length {@link #outputDimension()}
     * @throws IllegalArgumentException on a dimension mismatch or a non-finite value
     */
    public float[] project(float[] x) {
        if (x == null) {
            throw new IllegalArgumentException("descriptor to whiten is null");
        }
        VectorMath.requireSameDimension(x, mean, "descriptor", "whitening input");
        VectorMath.requireFinite(x, "descriptor");
        float[] centred = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            centred[j] = x[j] - mean[j];
        }
        float[] y = new float[projection.length];
        for (int i = 0; i < projection.length; i++) {
            y[i] = VectorUtil.dotProduct(projection[i], centred);
        }
        return y;
    }

    /**
     * Keeps the first {@code dimensions} rows of {@code P} (for learned whitenings the rows are
     * sorted by decreasing eigenvalue, so this is the usual PCA dimension reduction).
     *
     * @param dimensions number of rows to keep, {@code 1 <= dimensions <= outputDimension()}
     * @return a new whitening with the same mean and the first {@code dimensions} rows
     * @throws IllegalArgumentException if {@code dimensions} is out of range
     */
    public Whitening firstDimensions(int dimensions) {
        if (dimensions < 1 || dimensions > projection.length) {
            throw new IllegalArgumentException(
                "whitening dimensions must be in [1, " + projection.length + "] but was [" + dimensions + "]");
        }
        return new Whitening(Arrays.copyOf(projection, dimensions), mean);
    }

    /** A copy of the mean {@code m}. */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * The weight of the equivalent linear layer, {@code W = P}: a copy, one row per output
     * dimension ({@code outputDimension x inputDimension}).
     */
    public float[][] weight() {
        float[][] copy = new float[projection.length][];
        for (int i = 0; i < projection.length; i++) {
            copy[i] = projection[i].clone();
        }
        return copy;
    }

    /**
     * The bias of the equivalent linear layer, {@code b = -P m}, so that
     * {@code P (x - m) = W x + b} (up to float rounding).
     */
    public float[] bias() {
        float[] b = new float[projection.length];
        for (int i = 0; i < projection.length; i++) {
            b[i] = -VectorUtil.dotProduct(projection[i], mean);
        }
        return b;
    }

    /** Two whitenings are equal when their projections and means are identical bit for bit. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o instanceof Whitening == false) {
            return false;
        }
        Whitening other = (Whitening) o;
        return Arrays.equals(mean, other.mean) && Arrays.deepEquals(projection, other.projection);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.deepHashCode(projection);
    }

    @Override
    public String toString() {
        return "Whitening[" + inputDimension() + " -> " + outputDimension() + "]";
    }

    /** Row {@code i} of {@code P}, not copied: for {@link WhiteningFormat} only. */
    float[] row(int i) {
        return projection[i];
    }

    /** The mean, not copied: for {@link WhiteningFormat} only. */
    float[] meanUnsafe() {
        return mean;
    }
}
