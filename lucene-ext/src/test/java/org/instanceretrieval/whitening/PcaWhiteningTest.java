package org.instanceretrieval.whitening;

import org.junit.Test;

import java.util.Random;

import static org.instanceretrieval.whitening.SampleStatistics.affine;
import static org.instanceretrieval.whitening.SampleStatistics.covariance;
import static org.instanceretrieval.whitening.SampleStatistics.covarianceEigenvalues;
import static org.instanceretrieval.whitening.SampleStatistics.diagonal;
import static org.instanceretrieval.whitening.SampleStatistics.identity;
import static org.instanceretrieval.whitening.SampleStatistics.maxAbsDifference;
import static org.instanceretrieval.whitening.SampleStatistics.mean;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class PcaWhiteningTest {

    private static final double TOLERANCE = 1e-6;

    private static float[][] sample(long seed, int n, int d) {
        return SampleStatistics.anisotropicUnitVectors(new Random(seed), n, d);
    }

    /** The whitened sample, P (x - m), through the code under test (float32 path), widened to double. */
    private static double[][] projected(Whitening w, float[][] xs) {
        double[][] y = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            float[] p = w.project(xs[i]);
            y[i] = new double[p.length];
            for (int j = 0; j < p.length; j++) {
                y[i][j] = p[j];
            }
        }
        return y;
    }

    @Test
    public void fullWhiteningGivesZeroMeanAndIdentityCovariance() {
        float[][] x = sample(1, 200, 16);
        Whitening w = PcaWhitening.full().learn(x);
        assertEquals(16, w.inputDimension());
        assertEquals(16, w.outputDimension());
        double[][] y = projected(w, x);
        assertArrayEquals(new double[16], mean(y), TOLERANCE);
        assertEquals(0, maxAbsDifference(covariance(y), identity(16)), TOLERANCE);
    }

    @Test
    public void rowsAreEigenvectorsScaledByTheInverseSquareRootOfTheEigenvalues() {
        // Identity covariance alone fixes P only up to a rotation Q; PCA whitening is the one with
        // P P^T = diag(lambda^-1) (orthogonal rows along the eigenvectors), lambda descending.
        float[][] x = sample(2, 200, 16);
        double[] lambda = covarianceEigenvalues(x);
        float[][] p = PcaWhitening.full().learn(x).weight();
        double[][] ppt = new double[16][16];
        double[] expected = new double[16];
        for (int a = 0; a < 16; a++) {
            expected[a] = 1;
            for (int b = 0; b < 16; b++) {
                for (int j = 0; j < 16; j++) {
                    ppt[a][b] += (double) p[a][j] * p[b][j] * Math.sqrt(lambda[a] * lambda[b]);
                }
            }
        }
        // sqrt(lambda_a lambda_b) P P^T = I  <=>  P P^T = diag(1 / lambda)
        assertEquals(0, maxAbsDifference(ppt, diagonal(expected)), 1e-5);
    }

    @Test
    public void powerLawQuarterGivesCovarianceSquareRootOfEigenvalues() {
        // y = diag(lambda^-1/4) V^T (x - m)  =>  cov(y) = diag(lambda^-1/4) diag(lambda) diag(lambda^-1/4) = diag(lambda^1/2)
        float[][] x = sample(3, 200, 16);
        double[] lambda = covarianceEigenvalues(x);
        double[] sqrtLambda = new double[16];
        for (int i = 0; i < 16; i++) {
            sqrtLambda[i] = Math.sqrt(lambda[i]);
        }
        Whitening w = PcaWhitening.powerLaw().learn(x);
        double[][] y = projected(w, x);
        assertArrayEquals(new double[16], mean(y), TOLERANCE * sqrtLambda[0]);
        assertEquals(0, maxAbsDifference(covariance(y), diagonal(sqrtLambda)), TOLERANCE * sqrtLambda[0]);
    }

    @Test
    public void anyPowerInTheUnitIntervalScalesByThatPower() {
        // power 1: cov(y) = diag(lambda^-1 lambda lambda^-1) = diag(1 / lambda)
        float[][] x = sample(4, 200, 6);
        double[] lambda = covarianceEigenvalues(x);
        double[] inverse = new double[6];
        for (int i = 0; i < 6; i++) {
            inverse[i] = 1 / lambda[i];
        }
        double[][] y = projected(PcaWhitening.full().withPower(1).learn(x), x);
        assertEquals(0, maxAbsDifference(covariance(y), diagonal(inverse)), TOLERANCE * inverse[5]);
    }

    @Test
    public void eachRowHasItsLargestMagnitudeComponentPositive() {
        float[][] p = PcaWhitening.full().learn(sample(5, 100, 12)).weight();
        for (float[] row : p) {
            int largest = 0;
            for (int j = 1; j < row.length; j++) {
                if (Math.abs(row[j]) > Math.abs(row[largest])) {
                    largest = j;
                }
            }
            assertTrue(row[largest] > 0);
        }
    }

    @Test
    public void resultDoesNotDependOnTheSampleOrder() {
        float[][] x = sample(6, 100, 8);
        float[][] reversed = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            reversed[i] = x[x.length - 1 - i];
        }
        float[][] a = PcaWhitening.full().learn(x).weight();
        float[][] b = PcaWhitening.full().learn(reversed).weight();
        for (int i = 0; i < a.length; i++) {
            // same eigenvectors with the same sign: only rounding differs
            assertArrayEquals(a[i], b[i], 1e-4f * Math.abs(a[i][0]) + 1e-3f);
        }
        assertEquals(PcaWhitening.full().learn(x), PcaWhitening.full().learn(x));
    }

    @Test
    public void dimensionsKeepTheLeadingRows() {
        float[][] x = sample(7, 200, 16);
        Whitening full = PcaWhitening.full().learn(x);
        Whitening eight = PcaWhitening.full().withDimensions(8).learn(x);
        assertEquals(8, eight.outputDimension());
        assertEquals(full.firstDimensions(8), eight);
        double[][] y = projected(eight, x);
        assertEquals(0, maxAbsDifference(covariance(y), identity(8)), TOLERANCE);
    }

    @Test
    public void fewerSamplesThanDimensionsTruncatesToTheRank() {
        // 5 centred samples span at most 4 dimensions
        float[][] x = sample(8, 5, 16);
        Whitening w = PcaWhitening.full().learn(x);
        assertEquals(4, w.outputDimension());
        for (float[] row : w.weight()) {
            for (float v : row) {
                assertTrue(Float.isFinite(v));
            }
        }
        double[][] y = projected(w, x);
        assertArrayEquals(new double[4], mean(y), TOLERANCE);
        assertEquals(0, maxAbsDifference(covariance(y), identity(4)), TOLERANCE);
        // an unseen vector is whitened to a finite unit vector
        float[] out = w.apply(sample(9, 1, 16)[0]);
        assertEquals(1, org.instanceretrieval.math.VectorMath.norm(out), 1e-6);
    }

    @Test
    public void shrinkageKeepsEveryDimensionWithCovarianceLambdaOverLambdaPlusShrinkage() {
        // mu = lambda + s, y = diag(mu^-1/2) V^T (x - m)  =>  cov(y) = diag(lambda / (lambda + s)); zero on the null space
        float[][] x = sample(10, 5, 16);
        double s = 0.01;
        double[] lambda = covarianceEigenvalues(x);
        double[] expected = new double[16];
        for (int i = 0; i < 16; i++) {
            expected[i] = lambda[i] / (lambda[i] + s);
        }
        Whitening w = PcaWhitening.full().withShrinkage(s).learn(x);
        assertEquals(16, w.outputDimension());
        assertEquals(0, maxAbsDifference(covariance(projected(w, x)), diagonal(expected)), TOLERANCE);
    }

    @Test
    public void identicalVectorsNeedShrinkage() {
        float[][] x = { { 0.6f, 0.8f }, { 0.6f, 0.8f }, { 0.6f, 0.8f } };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaWhitening.full().learn(x));
        assertTrue(e.getMessage(), e.getMessage().contains("zero covariance"));
        Whitening w = PcaWhitening.full().withShrinkage(0.25).learn(x);
        // mu = 0 + 0.25 for both directions: P = 2 V^T, and x - m = 0 whitens to the zero vector
        assertEquals(2, w.outputDimension());
        assertArrayEquals(new float[2], w.apply(x[0]), 0f);
        assertArrayEquals(new float[] { 0.6f, 0.8f }, w.mean(), 0f);
    }

    @Test
    public void singleSampleNeedsShrinkageToo() {
        assertThrows(IllegalArgumentException.class, () -> PcaWhitening.full().learn(new float[][] { { 1, 0 } }));
    }

    @Test
    public void rejectsInvalidSamplesAndParameters() {
        PcaWhitening pca = PcaWhitening.full();
        assertMessage("empty", () -> pca.learn(new float[0][]));
        assertMessage("ragged", () -> pca.learn(new float[][] { { 1, 0 }, { 1, 0, 0 } }));
        assertMessage("non-finite", () -> pca.learn(new float[][] { { 1, 0 }, { Float.NaN, 0 } }));
        assertMessage("non-finite", () -> pca.learn(new float[][] { { 1, 0 }, { Float.POSITIVE_INFINITY, 0 } }));
        assertMessage("dimensions", () -> pca.withDimensions(3).learn(new float[][] { { 1, 0 }, { 0, 1 } }));
        assertMessage("dimensions", () -> pca.withDimensions(-1));
        assertMessage("power", () -> pca.withPower(0));
        assertMessage("power", () -> pca.withPower(1.5));
        assertMessage("power", () -> pca.withPower(Double.NaN));
        assertMessage("shrinkage", () -> pca.withShrinkage(-1));
        assertMessage("rank tolerance", () -> pca.withRankTolerance(1));
    }

    @Test
    public void affinePartInDoubleAgreesWithTheFloatPath() {
        float[][] x = sample(11, 50, 8);
        Whitening w = PcaWhitening.full().learn(x);
        double[][] exact = affine(w, x);
        double[][] fast = projected(w, x);
        assertEquals(0, maxAbsDifference(fast, exact), 1e-5);
        assertNotEquals(0, exact[0][0], 0);
    }

    static void assertMessage(String fragment, org.junit.function.ThrowingRunnable runnable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runnable);
        assertTrue("[" + e.getMessage() + "] should mention [" + fragment + "]", e.getMessage().contains(fragment));
    }
}
