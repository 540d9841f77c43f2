package org.instanceretrieval.pooling;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.Test;

/** R-MAC and its regional generalisation. */
public class RegionalPoolingTest {

    /**
     * 2 channels x 2 x 2. MAC of the single cells (channel 0, channel 1):
     * (y0,x0) = (3, 0) -> unit (1, 0); (y0,x1) = (0, 4) -> (0, 1); (y1,x0) = (0, 0) -> zero; (y1,x1) = (0, 1) -> (0, 1).
     * Whole-map MAC (3, 4) -> unit (0.6, 0.8).
     */
    private static final float[][][] TWO_BY_TWO = {
        {{3, 0}, {0, 0}},
        {{0, 4}, {0, 1}}};

    @Test
    public void rmacOfATwoByTwoMapWorkedByHand() {
        // Regions of a 2x2 map (RmacRegionsTest.smallSquareMapRepeatsRegionsAtLevelThree):
        //   level 1: the whole map -> (0.6, 0.8)
        //   level 2: the four cells -> (1,0) + (0,1) + 0 + (0,1) = (1, 2)
        //   level 3: starts {0,0,1} x {0,0,1}: cell (0,0) four times, (0,1) twice, (1,0) twice, (1,1) once
        //            -> 4*(1,0) + 2*(0,1) + 2*0 + 1*(0,1) = (4, 3)
        //   global:  (0.6, 0.8)
        // with global: (0.6,0.8) + (0.6,0.8) + (1,2) + (4,3) = (6.2, 6.6), |.| = sqrt(38.44 + 43.56) = sqrt(82)
        // without:     (5.6, 5.8), |.| = sqrt(31.36 + 33.64) = sqrt(65)
        FeatureMap map = Maps.of(TWO_BY_TWO);
        float[] withGlobal = {(float) (6.2 / Math.sqrt(82)), (float) (6.6 / Math.sqrt(82))};
        float[] withoutGlobal = {(float) (5.6 / Math.sqrt(65)), (float) (5.8 / Math.sqrt(65))};
        // exact L2 (eps = 0): 1e-6
        assertArrayEquals(withGlobal, new RmacPooling().asRegionalPooling().withL2Epsilon(0).pool(map), 1e-6f);
        assertArrayEquals(withoutGlobal, new RmacPooling(3, false).asRegionalPooling().withL2Epsilon(0).pool(map), 1e-6f);
        // cirtorch's x / (|x| + 1e-6) shifts unit vectors by ~1e-6 relative
        assertArrayEquals(withGlobal, new RmacPooling().pool(map), 1e-5f);
        assertArrayEquals(withoutGlobal, new RmacPooling(3, false).pool(map), 1e-5f);
    }

    @Test
    public void rmacMatchesASimpleReferenceOnRandomMaps() {
        int[][] shapes = {{5, 7, 9}, {4, 9, 5}, {3, 24, 32}, {6, 6, 6}, {2, 1, 6}, {3, 11, 4}};
        long seed = 100;
        for (int[] shape : shapes) {
            float[][][] a = Maps.randomArray(shape[0], shape[1], shape[2], seed++);
            FeatureMap map = Maps.of(a);
            for (int levels = 1; levels <= 4; levels++) {
                for (boolean global : new boolean[] {true, false}) {
                    double[] expected = referenceRmac(a, levels, global, 1e-6);
                    float[] actual = new RmacPooling(levels, global).pool(map);
                    String what = shape[0] + "x" + shape[1] + "x" + shape[2] + " L=" + levels + " global=" + global;
                    assertEquals(what, expected.length, actual.length);
                    for (int c = 0; c < expected.length; c++) {
                        assertEquals(what + " channel " + c, expected[c], actual[c], 1e-6);
                    }
                }
            }
        }
    }

    @Test
    public void regionalGemUsesGemPerRegion() {
        // Same reference with GeM p=3 in place of MAC (the definitions' regional generalisation).
        float[][][] a = Maps.randomArray(5, 7, 9, 7);
        RegionalPooling regionalGem = new RegionalPooling(new GemPooling(3), new RmacRegions(), true);
        double[] expected = referenceRegional(a, 3, true, 1e-6, RegionalPoolingTest::gem3);
        float[] actual = regionalGem.pool(Maps.of(a));
        for (int c = 0; c < expected.length; c++) {
            assertEquals(expected[c], actual[c], 1e-6);
        }
    }

