package org.instanceretrieval.pooling;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Random;
import org.instanceretrieval.pooling.MultiResolutionPatches.PatchSide;
import org.junit.Test;

public class MultiResolutionPatchesTest {

    @Test
    public void patchCountsForOneToFourLevels() {
        int[] expected = {1, 5, 14, 30}; // 1, 1+4, 1+4+9, 1+4+9+16
        for (int levels = 1; levels <= 4; levels++) {
            assertEquals(expected[levels - 1], MultiResolutionPatches.patchCount(levels));
            for (PatchSide side : PatchSide.values()) {
                assertEquals(expected[levels - 1], new MultiResolutionPatches(levels, side).patches(600, 400).size());
            }
        }
        assertEquals(30, new MultiResolutionPatches().patches(724, 724).size());
        assertEquals(4, new MultiResolutionPatches().levels());
    }

    @Test
    public void geometryOf600By400WorkedByHand() {
        // W = 600, H = 400, min = 400. Centres at (i*W/(l+1), j*H/(l+1)); side S = floor(2*400/(l+1));
        // left = floor(cx - S/2), top = floor(cy - S/2).
        MultiResolutionPatches mr = new MultiResolutionPatches(4, PatchSide.MIN_SIDE_SQUARE);
        // l=1: S = 400, centre (300, 200): left 100, top 0
        assertEquals(List.of(new Region(100, 0, 400, 400)), mr.level(1, 600, 400));
        // l=2: S = floor(800/3) = 266 (S/2 = 133); cx = 200, 400 -> 67, 267; cy = 133.33, 266.67 -> floor(0.33) = 0, floor(133.67) = 133
        assertEquals(
            List.of(sq(67, 0, 266), sq(267, 0, 266), sq(67, 133, 266), sq(267, 133, 266)),
            mr.level(2, 600, 400));
        // l=3: S = 200; cx = 150, 300, 450 -> 50, 200, 350; cy = 100, 200, 300 -> 0, 100, 200
        assertEquals(
            List.of(
                sq(50, 0, 200), sq(200, 0, 200), sq(350, 0, 200),
                sq(50, 100, 200), sq(200, 100, 200), sq(350, 100, 200),
                sq(50, 200, 200), sq(200, 200, 200), sq(350, 200, 200)),
            mr.level(3, 600, 400));
        // l=4: S = 160; cx = 120, 240, 360, 480 -> 40, 160, 280, 400; cy = 80, 160, 240, 320 -> 0, 80, 160, 240
        List<Region> level4 = mr.level(4, 600, 400);
        assertEquals(16, level4.size());
        assertEquals(sq(40, 0, 160), level4.get(0));
        assertEquals(sq(400, 0, 160), level4.get(3));
        assertEquals(sq(160, 80, 160), level4.get(5));
        assertEquals(sq(400, 240, 160), level4.get(15));
        // levels are concatenated in order
        List<Region> all = mr.patches(600, 400);
        assertEquals(mr.level(1, 600, 400).get(0), all.get(0));
        assertEquals(mr.level(2, 600, 400).get(0), all.get(1));
        assertEquals(level4.get(15), all.get(29));
    }

    @Test
    public void paperVariantCropsLongSideSquaresToTheImage() {
        // W = 600, H = 400, max = 600. l=1: S = 600, centre (300, 200): x 0..600, y -100..500 cropped to 0..400
        MultiResolutionPatches paper = new MultiResolutionPatches(2, PatchSide.PAPER_MAX_SIDE_CROPPED);
        assertEquals(List.of(new Region(0, 0, 600, 400)), paper.level(1, 600, 400));
        // l=2: S = 400; cx = 200, 400 -> x 0..400, 200..600;
        //      cy = 133.33 -> top floor(-66.67) = -67, bottom 333 -> 0..333; cy = 266.67 -> top floor(66.67) = 66, bottom 466 -> 66..400
        assertEquals(
            List.of(
                new Region(0, 0, 400, 333), new Region(200, 0, 400, 333),
                new Region(0, 66, 400, 334), new Region(200, 66, 400, 334)),
            paper.level(2, 600, 400));
        // on a square image the two variants agree
        MultiResolutionPatches min = new MultiResolutionPatches(4, PatchSide.MIN_SIDE_SQUARE);
        MultiResolutionPatches max = new MultiResolutionPatches(4, PatchSide.PAPER_MAX_SIDE_CROPPED);
        assertEquals(min.patches(500, 500), max.patches(500, 500));
    }

    @Test
    public void minSidePatchesAreSquaresInsideTheImage() {
        Random random = new Random(17);
        MultiResolutionPatches mr = new MultiResolutionPatches(4, PatchSide.MIN_SIDE_SQUARE);
        for (int t = 0; t < 500; t++) {
            int w = 3 + random.nextInt(1000);
            int h = 3 + random.nextInt(1000);
            for (int l = 1; l <= 4; l++) {
                int side = 2 * Math.min(w, h) / (l + 1);
                for (Region r : mr.level(l, w, h)) {
                    assertEquals(side, r.width());
                    assertEquals(side, r.height());
                    assertTrue(w + "x" + h + " " + r, r.right() <= w && r.bottom() <= h);
                }
            }
        }
    }

    @Test
    public void tooSmallImagesAreRejected() {
        // min side 2: level 4 side floor(4/5) = 0
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionPatches().patches(100, 2));
        assertEquals(14, new MultiResolutionPatches(3, PatchSide.MIN_SIDE_SQUARE).patches(100, 2).size());
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionPatches().patches(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionPatches(0, PatchSide.MIN_SIDE_SQUARE));
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionPatches(2, null));
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionPatches().level(5, 100, 100));
        assertThrows(IllegalArgumentException.class, () -> MultiResolutionPatches.patchCount(0));
    }

    @Test
    public void queryJitter() {
        // none: one patch, the whole query image
        assertEquals(0, QueryJitter.none().levels());
        assertEquals(List.of(new Region(0, 0, 640, 480)), QueryJitter.none().patches(640, 480));
        // Jtr 2x2 and 3x3: the multi-resolution layout with 2 and 3 levels, 5 and 14 patches
        assertEquals(5, QueryJitter.levels(2).patches(640, 480).size());
        assertEquals(14, QueryJitter.levels(QueryJitter.PAPER_LEVELS).patches(640, 480).size());
        assertEquals(
            new MultiResolutionPatches(3, PatchSide.MIN_SIDE_SQUARE).patches(640, 480),
            QueryJitter.levels(3).patches(640, 480));
        assertEquals(
            new MultiResolutionPatches(2, PatchSide.PAPER_MAX_SIDE_CROPPED).patches(640, 480),
            QueryJitter.levels(2, PatchSide.PAPER_MAX_SIDE_CROPPED).patches(640, 480));
        assertThrows(IllegalArgumentException.class, () -> QueryJitter.levels(0));
        assertThrows(IllegalArgumentException.class, () -> QueryJitter.none().patches(0, 10));
    }

    private static Region sq(int x, int y, int side) {
        return new Region(x, y, side, side);
    }
}
