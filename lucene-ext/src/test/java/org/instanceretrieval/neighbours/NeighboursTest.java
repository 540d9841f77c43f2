package org.instanceretrieval.neighbours;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class NeighboursTest {

    static void assertMessage(String fragment, org.junit.function.ThrowingRunnable runnable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runnable);
        assertTrue("[" + e.getMessage() + "] should mention [" + fragment + "]", e.getMessage().contains(fragment));
    }

    @Test
    public void acceptsTheRankingOrder() {
        Neighbours list = new Neighbours(new int[] { 4, 1, 2, 0 }, new float[] { 0.9f, 0.5f, 0.5f, -0.2f });
        assertEquals(4, list.size());
        assertEquals(2, list.id(2));
        assertEquals(-0.2f, list.score(3), 0f);
        assertArrayEquals(new int[] { 4, 1, 2, 0 }, list.ids());
        // -0 and 0 are one score: id order decides
        new Neighbours(new int[] { 1, 2 }, new float[] { 0f, -0f });
        new Neighbours(new int[] { 1, 2 }, new float[] { -0f, 0f });
    }

    @Test
    public void rejectsOtherOrdersAndInvalidEntries() {
        assertMessage("ranking order", () -> new Neighbours(new int[] { 1, 2 }, new float[] { 0.5f, 0.6f }));
        assertMessage("ranking order", () -> new Neighbours(new int[] { 2, 1 }, new float[] { 0.5f, 0.5f }));
        assertMessage("ranking order", () -> new Neighbours(new int[] { 1, 0 }, new float[] { 0.5f, 0.5f }));
        assertMessage("ranking order", () -> new Neighbours(new int[] { 0, 1 }, new float[] { 0.1f, 0.5f }));
        assertMessage("more than once", () -> new Neighbours(new int[] { 2, 3, 2 }, new float[] { 0.9f, 0.5f, 0.1f }));
        assertMessage("negative", () -> new Neighbours(new int[] { -1 }, new float[] { 1 }));
        assertMessage("not finite", () -> new Neighbours(new int[] { 1 }, new float[] { Float.NaN }));
        assertMessage("scores", () -> new Neighbours(new int[] { 1, 2 }, new float[] { 1 }));
        assertMessage("scores", () -> new Neighbours(new int[] { 0 }, new float[0]));
        assertMessage("null", () -> new Neighbours(null, new float[0]));
    }

    @Test
    public void topOfAScoreRow() {
        // 0:0.2 1:0.9 2:0.2 3:0.7 4:0.2 -> 1, 3, then the 0.2 tie by index: 0, 2, 4
        float[] row = { 0.2f, 0.9f, 0.2f, 0.7f, 0.2f };
        Neighbours top3 = Neighbours.top(row, 3);
        assertArrayEquals(new int[] { 1, 3, 0 }, top3.ids());
        assertArrayEquals(new float[] { 0.9f, 0.7f, 0.2f }, top3.scores(), 0f);
        assertArrayEquals(new int[] { 1, 3, 0, 2, 4 }, Neighbours.top(row, 10).ids());
        assertEquals(0, Neighbours.top(row, 0).size());
        assertEquals(top3, new Neighbours(new int[] { 1, 3, 0 }, new float[] { 0.9f, 0.7f, 0.2f }));
        assertMessage("non-finite", () -> Neighbours.top(new float[] { 1, Float.NaN }, 1));
        assertMessage("neighbours", () -> Neighbours.top(row, -1));
    }
}
