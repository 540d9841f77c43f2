package org.instanceretrieval.rerank;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/**
 * k-reciprocal re-ranking of a window worked by hand: unit vectors in the plane at the angles below, k1 2, k2 1.
 *
 * <pre>
 * point (index)  q (0)  p1 (1)  p4 (2)  p2 (3)  p3 (4)      window in first-pass order: p1, p4, p2, p3
 * angle          0°     10°     -11°    12°     14°
 * </pre>
 *
 * d grows with the angle between two points, so the rankings N(a, ·) (a first, then by angle) are
 * <pre>
 * N(q)  = q, p1 (10), p4 (11), p2 (12), p3 (14)
 * N(p1) = p1, p2 (2), p3 (4), q (10), p4 (21)
 * N(p2) = p2, p1 (2), p3 (2), q (12), p4 (23)
 * N(p3) = p3, p2 (2), p1 (4), q (14), p4 (25)
 * N(p4) = p4, q (11), p1 (21), p2 (23), p3 (25)
 * </pre>
 * k1 = 2, so R(a, 2) keeps b among a's first 3 when a is among b's first 3:
 * R(q) = {q, p4} (p1's first 3 are p1, p2, p3: no q); R(p4) = {p4, q}; R(p1) = R(p2) = R(p3) = {p1, p2, p3}.
 * Expansion: h = 1; R(q, 1) = {q}, R(p4, 1) = {p4}, R(p1, 1) = R(p2, 1) = {p1, p2}, R(p3, 1) = {p3}; each is inside the set it
 * would expand, so R* = R (a set of at most 3 can never add a member: it needs more than 2/3 of itself in common).
 * V(q) lives on {q, p4}, V(p1) on {p1, p2, p3}: k2 = 1 leaves V as it is, so J(q, p1) = J(q, p2) = J(q, p3) = 1 (disjoint),
 * and J(q, p4) = 1 - m / (2 - m), m = min(V(q, q), V(p4, q)) + min(V(q, p4), V(p4, p4)), with
 * V(q, q) = 1 / (1 + e^-x), V(q, p4) = e^-x / (1 + e^-x), x = D(q, p4) = d(q, p4) / d(q, p3) (p3 is q's farthest), and
 * V(p4, p4) = 1 / (1 + e^-y), V(p4, q) = e^-y / (1 + e^-y), y = D(p4, q) = d(p4, q) / d(p4, p3).
 * Numerically x ≈ 0.617, y ≈ 0.194, m ≈ 0.45 + 0.35 and J(q, p4) ≈ 1/3: with lambda 0.3, p4 (≈ 0.42) moves before p1 (≈ 0.85).
 */
public class KReciprocalHandTest {

    private static final double[] ANGLES = { 0, 10, -11, 12, 14 };

