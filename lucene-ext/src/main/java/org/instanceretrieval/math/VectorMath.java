package org.instanceretrieval.math;

import org.apache.lucene.util.VectorUtil;

/**
 * Single-vector operations shared by every part of the library. Dot products and norms go
 * through Lucene's {@link VectorUtil} (SIMD on recent JDKs); this class adds the validation
 * and the conventions of the retrieval definitions (a zero vector stays zero when
 * L2-normalised, never NaN).
 */
public final class VectorMath {

    private VectorMath() {}

    /** Dot product of two vectors of the same dimension. */
    public static float dot(float[] a, float[] b) {
        return VectorUtil.dotProduct(a, b);
    }

    /**
     * Dot product of two vectors of the same dimension accumulated in double, in index order, then rounded to float: the
     * similarity offline diffusion ranks a query's neighbours by (the same value on every node, whatever SIMD is there).
     */
    public static float dotInDouble(float[] a, float[] b) {
        requireSameDimension(a, b, "first vector", "second vector");
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return (float) sum;
    }

    /** Euclidean norm. */
    public static float norm(float[] v) {
        return (float) Math.sqrt(VectorUtil.dotProduct(v, v));
    }

    /**
     * Returns a new L2-normalised copy of {@code v}. A zero vector is returned as a zero
     * vector: descriptors of empty regions must not turn into NaN.
     */
    public static float[] l2Normalized(float[] v) {
        return l2NormalizeInPlace(v.clone());
    }

    /** L2-normalises {@code v} in place (a zero vector stays zero) and returns it. */
    public static float[] l2NormalizeInPlace(float[] v) {
        return VectorUtil.l2normalize(v, false);
    }

    /** {@code acc += weight * x}, element-wise. */
    public static void addScaled(float[] acc, float weight, float[] x) {
        requireSameDimension(acc, x, "accumulator", "vector");
        for (int i = 0; i < acc.length; i++) {
            acc[i] += weight * x[i];
        }
    }

    /** Throws {@link IllegalArgumentException} naming {@code what} if any element is NaN or infinite. */
    public static void requireFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (Float.isFinite(v[i]) == false) {
                throw new IllegalArgumentException(what + " has a non-finite value [" + v[i] + "] at index " + i);
            }
        }
    }

    /**
     * Validates a collection of vectors given as rows: the array and every row non-null, all rows
     * of row 0's dimension, every value finite. An empty collection is valid.
     *
     * @param rows the vectors
     * @param what name of one row in messages, e.g. {@code "database vector"} (row i is
     *     reported as {@code what [i]})
     * @throws IllegalArgumentException naming the first offending row
     */
    public static void requireFiniteRows(float[][] rows, String what) {
        if (rows == null) {
            throw new IllegalArgumentException(what + "s are null");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new IllegalArgumentException(what + " [" + i + "] is null");
            }
            requireSameDimension(rows[i], rows[0], what + " [" + i + "]", what + " [0]");
            requireFinite(rows[i], what + " [" + i + "]");
        }
    }

    /** Throws {@link IllegalArgumentException} if the two vectors differ in dimension. */
    public static void requireSameDimension(float[] a, float[] b, String nameA, String nameB) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                nameA + " has dimension [" + a.length + "] but " + nameB + " has dimension [" + b.length + "]");
        }
    }
}
