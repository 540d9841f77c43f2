package org.instanceretrieval.diffusion;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

public class DiffusionRankingTest {

    @Test
    public void topCandidatesForEarlyTruncation() {
        float[] first = { 0.2f, 0.9f, 0.2f, 0.7f, 0.2f };
        assertArrayEquals(new int[] { 1, 3, 0 }, DiffusionRanking.top(first, 3));
        assertArrayEquals(new int[] { 1, 3, 0, 2, 4 }, DiffusionRanking.top(first, 10));
        assertThrows(IllegalArgumentException.class, () -> DiffusionRanking.top(first, 0));
    }
}