    private static float[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] { (float) Math.cos(r), (float) Math.sin(r) };
    }

    /** d(a, b) = 2 - 2 cos of the two float vectors (computed here from the definition). */
    private static double d(int a, int b) {
        float[] u = at(ANGLES[a]);
        float[] v = at(ANGLES[b]);
        double dot = (double) u[0] * v[0] + (double) u[1] * v[1];
        double nu = Math.sqrt((double) u[0] * u[0] + (double) u[1] * u[1]);
        double nv = Math.sqrt((double) v[0] * v[0] + (double) v[1] * v[1]);
        return 2 - 2 * dot / (nu * nv);
    }

    private static float[][] window() {
        return new float[][] { at(ANGLES[1]), at(ANGLES[2]), at(ANGLES[3]), at(ANGLES[4]) };
    }

    private static double expectedJaccardQP4() {
        double x = d(0, 2) / d(0, 4);
        double y = d(2, 0) / d(2, 4);
        double vqq = 1 / (1 + Math.exp(-x));
        double vqp4 = Math.exp(-x) / (1 + Math.exp(-x));
        double vp4p4 = 1 / (1 + Math.exp(-y));
        double vp4q = Math.exp(-y) / (1 + Math.exp(-y));
        double m = Math.min(vqq, vp4q) + Math.min(vqp4, vp4p4);
        return 1 - m / (2 - m);
    }

    @Test
    public void jaccardDistancesAreTheHandWorkedOnes() {
        KReciprocalDistances r = new KReciprocal(2, 1, 0).distances(at(0), window());
        assertEquals(1, r.jaccard(0), 1e-12); // p1
        assertEquals(expectedJaccardQP4(), r.jaccard(1), 1e-12); // p4
        assertEquals(1, r.jaccard(2), 1e-12); // p2
        assertEquals(1, r.jaccard(3), 1e-12); // p3
        assertEquals(1.0 / 3, r.jaccard(1), 0.01); // the rough value of the comment
        assertArrayEquals(new double[] { 1, expectedJaccardQP4(), 1, 1 }, r.distances(), 1e-12); // lambda 0: Jaccard only
    }

    @Test
    public void finalDistanceMixesJaccardAndTheRowNormalisedOriginal() {
        KReciprocalDistances r = new KReciprocal(2, 1, 0.3).distances(at(0), window());
        double qMax = d(0, 4); // p3 (14°) is the farthest from q
        double[] expected = {
            0.7 * 1 + 0.3 * d(0, 1) / qMax,
            0.7 * expectedJaccardQP4() + 0.3 * d(0, 2) / qMax,
            0.7 * 1 + 0.3 * d(0, 3) / qMax,
            0.7 * 1 + 0.3 * 1 };
        assertArrayEquals(expected, r.distances(), 1e-12);
        assertEquals(d(0, 1) / qMax, r.original(0), 1e-12);
        // the original order is p1, p4, p2, p3; the re-ranked one p4, p1, p2, p3
        assertArrayEquals(new int[] { 1, 0, 2, 3 }, r.ranking());
        // lambda 1: the original distance alone, the first-pass order
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, new KReciprocal(2, 1, 1).distances(at(0), window()).ranking());
    }

    @Test
    public void halfOfK1IsRoundedHalfToEvenAsNumpy() {
        assertEquals(10, new KReciprocal(20, 6, 0.3).halfK1());
        assertEquals(2, new KReciprocal(5, 6, 0.3).halfK1()); // around(2.5) = 2
        assertEquals(2, new KReciprocal(3, 6, 0.3).halfK1()); // around(1.5) = 2
        assertEquals(0, new KReciprocal(1, 6, 0.3).halfK1()); // around(0.5) = 0
    }

    @Test
    public void identicalWindowItemsTieInWindowOrder() {
        float[] v = at(30);
        KReciprocalDistances r = new KReciprocal(20, 6, 0.3).distances(at(0), new float[][] { v, v.clone(), v.clone() });
        assertArrayEquals(new int[] { 0, 1, 2 }, r.ranking());
        assertEquals(r.distance(0), r.distance(2), 0);
    }

    @Test
    public void estimatedBytesFollowTheDocumentedFormula() {
        // n = 1001, dims 2048, K = 21, h = 10, min(n, 21 * 12) = 252:
        // 8 n^2 + 12 n dims + 4 n (K + h + 1) + 12 n 252 + 192 n + 1024
        long n = 1001;
        assertEquals(8 * n * n + 12 * n * 2048 + 4 * n * 32 + 12 * n * 252 + 192 * n + 1024,
            KReciprocal.defaults().estimatedBytes(1000, 2048));
        assertEquals(35_964_952L, KReciprocal.defaults().estimatedBytes(1000, 2048));
        // a window smaller than the sets: every bound is capped at n = 5
        assertEquals(8 * 25 + 12 * 5 * 2 + 4 * 5 * (5 + 10 + 1) + 12 * 5 * 5 + 192 * 5 + 1024, KReciprocal.defaults().estimatedBytes(4, 2));
    }

    @Test
    public void emptyWindowGivesNoDistances() {
        assertEquals(0, KReciprocal.defaults().distances(at(0), new float[0][]).size());
    }

    @Test
    public void rejectsBadParametersNamingTheRule() {
        assertEquals("[k1] must be in [1, 10000] but was [0]",
            assertThrows(IllegalArgumentException.class, () -> new KReciprocal(0, 6, 0.3)).getMessage());
        assertEquals("[k2] must be in [1, 10000] but was [10001]",
            assertThrows(IllegalArgumentException.class, () -> new KReciprocal(20, 10001, 0.3)).getMessage());
        assertEquals("[lambda] must be in [0, 1] but was [1.5]",
            assertThrows(IllegalArgumentException.class, () -> new KReciprocal(20, 6, 1.5)).getMessage());
        assertEquals("[lambda] must be in [0, 1] but was [NaN]",
            assertThrows(IllegalArgumentException.class, () -> new KReciprocal(20, 6, Double.NaN)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> KReciprocal.defaults().distances(at(0), new float[][] { { 1, 2, 3 } }));
    }
}
