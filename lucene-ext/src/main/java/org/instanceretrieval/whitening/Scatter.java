package org.instanceretrieval.whitening;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.instanceretrieval.math.VectorMath;

/**
 * Double-precision sample statistics for the whitening learners: means and sums of outer
 * products {@code sum_i r_i r_i^T}, accumulated with EJML over blocks of rows so that a large
 * sample never has to be copied into one dense double matrix.
 */
final class Scatter {

    /** Rows per block: bounds the temporary double matrix to {@code BLOCK_ROWS x d}. */
    private static final int BLOCK_ROWS = 256;

    /** Supplies row {@code i} of the (virtual) {@code n x d} matrix whose scatter is wanted. */
    @FunctionalInterface
    interface RowSource {
        void row(int i, double[] out);
    }

    private Scatter() {}

    /** {@code sum_i r_i r_i^T} over rows {@code 0..n-1}, exactly symmetric (a {@code d x d} matrix). */
    static DMatrixRMaj sumOfOuterProducts(int n, int d, RowSource rows) {
        DMatrixRMaj sum = new DMatrixRMaj(d, d);
        DMatrixRMaj block = new DMatrixRMaj(Math.min(BLOCK_ROWS, n), d);
        double[] row = new double[d];
        for (int start = 0; start < n; start += BLOCK_ROWS) {
            int count = Math.min(BLOCK_ROWS, n - start);
            block.reshape(count, d);
            for (int r = 0; r < count; r++) {
                rows.row(start + r, row);
                System.arraycopy(row, 0, block.data, r * d, d);
            }
            CommonOps_DDRM.multAddTransA(block, block, sum);
        }
        symmetrize(sum);
        return sum;
    }

    /** Replaces {@code m} by {@code (m + m^T) / 2}, as cirtorch does, so the symmetric solver sees exact symmetry. */
    static void symmetrize(DMatrixRMaj m) {
        for (int i = 0; i < m.numRows; i++) {
            for (int j = i + 1; j < m.numCols; j++) {
                double v = (m.get(i, j) + m.get(j, i)) / 2;
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }

    /** Mean, in double precision, of {@code vectors[ids[k]]} over k (every id counted as often as it occurs). */
    static double[] mean(float[][] vectors, int[] ids) {
        int d = vectors[ids[0]].length;
        double[] sum = new double[d];
        for (int id : ids) {
            float[] v = vectors[id];
            for (int j = 0; j < d; j++) {
                sum[j] += v[j];
            }
        }
        for (int j = 0; j < d; j++) {
            sum[j] /= ids.length;
        }
        return sum;
    }

    /** Validates a set of vectors: non-empty, none null, one dimension (at least 1), finite; returns the dimension. */
    static int requireConsistent(float[][] vectors, String what) {
        if (vectors == null || vectors.length == 0) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (vectors[0] == null || vectors[0].length == 0) {
            throw new IllegalArgumentException(what + " vector 0 is null or has dimension 0");
        }
        int d = vectors[0].length;
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null) {
                throw new IllegalArgumentException(what + " vector " + i + " is null");
            }
            if (vectors[i].length != d) {
                throw new IllegalArgumentException(
                    what + " is ragged: vector " + i + " has dimension [" + vectors[i].length + "] but vector 0 has [" + d + "]");
            }
            VectorMath.requireFinite(vectors[i], what + " vector " + i);
        }
        return d;
    }

    static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }
}
