package org.instanceretrieval.pooling;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class GridPoolingTest {

    private final FeatureMap map = Maps.of(Maps.twoByThreeByThree());

    @Test
    public void oneByOneIsMac() {
        assertArrayEquals(new MacPooling().pool(map), GridPooling.oneByOne().pool(map), 0f);
        FeatureMap random = Maps.of(Maps.randomArray(4, 5, 6, 3));
        assertArrayEquals(new MacPooling().pool(random), GridPooling.oneByOne().pool(random), 0f);
    }

    @Test
    public void twoByTwoOnAnOddMapSharesTheMiddleRowAndColumn() {
        // H = W = 3, n = 2: cell 0 covers [floor(0), ceil(1.5)) = {0, 1}, cell 1 covers [floor(1.5), ceil(3)) = {1, 2}.
        // channel 0 (1..9): TL max{1,2,4,5}=5, TR max{2,3,5,6}=6, BL max{4,5,7,8}=8, BR max{5,6,8,9}=9
        // channel 1 (0 0 0 / 0 -1 0 / 0 0 2): TL max{0,0,0,-1}=0, TR 0, BL 0, BR max{-1,0,0,2}=2
        // output: cells row by row, each cell's C=2 values contiguous
        float[] expected = {5, 0, 6, 0, 8, 0, 9, 2};
        assertArrayEquals(expected, GridPooling.twoByTwo().pool(map), 0f);
        Region[] cells = GridPooling.twoByTwo().cells(3, 3);
        assertEquals(new Region(0, 0, 2, 2), cells[0]);
        assertEquals(new Region(1, 0, 2, 2), cells[1]);
        assertEquals(new Region(0, 1, 2, 2), cells[2]);
        assertEquals(new Region(1, 1, 2, 2), cells[3]);
    }

    @Test
    public void twoByTwoOnAnEvenMapTilesExactly() {
        // 1 x 2 x 4 map (H=2, W=4): cells are 1 x 2 quarters.
        // row 0: 1 7 | 3 2    row 1: 4 0 | 9 5
        FeatureMap m = new FeatureMap(1, 2, 4, new float[] {1, 7, 3, 2, 4, 0, 9, 5});
        assertArrayEquals(new float[] {7, 3, 4, 9}, GridPooling.twoByTwo().pool(m), 0f);
    }

    @Test
    public void moreCellsThanRowsStillGivesNonEmptyCells() {
        // W = 1, n = 2: both cells cover column [floor(0), ceil(0.5)) = [0, 1) and [floor(0.5), ceil(1)) = [0, 1)
        FeatureMap m = new FeatureMap(1, 2, 1, new float[] {3, 8});
        // rows: cell 0 = {0}, cell 1 = {1}; columns: both cells column 0
        assertArrayEquals(new float[] {3, 3, 8, 8}, GridPooling.twoByTwo().pool(m), 0f);
    }

    @Test
    public void cellPoolingIsPluggable() {
        // 2x2 grid of SPoC means on the 4-wide map above: (1+7)/2, (3+2)/2, (4+0)/2, (9+5)/2
        FeatureMap m = new FeatureMap(1, 2, 4, new float[] {1, 7, 3, 2, 4, 0, 9, 5});
        assertArrayEquals(new float[] {4, 2.5f, 2, 7}, new GridPooling(2, new SpocPooling()).pool(m), 0f);
    }

    @Test
    public void validatesParameters() {
        assertThrows(IllegalArgumentException.class, () -> new GridPooling(0));
        assertThrows(IllegalArgumentException.class, () -> new GridPooling(2, null));
        assertThrows(IllegalArgumentException.class, () -> GridPooling.twoByTwo().cells(0, 3));
    }
}
