package org.instanceretrieval.pooling;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.junit.Test;

public class MaxSimSimilarityTest {

    private static final List<float[]> QUERY = List.of(new float[] {1, 0}, new float[] {0, 1});
    private static final List<float[]> REFERENCE = List.of(new float[] {0.6f, 0.8f}, new float[] {1, 0}, new float[] {0.5f, -1});

    @Test
    public void sumOfBestMatchesWorkedByHand() {
        // query (1,0): dots 0.6, 1, 0.5 -> best 1
        // query (0,1): dots 0.8, 0, -1   -> best 0.8
        // sum (equation 4 sums, not a mean): 1.8
        assertEquals(1.8, MaxSimSimilarity.score(QUERY, REFERENCE), 1e-6);
    }

    @Test
    public void isNotSymmetric() {
        // reference patches as queries: (0.6,0.8) -> max(0.6, 0.8) = 0.8; (1,0) -> 1; (0.5,-1) -> max(0.5, -1) = 0.5: 2.3
        assertEquals(2.3, MaxSimSimilarity.score(REFERENCE, QUERY), 1e-6);
    }

    @Test
    public void singlePatchesReduceToTheDotProduct() {
        assertEquals(0.6 * 3 + 0.8 * -2, MaxSimSimilarity.score(List.of(new float[] {0.6f, 0.8f}), List.of(new float[] {3, -2})), 1e-6);
        // a query whose best match is negative adds a negative term
        assertEquals(-1.0, MaxSimSimilarity.score(List.of(new float[] {0, 1}), List.of(new float[] {0, -1}, new float[] {0, -2})), 1e-6);
    }

    @Test
    public void validatesInput() {
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(List.of(), REFERENCE));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(QUERY, List.of()));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(null, REFERENCE));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(QUERY, List.of(new float[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(List.of(new float[] {1, 0}, new float[] {1}), REFERENCE));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(QUERY, List.of(new float[] {Float.NaN, 0})));
        assertThrows(IllegalArgumentException.class, () -> MaxSimSimilarity.score(List.of(new float[0]), List.of(new float[0])));
    }
}
