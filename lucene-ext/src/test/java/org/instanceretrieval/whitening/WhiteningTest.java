package org.instanceretrieval.whitening;

import org.junit.Test;

import static org.instanceretrieval.whitening.PcaWhiteningTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class WhiteningTest {

    // P = [[1, 2, 0], [0, 1, -1]], m = (1, 0, 1)
    private static final float[][] P = { { 1, 2, 0 }, { 0, 1, -1 } };
    private static final float[] M = { 1, 0, 1 };
    private static final float[] X = { 2, 1, 4 };

    @Test
    public void appliesTheAffineMapThenL2() {
        Whitening w = Whitening.of(P, M);
        assertEquals(3, w.inputDimension());
        assertEquals(2, w.outputDimension());
        // x - m = (1, 1, 3); P (x - m) = (1 + 2, 1 - 3) = (3, -2); |(3, -2)| = sqrt(13)
        assertArrayEquals(new float[] { 3, -2 }, w.project(X), 0f);
        float s = (float) Math.sqrt(13);
        assertArrayEquals(new float[] { 3 / s, -2 / s }, w.apply(X), 1e-7f);
    }

    @Test
    public void foldsIntoALinearLayer() {
        Whitening w = Whitening.of(P, M);
        // b = -P m = -(1 + 0, 0 - 1) = (-1, 1); W x + b = (2 + 2, 1 - 4) + (-1, 1) = (3, -2)
        assertArrayEquals(new float[] { -1, 1 }, w.bias(), 0f);
        float[][] weight = w.weight();
        assertArrayEquals(P[0], weight[0], 0f);
        assertArrayEquals(P[1], weight[1], 0f);
        float[] b = w.bias();
        float[] folded = new float[2];
        for (int i = 0; i < 2; i++) {
            folded[i] = weight[i][0] * X[0] + weight[i][1] * X[1] + weight[i][2] * X[2] + b[i];
        }
        assertArrayEquals(w.project(X), folded, 1e-6f);
    }

    @Test
    public void firstDimensionsKeepsTheLeadingRows() {
        Whitening one = Whitening.of(P, M).firstDimensions(1);
        assertEquals(1, one.outputDimension());
        assertEquals(3, one.inputDimension());
        // first row only: 3, normalised: 1
        assertArrayEquals(new float[] { 3 }, one.project(X), 0f);
        assertArrayEquals(new float[] { 1 }, one.apply(X), 0f);
        assertEquals(Whitening.of(P, M), Whitening.of(P, M).firstDimensions(2));
    }

    @Test
    public void theMeanWhitensToZeroNotNaN() {
        assertArrayEquals(new float[2], Whitening.of(P, M).apply(M), 0f);
    }

    @Test
    public void isImmutable() {
        float[][] p = { P[0].clone(), P[1].clone() };
        float[] m = M.clone();
        Whitening w = Whitening.of(p, m);
        p[0][0] = 100;
        m[0] = 100;
        w.weight()[0][0] = 100;
        w.mean()[0] = 100;
        assertEquals(Whitening.of(P, M), w);
        assertArrayEquals(new float[] { 3, -2 }, w.project(X), 0f);
    }

    @Test
    public void rejectsInvalidInput() {
        Whitening w = Whitening.of(P, M);
        assertMessage("dimension", () -> w.apply(new float[] { 1, 2 }));
        assertMessage("non-finite", () -> w.apply(new float[] { 1, Float.NaN, 2 }));
        assertMessage("null", () -> w.apply(null));
        assertMessage("dimensions", () -> w.firstDimensions(0));
        assertMessage("dimensions", () -> w.firstDimensions(3));
        assertMessage("row 1", () -> Whitening.of(new float[][] { { 1, 2, 3 }, { 1, 2 } }, M));
        assertMessage("row 0", () -> Whitening.of(new float[][] { { 1, Float.POSITIVE_INFINITY, 3 } }, M));
        assertMessage("mean", () -> Whitening.of(P, new float[] { 0, Float.NaN, 0 }));
        assertMessage("at least one row", () -> Whitening.of(new float[0][], M));
        assertMessage("at least one dimension", () -> Whitening.of(P, new float[0]));
    }
}
