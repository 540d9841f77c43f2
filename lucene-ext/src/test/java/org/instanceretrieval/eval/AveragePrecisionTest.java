package org.instanceretrieval.eval;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;

public class AveragePrecisionTest {

    private static final double EPS = 1e-12;

    @Test
    public void trapezoidHandWorked() {
        // ranks [0, 2], npos 3 (third positive never retrieved):
        // j=0 r=0: P0 = 1, P1 = 1/1          -> (1 + 1)/2     = 1
        // j=1 r=2: P0 = 1/2, P1 = 2/3        -> (1/2 + 2/3)/2 = 7/12
        // AP = (1 + 7/12) / 3 = 19/36
        assertEquals(19.0 / 36.0, AveragePrecision.trapezoid(new int[] {0, 2}, 3), EPS);
    }

    @Test
    public void nonInterpolatedHandWorked() {
        // ranks [0, 2], npos 3: (1/1 + 2/3 + 0) / 3 = 5/9
        assertEquals(5.0 / 9.0, AveragePrecision.nonInterpolated(new int[] {0, 2}, 3), EPS);
    }

    @Test
    public void singlePositiveNotFirst() {
        // rank 3: trapezoid P0 = 0/3 = 0, P1 = 1/4 -> 1/8 ; non-interpolated 1/4
        assertEquals(0.125, AveragePrecision.trapezoid(new int[] {3}, 1), EPS);
        assertEquals(0.25, AveragePrecision.nonInterpolated(new int[] {3}, 1), EPS);
    }

    @Test
    public void firstPositionOnly() {
        // rank 0 of 2 positives: trapezoid (1+1)/2 / 2 = 1/2 ; non-interpolated 1/2
        assertEquals(0.5, AveragePrecision.trapezoid(new int[] {0}, 2), EPS);
        assertEquals(0.5, AveragePrecision.nonInterpolated(new int[] {0}, 2), EPS);
    }

    @Test
    public void perfectRankingIsOne() {
        assertEquals(1.0, AveragePrecision.trapezoid(new int[] {0, 1, 2, 3}, 4), EPS);
        assertEquals(1.0, AveragePrecision.nonInterpolated(new int[] {0, 1, 2, 3}, 4), EPS);
    }

    @Test
    public void nothingRetrievedIsZero() {
        assertEquals(0.0, AveragePrecision.trapezoid(new int[0], 5), 0.0);
        assertEquals(0.0, AveragePrecision.nonInterpolated(new int[0], 5), 0.0);
    }

    @Test
    public void twoPositivesLate() {
        // ranks [1, 4], npos 2:
        // trapezoid j=0 r=1: P0 = 0/1 = 0, P1 = 1/2 -> 1/4 ; j=1 r=4: P0 = 1/4, P1 = 2/5 -> 13/40
        // AP = (1/4 + 13/40)/2 = (10/40 + 13/40)/2 = 23/80
        assertEquals(23.0 / 80.0, AveragePrecision.trapezoid(new int[] {1, 4}, 2), EPS);
        // non-interpolated (1/2 + 2/5)/2 = 9/20
        assertEquals(9.0 / 20.0, AveragePrecision.nonInterpolated(new int[] {1, 4}, 2), EPS);
    }

    @Test
    public void trapezoidBoundedAndBelowNonInterpolatedProperty() {
        // Property: P0 = j/r_j <= (j+1)/(r_j+1) = P1 when r_j >= j, so trapezoid <= non-interpolated,
        // and both stay in [0, 1].
        Random random = new Random(42);
        for (int t = 0; t < 200; t++) {
            int npos = 1 + random.nextInt(10);
            int retrieved = random.nextInt(npos + 1);
            int[] ranks = new int[retrieved];
            int r = -1;
            for (int j = 0; j < retrieved; j++) {
                r += 1 + random.nextInt(4);
                ranks[j] = r;
            }
            double trap = AveragePrecision.trapezoid(ranks, npos);
            double nonInterp = AveragePrecision.nonInterpolated(ranks, npos);
            assertTrue(trap >= 0 && trap <= nonInterp + EPS && nonInterp <= 1 + EPS);
        }
    }

    @Test
    public void rejectsInvalidInput() {
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.nonInterpolated(new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(new int[] {0, 1}, 1));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(new int[] {2, 2}, 3));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(new int[] {3, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(new int[] {-1}, 3));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.trapezoid(null, 3));
    }
}
