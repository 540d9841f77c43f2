package org.instanceretrieval.diffusion;

import org.instanceretrieval.math.VectorMath;
import org.ejml.data.DMatrixRMaj;

import java.util.Random;

/** Shared test data: seeded clustered unit vectors and a dense copy of a sparse matrix. */
final class TestVectors {

    private TestVectors() {}

    /** {@code n} unit vectors in {@code clusters} noisy groups (item i in group i % clusters). */
    static float[][] clustered(int n, int dim, int clusters, double noise, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) random.nextGaussian();
            }
            VectorMath.l2NormalizeInPlace(c);
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) (centres[i % clusters][d] + noise * random.nextGaussian());
            }
            VectorMath.l2NormalizeInPlace(out[i]);
        }
        return out;
    }

    /** Unit vector at {@code degrees} in the plane. */
    static float[] angle(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] { (float) Math.cos(r), (float) Math.sin(r) };
    }

    /** Dense copy of {@code s}. */
    static DMatrixRMaj dense(SparseMatrix s) {
        int n = s.size();
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            int[] cols = s.rowColumns(i);
            double[] vals = s.rowValues(i);
            for (int t = 0; t < cols.length; t++) {
                m.set(i, cols[t], vals[t]);
            }
        }
        return m;
    }

    /** Dense I - alpha S. */
    static DMatrixRMaj shiftedOperator(SparseMatrix s, double alpha) {
        DMatrixRMaj m = dense(s);
        int n = s.size();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, (i == j ? 1 : 0) - alpha * m.get(i, j));
            }
        }
        return m;
    }

    /** Float dot product of the plain definition, accumulated in double (independent of VectorUtil). */
    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
