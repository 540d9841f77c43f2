package org.instanceretrieval.whitening;

import org.junit.Test;

import java.util.Random;

import static org.instanceretrieval.whitening.PcaWhiteningTest.assertMessage;
import static org.instanceretrieval.whitening.SampleStatistics.affine;
import static org.instanceretrieval.whitening.SampleStatistics.identity;
import static org.instanceretrieval.whitening.SampleStatistics.maxAbsDifference;
import static org.instanceretrieval.whitening.SampleStatistics.secondMoment;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Lw is pinned down by two properties: P Sigma P^T = I (whitened pair differences have identity
 * second moment) forces P = Q L^-1 with Q orthogonal; P (X - m)(X - m)^T P^T diagonal with
 * non-increasing diagonal forces Q = V^T (up to row signs) for distinct eigenvalues.
 */
public class LearnedWhiteningTest {

    private static final int D = 8;
    private static final int PAIRS = 60;
    private static final int EXTRA = 20;

    /** Vectors 0..59 are queries, 60..119 their positives (query + noise, L2), 120..139 unpaired. */
    private static float[][] vectors(long seed) {
        Random random = new Random(seed);
        float[][] queries = SampleStatistics.anisotropicUnitVectors(random, PAIRS, D);
        float[][] extra = SampleStatistics.anisotropicUnitVectors(random, EXTRA, D);
        float[][] x = new float[2 * PAIRS + EXTRA][];
        for (int i = 0; i < PAIRS; i++) {
            x[i] = queries[i];
            float[] p = new float[D];
            double norm = 0;
            for (int j = 0; j < D; j++) {
                p[j] = (float) (queries[i][j] + 0.3 * random.nextGaussian() / (1 + (j % 3)));
                norm += (double) p[j] * p[j];
            }
            for (int j = 0; j < D; j++) {
                p[j] = (float) (p[j] / Math.sqrt(norm));
            }
            x[PAIRS + i] = p;
        }
        System.arraycopy(extra, 0, x, 2 * PAIRS, EXTRA);
        return x;
    }

    private static int[] range(int from, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    @Test
    public void whitenedPairDifferencesHaveIdentitySecondMoment() {
        float[][] x = vectors(31);
        Whitening w = LearnedWhitening.full().learn(x, range(0, PAIRS), range(PAIRS, PAIRS));
        assertEquals(D, w.inputDimension());
        assertEquals(D, w.outputDimension());
        double[][] differences = new double[PAIRS][];
        for (int i = 0; i < PAIRS; i++) {
            float[] q = w.project(x[i]);
            float[] p = w.project(x[PAIRS + i]);
            differences[i] = new double[D];
            for (int j = 0; j < D; j++) {
                differences[i][j] = (double) q[j] - p[j];
            }
        }
        assertEquals(0, maxAbsDifference(secondMoment(differences), identity(D)), 1e-6);
    }

    @Test
    public void meanIsTheMeanOfTheQueryVectors() {
        float[][] x = vectors(32);
        // query 0 used twice, query 1 once: m = (2 x_0 + x_1) / 3
        Whitening w = LearnedWhitening.full().learn(x, new int[] { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, range(PAIRS, 11));
        float[] expected = new float[D];
        float[] actualMean = w.mean();
        double[] sum = new double[D];
        int[] queries = { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        for (int q : queries) {
            for (int j = 0; j < D; j++) {
                sum[j] += x[q][j];
            }
        }
        for (int j = 0; j < D; j++) {
            expected[j] = (float) (sum[j] / queries.length);
        }
        assertArrayEquals(expected, actualMean, 1e-7f);
    }

    @Test
    public void whitenedScatterOfAllVectorsIsDiagonalAndDescending() {
        float[][] x = vectors(33);
        Whitening w = LearnedWhitening.full().learn(x, range(0, PAIRS), range(PAIRS, PAIRS));
        double[][] y = affine(w, x);
        // P (X - m)(X - m)^T P^T over all vectors, m the query mean (not the mean of X)
        double[][] scatter = new double[D][D];
        for (double[] row : y) {
            for (int a = 0; a < D; a++) {
                for (int b = 0; b < D; b++) {
                    scatter[a][b] += row[a] * row[b];
                }
            }
        }
        for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
                if (a != b) {
                    assertEquals(0, scatter[a][b] / scatter[0][0], 1e-6);
                }
            }
            if (a > 0) {
                assertTrue(scatter[a][a] <= scatter[a - 1][a - 1]);
            }
        }
    }

    @Test
    public void dimensionsKeepTheLeadingRows() {
        float[][] x = vectors(34);
        Whitening full = LearnedWhitening.full().learn(x, range(0, PAIRS), range(PAIRS, PAIRS));
        Whitening three = LearnedWhitening.full().withDimensions(3).learn(x, range(0, PAIRS), range(PAIRS, PAIRS));
        assertEquals(full.firstDimensions(3), three);
    }

    @Test
    public void fewerPairsThanDimensionsIsRegularisedNotNaN() {
        float[][] x = vectors(35);
        // 3 differences span at most 3 of 8 dimensions: Sigma is singular, alpha I makes it definite
        Whitening w = LearnedWhitening.full().learn(x, range(0, 3), range(PAIRS, 3));
        assertEquals(D, w.outputDimension());
        for (float[] row : w.weight()) {
            for (float v : row) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertEquals(1, org.instanceretrieval.math.VectorMath.norm(w.apply(x[130])), 1e-6);
        // identical query and positive: Sigma = 0, regularised to alpha I, still finite
        Whitening zero = LearnedWhitening.full().learn(x, new int[] { 4 }, new int[] { 4 });
        for (float[] row : zero.weight()) {
            for (float v : row) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    public void rejectsInvalidInput() {
        float[][] x = vectors(36);
        LearnedWhitening lw = LearnedWhitening.full();
        assertMessage("at least one matching pair", () -> lw.learn(x, new int[0], new int[0]));
        assertMessage("one to one", () -> lw.learn(x, new int[] { 0, 1 }, new int[] { 2 }));
        assertMessage("outside", () -> lw.learn(x, new int[] { 0 }, new int[] { x.length }));
        assertMessage("outside", () -> lw.learn(x, new int[] { -1 }, new int[] { 1 }));
        assertMessage("dimensions", () -> lw.withDimensions(D + 1).learn(x, new int[] { 0 }, new int[] { 1 }));
        assertMessage("dimensions", () -> lw.withDimensions(-2));
        assertMessage("ragged", () -> lw.learn(new float[][] { { 1, 0 }, { 1 } }, new int[] { 0 }, new int[] { 1 }));
        assertMessage("non-finite", () -> lw.learn(new float[][] { { 1, 0 }, { 1, Float.NaN } }, new int[] { 0 }, new int[] { 1 }));
        assertMessage("empty", () -> lw.learn(new float[0][], new int[] { 0 }, new int[] { 1 }));
    }
}
