package org.instanceretrieval.expansion;

import org.junit.Test;

import static org.instanceretrieval.expansion.AlphaQueryExpansionTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class NeighbourListTest {

    @Test
    public void acceptsTheRankingOrder() {
        NeighbourList list = new NeighbourList(new int[] { 4, 1, 2, 0 }, new float[] { 0.9f, 0.5f, 0.5f, -0.2f });
        assertEquals(4, list.size());
        assertEquals(2, list.id(2));
        assertEquals(-0.2f, list.score(3), 0f);
        assertArrayEquals(new int[] { 4, 1, 2, 0 }, list.ids());
    }

    @Test
    public void rejectsOtherOrdersAndInvalidEntries() {
        assertMessage("ranking order", () -> new NeighbourList(new int[] { 1, 2 }, new float[] { 0.5f, 0.6f }));
        assertMessage("ranking order", () -> new NeighbourList(new int[] { 2, 1 }, new float[] { 0.5f, 0.5f }));
        assertMessage("more than once", () -> new NeighbourList(new int[] { 2, 3, 2 }, new float[] { 0.9f, 0.5f, 0.1f }));
        assertMessage("negative", () -> new NeighbourList(new int[] { -1 }, new float[] { 1 }));
        assertMessage("not finite", () -> new NeighbourList(new int[] { 1 }, new float[] { Float.NaN }));
        assertMessage("scores", () -> new NeighbourList(new int[] { 1, 2 }, new float[] { 1 }));
    }
}
