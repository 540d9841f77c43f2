package org.instanceretrieval.math;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class VectorMathTest {

    @Test
    public void normalisesByTheEuclideanNorm() {
        // |(3, 4)| = 5
        assertArrayEquals(new float[] { 0.6f, 0.8f }, VectorMath.l2Normalized(new float[] { 3, 4 }), 1e-7f);
        assertEquals(5f, VectorMath.norm(new float[] { 3, 4 }), 0f);
    }

    @Test
    public void dotInDoubleRoundsOnlyOnce() {
        // 1e8 + 1 - 1e8 = 1 in double; a float accumulator loses the 1 (1e8 + 1 rounds back to 1e8)
        float[] a = { 1e8f, 1f, -1e8f };
        float[] ones = { 1f, 1f, 1f };
        assertEquals(1f, VectorMath.dotInDouble(a, ones), 0f);
        assertEquals(0.5f * 3 + 2f * -1, VectorMath.dotInDouble(new float[] { 0.5f, 2f }, new float[] { 3f, -1f }), 0f);
        assertThrows(IllegalArgumentException.class, () -> VectorMath.dotInDouble(new float[2], new float[3]));
    }

    @Test
    public void zeroVectorStaysZero() {
        assertArrayEquals(new float[] { 0, 0, 0 }, VectorMath.l2Normalized(new float[3]), 0f);
    }

    @Test
    public void addScaledAccumulates() {
        float[] acc = { 1, 2 };
        VectorMath.addScaled(acc, 0.5f, new float[] { 4, -2 });
        assertArrayEquals(new float[] { 3, 1 }, acc, 0f);
    }

    @Test
    public void rejectsNaNAndDimensionMismatch() {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> VectorMath.requireFinite(new float[] { 1, Float.NaN }, "query_vector"));
        assertEquals("query_vector has a non-finite value [NaN] at index 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorMath.addScaled(new float[2], 1, new float[3]));
    }
}
