package org.instanceretrieval.es;

import org.elasticsearch.test.ESTestCase;

import java.util.List;
import java.util.Set;

/** Hand-worked checks of the test-only {@link BruteForce} reference itself. */
public class BruteForceTests extends ESTestCase {

    public void testAveragePrecisionByHand() {
        // positives p1, p2; junk j skipped: junk-free positions p1 = 0, n = 1, p2 = 2
        // AP = ((1 + 1) / 2 + (1/2 + 2/3) / 2) / 2 = 19/24
        List<String> ranking = List.of("p1", "j", "n", "p2");
        assertEquals(19.0 / 24, BruteForce.averagePrecision(ranking, Set.of("p1", "p2"), Set.of("j")), 1e-15);
        // a positive never retrieved counts in npos: (1 + 7/12) / 3
        assertEquals(19.0 / 36, BruteForce.averagePrecision(ranking, Set.of("p1", "p2", "p3"), Set.of("j")), 1e-15);
        // P@k: positions 1 and 3; kq = min(3, k)
        assertEquals(1.0, BruteForce.precisionAt(ranking, Set.of("p1", "p2"), Set.of("j"), 1), 1e-15);
        assertEquals(2.0 / 3, BruteForce.precisionAt(ranking, Set.of("p1", "p2"), Set.of("j"), 5), 1e-15);
    }

    public void testRankIsScoreDescendingThenIndex() {
        assertArrayEquals(new int[] { 1, 3, 0, 2 }, BruteForce.rank(new double[] { 0.0, 2.0, -0.0, 2.0 }));
    }

    public void testConjugateGradientReachesTheDirectSolution() {
        int n = 12;
        float[][] nodes = new float[n][];
        for (int i = 0; i < n; i++) {
            nodes[i] = new float[] { (float) Math.cos(i * 0.5), (float) Math.sin(i * 0.5), 0.3f };
            BruteForce.l2InPlace(nodes[i]);
        }
        double[][] s = BruteForce.normalize(BruteForce.affinity(nodes, 3, 3));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(s[i][j], s[j][i], 0);
            }
        }
        double[] y = new double[n];
        y[2] = 1;
        y[7] = 0.5;
        double alpha = 0.9;
        double[] f = BruteForce.conjugateGradient(s, y, alpha, 1e-12, 200);
        // residual of (I - alpha S) f = y
        for (int i = 0; i < n; i++) {
            double sum = f[i];
            for (int j = 0; j < n; j++) {
                sum -= alpha * s[i][j] * f[j];
            }
            assertEquals(y[i], sum, 1e-9);
        }
    }

    public void testAqeByHand() {
        float[][] db = { { 1, 0 }, { 0, 1 }, { -1, 0 } };
        float[] q = { 1, 0 };
        // q + d0 + d1 = (2, 1) -> (2, 1) / sqrt(5)
        float[] e = BruteForce.alphaQe(q, db, new int[] { 0, 1 }, 0);
        assertEquals(2 / Math.sqrt(5), e[0], 1e-7);
        assertEquals(1 / Math.sqrt(5), e[1], 1e-7);
        // alpha 1: d1 has similarity 0, weight 0; d2 negative, weight 0: q + d0 = (2, 0) -> (1, 0)
        float[] a = BruteForce.alphaQe(q, db, new int[] { 0, 1, 2 }, 1);
        assertEquals(1, a[0], 1e-7);
        assertEquals(0, a[1], 1e-7);
    }

    public void testPcaWhitensTheCovariance() {
        float[][] x = new float[200][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new float[] { (float) random().nextGaussian(), (float) (2 * random().nextGaussian()), (float) (0.5 * random().nextGaussian()) };
        }
        double[][] p = BruteForce.pcaProjection(x, 0.5, 3);
        double[][] c = BruteForce.covariance(x);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double v = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        v += p[a][i] * c[i][j] * p[b][j];
                    }
                }
                assertEquals(a == b ? 1 : 0, v, 1e-9);
            }
        }
    }
}
