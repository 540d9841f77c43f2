package org.instanceretrieval.pooling;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.Test;

public class MultiScaleCombinationTest {

    @Test
    public void defaultScales() {
        assertEquals(List.of(1.0, 1.0 / Math.sqrt(2.0), 0.5), MultiScaleCombination.DEFAULT_SCALES);
        assertEquals(0.7071067811865475, MultiScaleCombination.DEFAULT_SCALES.get(1), 1e-15);
    }

    @Test
    public void qOneIsTheNormalisedMean() {
        // (1, 0) and (0, 1): mean (0.5, 0.5) -> (1/sqrt2, 1/sqrt2)
        float r = (float) (1 / Math.sqrt(2));
        float[] out = MultiScaleCombination.powerMean(1).combine(List.of(new float[] {1, 0}, new float[] {0, 1}));
        assertArrayEquals(new float[] {r, r}, out, 1e-7f);
        // property on random vectors (negative values allowed with q = 1)
        Random random = new Random(3);
        for (int t = 0; t < 20; t++) {
            float[] a = new float[6];
            float[] b = new float[6];
            float[] c = new float[6];
            double[] mean = new double[6];
            for (int i = 0; i < 6; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = (float) random.nextGaussian();
                c[i] = (float) random.nextGaussian();
                mean[i] = (a[i] + b[i] + c[i]) / 3.0;
            }
            double n = 0;
            for (double m : mean) {
                n += m * m;
            }
            float[] actual = MultiScaleCombination.powerMean(1).combine(List.of(a, b, c));
            for (int i = 0; i < 6; i++) {
                assertEquals(mean[i] / Math.sqrt(n), actual[i], 1e-6);
            }
        }
    }

    @Test
    public void powerMeanWithQThreeByHand() {
        // (1, 2) and (3, 0): ((1 + 27)/2)^(1/3) = 14^(1/3), ((8 + 0)/2)^(1/3) = 4^(1/3); then L2
        double x = Math.cbrt(14);
        double y = Math.cbrt(4);
        double n = Math.sqrt(x * x + y * y);
        float[] out = MultiScaleCombination.powerMean(3).combine(List.of(new float[] {1, 2}, new float[] {3, 0}));
        assertArrayEquals(new float[] {(float) (x / n), (float) (y / n)}, out, 1e-6f);
    }

    @Test
    public void qFollowsTheDefinitionsRule() {
        assertEquals(3.0, MultiScaleCombination.forPooling(new GemPooling(), false).q(), 0);
        assertEquals(2.5, MultiScaleCombination.forPooling(new GemPooling(2.5), false).q(), 0);
        assertEquals(1.0, MultiScaleCombination.forPooling(new GemPooling(), true).q(), 0);
        assertEquals(1.0, MultiScaleCombination.forPooling(new MacPooling(), false).q(), 0);
        assertEquals(1.0, MultiScaleCombination.forPooling(new RmacPooling(), false).q(), 0);
        RegionalPooling regionalGem = new RegionalPooling(new GemPooling(), new RmacRegions(), true);
        assertEquals(1.0, MultiScaleCombination.forPooling(regionalGem, false).q(), 0);
        assertEquals(MultiScaleCombination.Mode.POWER_MEAN, MultiScaleCombination.forPooling(new GemPooling(), false).mode());
    }

    @Test
    public void gpr1200SumsTheL2NormalisedScales() {
        // (3, 4) -> (0.6, 0.8); (0, 2) -> (0, 1); sum (0.6, 1.8), |.| = sqrt(0.36 + 3.24) = sqrt(3.6)
        float[] out = MultiScaleCombination.l2EachSum().combine(List.of(new float[] {3, 4}, new float[] {0, 2}));
        double n = Math.sqrt(3.6);
        assertArrayEquals(new float[] {(float) (0.6 / n), (float) (1.8 / n)}, out, 1e-6f);
        // unlike the plain mean, a scale's magnitude does not weigh: (0, 200) gives the same
        float[] scaled = MultiScaleCombination.l2EachSum().combine(List.of(new float[] {3, 4}, new float[] {0, 200}));
        assertArrayEquals(out, scaled, 1e-6f);
        assertEquals(MultiScaleCombination.Mode.L2_EACH_SUM, MultiScaleCombination.l2EachSum().mode());
    }

    @Test
    public void inputsAreNotModified() {
        float[] a = {3, 4};
        float[] b = {1, 1};
        MultiScaleCombination.l2EachSum().combine(List.of(a, b));
        MultiScaleCombination.powerMean(3).combine(List.of(a, b));
        assertArrayEquals(new float[] {3, 4}, a, 0f);
        assertArrayEquals(new float[] {1, 1}, b, 0f);
    }

    @Test
    public void zeroInputStaysZero() {
        assertArrayEquals(new float[2], MultiScaleCombination.powerMean(3).combine(List.of(new float[2], new float[2])), 0f);
        assertArrayEquals(new float[2], MultiScaleCombination.l2EachSum().combine(List.of(new float[2])), 0f);
    }

    @Test
    public void validatesInput() {
        MultiScaleCombination gem = MultiScaleCombination.powerMean(3);
        assertThrows(IllegalArgumentException.class, () -> gem.combine(List.of()));
        assertThrows(IllegalArgumentException.class, () -> gem.combine(null));
        assertThrows(IllegalArgumentException.class, () -> gem.combine(List.of(new float[2], new float[3])));
        assertThrows(IllegalArgumentException.class, () -> gem.combine(List.of(new float[] {Float.NaN, 0})));
        // a negative component cannot be raised to a power mean with q != 1 ...
        assertThrows(IllegalArgumentException.class, () -> gem.combine(List.of(new float[] {-1, 1})));
        // ... but is fine with q = 1 and with the GPR1200 sum
        MultiScaleCombination.powerMean(1).combine(List.of(new float[] {-1, 1}));
        MultiScaleCombination.l2EachSum().combine(List.of(new float[] {-1, 1}));
        assertThrows(IllegalArgumentException.class, () -> MultiScaleCombination.powerMean(0));
        assertThrows(IllegalArgumentException.class, () -> MultiScaleCombination.powerMean(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> MultiScaleCombination.forPooling(null, false));
    }
}
