package org.instanceretrieval.pooling;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** MAC, SPoC (plain and PyRetri centre prior) and GeM on hand-worked maps, plus properties. */
public class PerChannelPoolingTest {

    // Maps.twoByThreeByThree():
    //   channel 0: 1 2 3 / 4 5 6 / 7 8 9      channel 1: 0 0 0 / 0 -1 0 / 0 0 2
    private final FeatureMap map = Maps.of(Maps.twoByThreeByThree());

    @Test
    public void macIsThePerChannelMaximum() {
        assertArrayEquals(new float[] {9, 2}, new MacPooling().pool(map), 0f);
        // rectangle x=1, y=0, 2x2: channel 0 {2,3,5,6} -> 6; channel 1 {0,0,-1,0} -> 0
        assertArrayEquals(new float[] {6, 0}, new MacPooling().pool(map, 1, 0, 2, 2), 0f);
        // all-negative channel: the maximum, not 0
        FeatureMap negative = new FeatureMap(1, 1, 2, new float[] {-3, -2});
        assertArrayEquals(new float[] {-2}, new MacPooling().pool(negative), 0f);
    }

    @Test
    public void spocIsThePerChannelMean() {
        // channel 0: 45 / 9 = 5; channel 1: (-1 + 2) / 9
        assertArrayEquals(new float[] {5f, 1f / 9}, new SpocPooling().pool(map), 1e-7f);
        // rectangle rows 1..2, columns 0..2: (4+5+6+7+8+9)/6 = 6.5; (-1+2)/6
        assertArrayEquals(new float[] {6.5f, 1f / 6}, new SpocPooling().pool(map, 0, 1, 3, 2), 1e-7f);
        assertEquals(SpocPooling.Weighting.MEAN, new SpocPooling().weighting());
    }

    @Test
    public void pyretriCentrePriorOnASquareMap() {
        // H = W = 3: sigma = 3/6 = 0.5, 2 sigma^2 = 0.5, centre (1, 1).
        // weight = exp(-d^2 / 0.5): centre d^2=0 -> 1; edge midpoints d^2=1 -> e^-2; corners d^2=2 -> e^-4.
        // channel 0: 5*1 + (2+4+6+8) e^-2 + (1+3+7+9) e^-4 = 5 + 20 e^-2 + 20 e^-4 (a weighted SUM)
        // channel 1: -1*1 + 2 e^-4
        double e2 = Math.exp(-2);
        double e4 = Math.exp(-4);
        float[] expected = {(float) (5 + 20 * e2 + 20 * e4), (float) (-1 + 2 * e4)};
        assertArrayEquals(expected, SpocPooling.withCentrePrior().pool(map), 1e-6f);
    }

    @Test
    public void pyretriCentrePriorIsCentredOnThePooledRectangleWithAnEvenSide() {
        // rows 0..1, all columns: H = 2, W = 3, sigma = min(2,3)/6 = 1/3, 2 sigma^2 = 2/9.
        // centre (y, x) = ((2-1)/2, (3-1)/2) = (0.5, 1): d^2 = 0.25 at x=1, 1.25 at x=0 and x=2.
        // weight = exp(-d^2 * 9/2): exp(-1.125) in the middle column, exp(-5.625) at the sides.
        // channel 0 values 1 2 3 / 4 5 6: (2+5) e^-1.125 + (1+3+4+6) e^-5.625
        // channel 1 values 0 0 0 / 0 -1 0: -1 * e^-1.125
        double middle = Math.exp(-1.125);
        double side = Math.exp(-5.625);
        float[] expected = {(float) (7 * middle + 14 * side), (float) -middle};
        assertArrayEquals(expected, SpocPooling.withCentrePrior().pool(map, 0, 0, 3, 2), 1e-6f);
    }

    @Test
    public void gemWithDefaultP3() {
        // channel 0: (mean of 1^3..9^3)^(1/3) = (2025/9)^(1/3) = 225^(1/3)   (sum of cubes 1..9 = 45^2)
        // channel 1: the clamp turns 0 and -1 into eps = 1e-6: ((8 + 8 * 1e-18) / 9)^(1/3) ~ (8/9)^(1/3)
        float[] expected = {(float) Math.cbrt(225), (float) Math.cbrt(8.0 / 9)};
        assertArrayEquals(expected, new GemPooling().pool(map), 1e-6f);
        assertEquals(3.0, new GemPooling().p(), 0);
        assertEquals(1e-6, new GemPooling().eps(), 0);
    }

