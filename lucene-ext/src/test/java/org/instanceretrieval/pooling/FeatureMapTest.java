package org.instanceretrieval.pooling;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class FeatureMapTest {

    @Test
    public void channelMajorLayout() {
        // C=2, H=2, W=3: index (c*H + y)*W + x
        float[] values = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
        FeatureMap map = new FeatureMap(2, 2, 3, values);
        assertEquals(2, map.channels());
        assertEquals(2, map.height());
        assertEquals(3, map.width());
        assertEquals(5f, map.get(0, 1, 2), 0f);
        assertEquals(13f, map.get(1, 1, 0), 0f);
        assertArrayEquals(values, map.toArray(), 0f);
    }

    @Test
    public void copiesItsInput() {
        float[] values = {1, 2, 3, 4};
        FeatureMap map = new FeatureMap(1, 2, 2, values);
        values[0] = 100;
        assertEquals(1f, map.get(0, 0, 0), 0f);
        float[] out = map.toArray();
        out[1] = 100;
        assertEquals(2f, map.get(0, 0, 1), 0f);
    }

    @Test
    public void regionIsAViewOfTheRectangle() {
        FeatureMap map = Maps.of(Maps.twoByThreeByThree());
        FeatureMap view = map.region(1, 0, 2, 2); // columns 1..2, rows 0..1
        assertEquals(2, view.channels());
        assertEquals(2, view.height());
        assertEquals(2, view.width());
        assertArrayEquals(new float[] {2, 3, 5, 6, 0, 0, -1, 0}, view.toArray(), 0f);
        // a view of a view is offset from the first view
        FeatureMap inner = view.region(new Region(1, 1, 1, 1));
        assertArrayEquals(new float[] {6, 0}, inner.toArray(), 0f);
        assertEquals(6f, inner.get(0, 0, 0), 0f);
    }

    @Test
    public void rejectsBadShapesAndValues() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(0, 1, 1, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(1, -1, 1, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(1, 1, 0, new float[0]));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> new FeatureMap(2, 2, 2, new float[7]));
        assertTrue(length.getMessage(), length.getMessage().contains("needs 8 values but got 7"));
        IllegalArgumentException nan = assertThrows(
            IllegalArgumentException.class, () -> new FeatureMap(1, 2, 2, new float[] {0, 0, Float.NaN, 0}));
        assertTrue(nan.getMessage(), nan.getMessage().contains("(c=0, y=1, x=0)"));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(1, 1, 1, new float[] {Float.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(1, 1, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMap(100_000, 100_000, 1, new float[1]));
    }

    @Test
    public void rejectsRegionsOutsideTheMap() {
        FeatureMap map = new FeatureMap(1, 2, 3, new float[6]);
        assertThrows(IllegalArgumentException.class, () -> map.region(2, 0, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> map.region(0, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> map.region(-1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> map.region(0, 0, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> map.get(0, 2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> map.get(1, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> map.region(0, 0, 2, 1).get(0, 0, 2));
    }
}
