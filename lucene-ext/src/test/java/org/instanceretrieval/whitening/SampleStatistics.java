package org.instanceretrieval.whitening;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

import java.util.Arrays;
import java.util.Random;

/** Deliberately simple double-precision helpers for the whitening tests (independent of the code under test). */
final class SampleStatistics {

    private SampleStatistics() {}

    /**
     * {@code n} seeded random L2-normalised vectors of dimension {@code d}: Gaussian components with
     * standard deviation 1/(1+j) plus an offset of 0.5, so the covariance has distinct eigenvalues
     * and the mean is far from zero.
     */
    static float[][] anisotropicUnitVectors(Random random, int n, int d) {
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = 0.5 + random.nextGaussian() / (1 + j);
                norm += v[j] * v[j];
            }
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (v[j] / Math.sqrt(norm));
            }
        }
        return x;
    }

    static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j] / x.length;
            }
        }
        return m;
    }

    /** (1/n) sum_i (x_i - mean)(x_i - mean)^T. */
    static double[][] covariance(double[][] x) {
        double[] m = mean(x);
        int d = m.length;
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (row[a] - m[a]) * (row[b] - m[b]) / x.length;
                }
            }
        }
        return c;
    }

    /** (1/n) sum_i x_i x_i^T (not centred). */
    static double[][] secondMoment(double[][] x) {
        int d = x[0].length;
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += row[a] * row[b] / x.length;
                }
            }
        }
        return c;
    }

    /**
     * Eigenvalues of the sample covariance, descending, computed independently of the learner:
     * squared singular values of the centred sample divided by n (an SVD, not an eigen-solver).
     */
    static double[] covarianceEigenvalues(float[][] sample) {
        int n = sample.length;
        int d = sample[0].length;
        double[][] x = toDouble(sample);
        double[] m = mean(x);
        DMatrixRMaj centred = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred.set(i, j, x[i][j] - m[j]);
            }
        }
        double[] s = SingularOps_DDRM.singularValues(centred);
        double[] lambda = new double[d];
        for (int i = 0; i < s.length; i++) {
            lambda[i] = s[i] * s[i] / n;
        }
        Arrays.sort(lambda);
        for (int i = 0; i < d / 2; i++) {
            double t = lambda[i];
            lambda[i] = lambda[d - 1 - i];
            lambda[d - 1 - i] = t;
        }
        return lambda;
    }

    static double[][] toDouble(float[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = x[i][j];
            }
        }
        return y;
    }

    /** P (x - m) in double precision from the whitening's (float) weight and mean. */
    static double[] affine(Whitening w, float[] x) {
        float[][] p = w.weight();
        float[] m = w.mean();
        double[] y = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += (double) p[i][j] * ((double) x[j] - m[j]);
            }
        }
        return y;
    }

    static double[][] affine(Whitening w, float[][] xs) {
        double[][] y = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            y[i] = affine(w, xs[i]);
        }
        return y;
    }

    static double maxAbsDifference(double[][] actual, double[][] expected) {
        double max = 0;
        for (int a = 0; a < expected.length; a++) {
            for (int b = 0; b < expected[a].length; b++) {
                max = Math.max(max, Math.abs(actual[a][b] - expected[a][b]));
            }
        }
        return max;
    }

    static double[][] identity(int d) {
        return diagonal(filled(d, 1));
    }

    static double[] filled(int d, double v) {
        double[] a = new double[d];
        Arrays.fill(a, v);
        return a;
    }

    static double[][] diagonal(double[] values) {
        double[][] m = new double[values.length][values.length];
        for (int i = 0; i < values.length; i++) {
            m[i][i] = values[i];
        }
        return m;
    }
}