    @Test
    public void gemClampAppliesToEveryValueBelowEps() {
        // all values <= eps: every clamped value is eps, so the mean is eps and GeM = eps
        FeatureMap tiny = new FeatureMap(1, 1, 3, new float[] {0, -5, 1e-7f});
        assertArrayEquals(new float[] {1e-6f}, new GemPooling(3).pool(tiny), 1e-12f);
        // eps = 0: {0, -5, 1e-7} clamps to {0, 0, 1e-7}: ((1e-7)^3 / 3)^(1/3) = 1e-7 / 3^(1/3)
        assertArrayEquals(new float[] {(float) (1e-7 / Math.cbrt(3))}, new GemPooling(3, 0).pool(tiny), 1e-13f);
        // eps = 0 with no positive value gives 0, not NaN
        FeatureMap nonPositive = new FeatureMap(1, 1, 3, new float[] {0, -5, -1});
        assertArrayEquals(new float[] {0f}, new GemPooling(3, 0).pool(nonPositive), 0f);
        // p = 2 on {3, 4} with eps 0.5: sqrt((9 + 16) / 2)
        FeatureMap two = new FeatureMap(1, 1, 2, new float[] {3, 4});
        assertArrayEquals(new float[] {(float) Math.sqrt(12.5)}, new GemPooling(2, 0.5).pool(two), 1e-6f);
    }

    @Test
    public void gemWithP1IsSpocOnPositiveMaps() {
        for (long seed = 1; seed <= 5; seed++) {
            float[][][] a = Maps.randomArray(6, 5, 7, seed);
            // keep every value >= eps so the clamp does not act
            for (float[][] ch : a) {
                for (float[] row : ch) {
                    for (int x = 0; x < row.length; x++) {
                        row[x] += 1e-3f;
                    }
                }
            }
            FeatureMap m = Maps.of(a);
            assertArrayEquals(new SpocPooling().pool(m), new GemPooling(1).pool(m), 1e-6f);
        }
    }

    @Test
    public void gemApproachesMacAsPGrows() {
        // For N positions: MAC * (1/N)^(1/p) <= GeM_p <= MAC (the max term alone, and every term <= max).
        FeatureMap m = Maps.of(Maps.randomArray(8, 4, 6, 42));
        float[] mac = new MacPooling().pool(m);
        int n = 4 * 6;
        double previousGap = Double.POSITIVE_INFINITY;
        for (double p : new double[] {10, 100, 1000, 10000}) {
            float[] gem = new GemPooling(p).pool(m);
            double lowerFactor = Math.pow(1.0 / n, 1.0 / p);
            double gap = 0;
            for (int c = 0; c < mac.length; c++) {
                assertTrue("GeM <= MAC", gem[c] <= mac[c] * (1 + 1e-6));
                assertTrue("GeM >= MAC * N^(-1/p)", gem[c] >= mac[c] * lowerFactor * (1 - 1e-6));
                gap = Math.max(gap, mac[c] - gem[c]);
            }
            assertTrue("gap shrinks with p", gap <= previousGap);
            previousGap = gap;
        }
        assertArrayEquals(mac, new GemPooling(1e5).pool(m), 1e-3f);
    }

    @Test
    public void gemIsMonotoneInP() {
        // power means increase with the exponent
        FeatureMap m = Maps.of(Maps.randomArray(5, 3, 4, 7));
        float[] g1 = new GemPooling(1).pool(m);
        float[] g3 = new GemPooling(3).pool(m);
        float[] g10 = new GemPooling(10).pool(m);
        for (int c = 0; c < g1.length; c++) {
            assertTrue(g1[c] <= g3[c] + 1e-6f);
            assertTrue(g3[c] <= g10[c] + 1e-6f);
        }
    }

    @Test
    public void gemValidatesParameters() {
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(0));
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(-3));
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(3, -1e-6));
        assertThrows(IllegalArgumentException.class, () -> new GemPooling(3, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SpocPooling(null));
    }

    @Test
    public void poolingARectangleEqualsPoolingACopyOfIt() {
        float[][][] a = Maps.randomArray(3, 6, 8, 11);
        FeatureMap m = Maps.of(a);
        // copy columns 2..6, rows 1..4 by hand
        float[][][] sub = new float[3][4][5];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                System.arraycopy(a[c][y + 1], 2, sub[c][y], 0, 5);
            }
        }
        FeatureMap copy = Maps.of(sub);
        for (Pooling p : new Pooling[] {new MacPooling(), new SpocPooling(), SpocPooling.withCentrePrior(), new GemPooling()}) {
            assertArrayEquals(p.toString(), p.pool(copy), p.pool(m, 2, 1, 5, 4), 0f);
        }
    }
}