    @Test
    public void perRegionTransformIsAppliedToEveryRegionBeforeTheSum() {
        // A transform that reverses the vector commutes with L2 and with the sum, so the result is the reversed R-MAC.
        FeatureMap map = Maps.of(Maps.randomArray(4, 6, 8, 5));
        float[] rmac = new RmacPooling().pool(map);
        UnaryOperator<float[]> reverse = v -> {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = v[v.length - 1 - i];
            }
            return r;
        };
        float[] transformed = new RmacPooling().asRegionalPooling().withRegionTransform(reverse).pool(map);
        for (int i = 0; i < rmac.length; i++) {
            assertEquals(rmac[rmac.length - 1 - i], transformed[i], 1e-6f);
        }
    }

    @Test
    public void perRegionTransformMayChangeTheDimension() {
        // keep the first channel only: every region contributes L2(first component) = 1 (all values > 0),
        // so the sum is positive and the L2-normalised 1-d output is 1 (up to the 1e-6 epsilon)
        FeatureMap map = Maps.of(Maps.randomArray(3, 5, 5, 9));
        float[] out = new RmacPooling().asRegionalPooling().withRegionTransform(v -> new float[] {v[0]}).pool(map);
        assertEquals(1, out.length);
        assertEquals(1f, out[0], 1e-5f);
    }

    @Test
    public void transformErrorsAreReported() {
        FeatureMap map = Maps.of(Maps.randomArray(3, 5, 5, 9));
        RegionalPooling rp = new RmacPooling().asRegionalPooling();
        assertThrows(IllegalArgumentException.class, () -> rp.withRegionTransform(v -> new float[] {Float.NaN, 0, 0}).pool(map));
        assertThrows(IllegalArgumentException.class, () -> rp.withRegionTransform(v -> null).pool(map));
        int[] calls = {0};
        assertThrows(IllegalArgumentException.class, () -> rp.withRegionTransform(v -> new float[++calls[0]]).pool(map));
    }

    @Test
    public void zeroMapGivesZeroNotNaN() {
        FeatureMap zero = new FeatureMap(3, 4, 5, new float[60]);
        assertArrayEquals(new float[3], new RmacPooling().pool(zero), 0f);
        assertArrayEquals(new float[3], new RmacPooling().asRegionalPooling().withL2Epsilon(0).pool(zero), 0f);
    }

    @Test
    public void poolingARectangleUsesTheRegionsOfTheRectangle() {
        float[][][] a = Maps.randomArray(3, 8, 10, 21);
        float[][][] sub = new float[3][5][7];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                System.arraycopy(a[c][y + 2], 1, sub[c][y], 0, 7);
            }
        }
        assertArrayEquals(new RmacPooling().pool(Maps.of(sub)), new RmacPooling().pool(Maps.of(a), 1, 2, 7, 5), 0f);
    }

    @Test
    public void validatesParameters() {
        assertThrows(IllegalArgumentException.class, () -> new RegionalPooling(null, new RmacRegions(), true));
        assertThrows(IllegalArgumentException.class, () -> new RegionalPooling(new MacPooling(), null, true));
        assertThrows(IllegalArgumentException.class, () -> new RmacPooling(0, true));
        RegionalPooling rp = new RmacPooling().asRegionalPooling();
        assertThrows(IllegalArgumentException.class, () -> rp.withL2Epsilon(-1f));
        assertThrows(IllegalArgumentException.class, () -> rp.withL2Epsilon(Float.NaN));
        RegionalPooling noRegions = new RegionalPooling(new MacPooling(), (w, h) -> List.of(), false);
        assertThrows(IllegalArgumentException.class, () -> noRegions.pool(new FeatureMap(1, 1, 1, new float[1])));
        RegionalPooling outside = new RegionalPooling(new MacPooling(), (w, h) -> List.of(new Region(0, 0, w + 1, h)), false);
        assertThrows(IllegalArgumentException.class, () -> outside.pool(new FeatureMap(1, 2, 2, new float[4])));
        assertEquals(1e-6f, rp.l2Epsilon(), 0f);
        assertEquals(3, new RmacPooling().levels());
        assertEquals(true, new RmacPooling().includesGlobal());
    }

    // ---------------------------------------------------------------------------------------
    // Deliberately simple reference, written from the definitions independently of the code:
    // region rules in exact rational arithmetic (ties to the first step), doubles throughout.
    // ---------------------------------------------------------------------------------------

    /** Pools the rectangle [x0, x0+width) x [y0, y0+height) of a[c][y][x] into C doubles. */
    interface RegionPool {
        double[] pool(float[][][] a, int x0, int y0, int width, int height);
    }

    static double[] referenceRmac(float[][][] a, int levels, boolean global, double eps) {
        return referenceRegional(a, levels, global, eps, RegionalPoolingTest::mac);
    }

    static double[] referenceRegional(float[][][] a, int levels, boolean global, double eps, RegionPool pool) {
        int h = a[0].length;
        int w = a[0][0].length;
        double[] sum = new double[a.length];
        if (global) {
            add(sum, normalized(pool.pool(a, 0, 0, w, h), eps));
        }
        for (int[] r : referenceRegions(w, h, levels)) {
            add(sum, normalized(pool.pool(a, r[0], r[1], r[2], r[2]), eps));
        }
        return normalized(sum, eps);
    }

    /** Regions as {x, y, side}, from the definitions, in exact arithmetic. */
    static List<int[]> referenceRegions(int width, int height, int levels) {
        int w = Math.min(width, height);
        int longMinusShort = Math.max(width, height) - w;
        // overlap(k) = 1 - b/w with b = D/(k-1); distance to 0.4 = |0.6 - D/(w(k-1))| = |3w(k-1) - 5D| / (5w(k-1))
        int bestK = 2;
        for (int k = 3; k <= 7; k++) {
            long lhs = Math.abs(3L * w * (k - 1) - 5L * longMinusShort) * (5L * w * (bestK - 1));
            long rhs = Math.abs(3L * w * (bestK - 1) - 5L * longMinusShort) * (5L * w * (k - 1));
            if (lhs < rhs) {
                bestK = k;
            }
        }
        int wd = height < width ? bestK - 1 : 0;
        int hd = height > width ? bestK - 1 : 0;
        List<int[]> regions = new ArrayList<>();
        for (int l = 1; l <= levels; l++) {
            int wl = (2 * w) / (l + 1);
            if (wl == 0) {
                continue;
            }
            int wl2 = Math.floorDiv(wl - 2, 2); // floor(wl/2 - 1)
            int nx = l + wd;
            int ny = l + hd;
            for (int j = 0; j < ny; j++) {
                // floor(wl2 + j * (H - wl)/(ny - 1)) - wl2, exactly
                int y = ny == 1 ? 0 : Math.floorDiv(wl2 * (ny - 1) + j * (height - wl), ny - 1) - wl2;
                for (int i = 0; i < nx; i++) {
                    int x = nx == 1 ? 0 : Math.floorDiv(wl2 * (nx - 1) + i * (width - wl), nx - 1) - wl2;
                    regions.add(new int[] {x, y, wl});
                }
            }
        }
        return regions;
    }

    static double[] mac(float[][][] a, int x0, int y0, int width, int height) {
        double[] v = new double[a.length];
        for (int c = 0; c < a.length; c++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int y = y0; y < y0 + height; y++) {
                for (int x = x0; x < x0 + width; x++) {
                    m = Math.max(m, a[c][y][x]);
                }
            }
            v[c] = m;
        }
        return v;
    }

    static double[] gem3(float[][][] a, int x0, int y0, int width, int height) {
        double[] v = new double[a.length];
        for (int c = 0; c < a.length; c++) {
            double s = 0;
            for (int y = y0; y < y0 + height; y++) {
                for (int x = x0; x < x0 + width; x++) {
                    s += Math.pow(Math.max(a[c][y][x], 1e-6), 3);
                }
            }
            v[c] = Math.cbrt(s / (width * height));
        }
        return v;
    }

    static double[] normalized(double[] v, double eps) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        double scale = 1 / (Math.sqrt(n) + eps);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }

    static void add(double[] acc, double[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }
}
