package org.instanceretrieval.pooling;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class RmacRegionsTest {

    private static int[] countsPerLevel(int width, int height) {
        List<List<Region>> byLevel = new RmacRegions().regionsByLevel(width, height);
        int[] counts = new int[byLevel.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = byLevel.get(i).size();
        }
        return counts;
    }

    @Test
    public void countsFromTheDefinitions() {
        // 24x32 (H=24, W=32): 2/6/12 per level, 20 regions (+ global = 21)
        org.junit.Assert.assertArrayEquals(new int[] {2, 6, 12}, countsPerLevel(32, 24));
        assertEquals(20, new RmacRegions().regions(32, 24).size());
        // 32x32: 1/4/9, 14 regions (+ global = 15)
        org.junit.Assert.assertArrayEquals(new int[] {1, 4, 9}, countsPerLevel(32, 32));
        assertEquals(14, new RmacRegions().regions(32, 32).size());
    }

    @Test
    public void exactRegionsOf24By32WorkedByHand() {
        // H = 24, W = 32: w = 24, long - short = 8.
        // steps k=2: b = 8, overlap (576 - 24*8)/576 = 0.667 (distance 0.267); k=3: b = 4, overlap 0.833;
        // larger k only increase the overlap -> k = 2, idx = 0, H < W so Wd = 1, Hd = 0.
        // level 1: wl = floor(48/2) = 24, wl2 = floor(12 - 1) = 11
        //   columns: l+Wd = 2, bW = (32-24)/1 = 8: floor(11+0)-11 = 0, floor(11+8)-11 = 8
        //   rows:    l+Hd = 1, bH = 0: 0
        // level 2: wl = floor(48/3) = 16, wl2 = floor(8 - 1) = 7
        //   columns: 3, bW = (32-16)/2 = 8: 0, 8, 16;  rows: 2, bH = (24-16)/1 = 8: 0, 8
        // level 3: wl = floor(48/4) = 12, wl2 = floor(6 - 1) = 5
        //   columns: 4, bW = (32-12)/3 = 6.667: floor(5)-5 = 0, floor(11.667)-5 = 6, floor(18.333)-5 = 13, floor(25)-5 = 20
        //   rows:    3, bH = (24-12)/2 = 6: 0, 6, 12
        List<Region> expected = List.of(
            sq(0, 0, 24), sq(8, 0, 24),
            sq(0, 0, 16), sq(8, 0, 16), sq(16, 0, 16),
            sq(0, 8, 16), sq(8, 8, 16), sq(16, 8, 16),
            sq(0, 0, 12), sq(6, 0, 12), sq(13, 0, 12), sq(20, 0, 12),
            sq(0, 6, 12), sq(6, 6, 12), sq(13, 6, 12), sq(20, 6, 12),
            sq(0, 12, 12), sq(6, 12, 12), sq(13, 12, 12), sq(20, 12, 12));
        assertEquals(expected, new RmacRegions().regions(32, 24));
    }

    @Test
    public void tallMapIsTheTransposeOfTheWideOne() {
        List<Region> wide = new RmacRegions().regions(32, 24);
        List<Region> tall = new RmacRegions().regions(24, 32);
        assertEquals(wide.size(), tall.size());
        for (Region r : wide) {
            assertTrue(r + " transposed", tall.contains(new Region(r.y(), r.x(), r.height(), r.width())));
        }
    }

    @Test
    public void tieBetweenStepsGoesToTheFirstAsInCirtorch() {
        // H = 9, W = 5: w = 5, long - short = 4.
        // k=2: b = 4, overlap (25-20)/25 = 0.2; k=3: b = 2, overlap (25-10)/25 = 0.6: both 0.2 from 0.4.
        // cirtorch's float32 arithmetic gives 0.2000000030 vs 0.2000000179 (0.2f, 0.6f, 0.4f), so k = 2 wins,
        // which is also "first among equals": idx = 0, H > W so Hd = 1. (A float64 port picks k = 3: 26 regions.)
        // level 1: wl = 5, wl2 = floor(2.5-1) = 1; rows 2, bH = (9-5)/1 = 4: 0, 4; columns 1: 0
        // level 2: wl = floor(10/3) = 3, wl2 = floor(1.5-1) = 0; rows 3, bH = (9-3)/2 = 3: 0, 3, 6;
        //          columns 2, bW = (5-3)/1 = 2: 0, 2
        // level 3: wl = floor(10/4) = 2, wl2 = floor(1-1) = 0; rows 4, bH = (9-2)/3 = 2.333: 0, 2, 4, 7
        //          (3 * float32(7/3) = 6.99999976 rounds half-to-even to 7.0f, exactly 7 as in exact arithmetic);
        //          columns 3, bW = (5-2)/2 = 1.5: 0, 1, 3
        List<Region> expected = List.of(
            sq(0, 0, 5), sq(0, 4, 5),
            sq(0, 0, 3), sq(2, 0, 3), sq(0, 3, 3), sq(2, 3, 3), sq(0, 6, 3), sq(2, 6, 3),
            sq(0, 0, 2), sq(1, 0, 2), sq(3, 0, 2),
            sq(0, 2, 2), sq(1, 2, 2), sq(3, 2, 2),
            sq(0, 4, 2), sq(1, 4, 2), sq(3, 4, 2),
            sq(0, 7, 2), sq(1, 7, 2), sq(3, 7, 2));
        assertEquals(expected, new RmacRegions().regions(5, 9));
        assertEquals(1, RmacRegions.extraRegionsAlongLongSide(5, 9));
    }

    @Test
    public void float32TieBreakBetweenFiveAndSixSteps() {
        // H = 3, W = 11: w = 3, long - short = 8. Exactly: k=5 gives overlap 1 - 2/3 = 1/3 and k=6 gives
        // 1 - 1.6/3 = 7/15, both 1/15 from 0.4. In cirtorch's float32: k=5 overlap 0.33333334f, distance
        // |0.33333334f - 0.4f| = 0.06666666f; k=6: b = 0.2f * 8 = 1.6f, (9 - 4.8f)/9 = 0.46666664f, distance
        // 0.06666663f: k = 6 is (barely) closer, so Wd = 5 -- not the first of the exact tie.
        assertEquals(5, RmacRegions.extraRegionsAlongLongSide(11, 3));
    }

    @Test
    public void smallSquareMapRepeatsRegionsAtLevelThree() {
        // 2x2: level 1 wl = 2 (whole map); level 2 wl = floor(4/3) = 1, wl2 = floor(-0.5) = -1, b = 1: starts 0, 1;
        // level 3 wl = 1, wl2 = -1, b = (2-1)/2 = 0.5: floor(-1)+1 = 0, floor(-0.5)+1 = 0, floor(0)+1 = 1.
        List<List<Region>> byLevel = new RmacRegions().regionsByLevel(2, 2);
        assertEquals(List.of(sq(0, 0, 2)), byLevel.get(0));
        assertEquals(List.of(sq(0, 0, 1), sq(1, 0, 1), sq(0, 1, 1), sq(1, 1, 1)), byLevel.get(1));
        assertEquals(
            List.of(sq(0, 0, 1), sq(0, 0, 1), sq(1, 0, 1), sq(0, 0, 1), sq(0, 0, 1), sq(1, 0, 1), sq(0, 1, 1), sq(0, 1, 1), sq(1, 1, 1)),
            byLevel.get(2));
    }

    @Test
    public void levelsWithAZeroSideAreEmpty() {
        // H = 1, W = 6: w = 1; levels >= 2 have wl = floor(2/(l+1)) = 0 and give no region (cirtorch skips them).
        // k=7: b = 5/6, overlap 1/6 (distance 0.233) is the closest (k=2..6 give negative overlaps) -> Wd = 6.
        // level 1: wl = 1, wl2 = floor(0.5-1) = -1, 7 columns, bW = (6-1)/6: floor(-1 + i*5/6) + 1 = 0,0,1,2,3,4,5
        List<List<Region>> byLevel = new RmacRegions().regionsByLevel(6, 1);
        assertEquals(
            List.of(sq(0, 0, 1), sq(0, 0, 1), sq(1, 0, 1), sq(2, 0, 1), sq(3, 0, 1), sq(4, 0, 1), sq(5, 0, 1)),
            byLevel.get(0));
        assertTrue(byLevel.get(1).isEmpty());
        assertTrue(byLevel.get(2).isEmpty());
        assertEquals(1, new RmacRegions().regions(1, 1).size());
    }

    @Test
    public void regionsAlwaysFitInTheMap() {
        RmacRegions rmac = new RmacRegions(5);
        for (int h = 1; h <= 40; h++) {
            for (int w = 1; w <= 40; w++) {
                List<Region> regions = rmac.regions(w, h);
                assertTrue(regions.size() >= 1);
                for (Region r : regions) {
                    assertTrue(w + "x" + h + " " + r, r.right() <= w && r.bottom() <= h);
                    assertEquals(r.width(), r.height());
                }
            }
        }
    }

    @Test
    public void validatesParameters() {
        assertThrows(IllegalArgumentException.class, () -> new RmacRegions(0));
        assertThrows(IllegalArgumentException.class, () -> new RmacRegions().regions(0, 5));
        assertEquals(3, new RmacRegions().levels());
    }

    private static Region sq(int x, int y, int side) {
        return new Region(x, y, side, side);
    }
}
