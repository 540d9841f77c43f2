package org.instanceretrieval.diffusion;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

public class DiffusionRankingTest {

    @Test
    public void scoreDescendingThenIndexAscending() {
        // 1.0 first; 0.5 at 0 and 2; the zeros (including -0.0 at 3) by index: 1, 3, 5
        double[] f = { 0.5, 0.0, 0.5, -0.0, 1.0, 0.0, -0.25 };
        assertArrayEquals(new int[] { 4, 0, 2, 1, 3, 5, 6 }, DiffusionRanking.order(f));
    }

    @Test
    public void topCandidatesForEarlyTruncation() {
        float[] first = { 0.2f, 0.9f, 0.2f, 0.7f, 0.2f };
        assertArrayEquals(new int[] { 1, 3, 0 }, DiffusionRanking.top(first, 3));
        assertArrayEquals(new int[] { 1, 3, 0, 2, 4 }, DiffusionRanking.top(first, 10));
        assertThrows(IllegalArgumentException.class, () -> DiffusionRanking.top(first, 0));
    }

    @Test
    public void rejectsNaN() {
        assertThrows(IllegalArgumentException.class, () -> DiffusionRanking.order(new double[] { 1, Double.NaN }));
    }
}
