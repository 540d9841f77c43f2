package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.Test;

public class RankingOrderTest {

    @Test
    public void tiesAreOrderedByIndex() {
        // scores: 0.5 at 0, 0.9 at 1, 0.5 at 2, 0.9 at 3, 0 at 4
        // -> 0.9 (indices 1, 3), 0.5 (0, 2), 0 (4)
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, RankingOrder.rank(new float[] {0.5f, 0.9f, 0.5f, 0.9f, 0f}));
    }

    @Test
    public void negativeZeroTiesWithZero() {
        assertArrayEquals(new int[] {2, 0, 1, 3}, RankingOrder.rank(new float[] {0f, -0f, 1f, -1f}));
        assertArrayEquals(new int[] {2, 0, 1, 3}, RankingOrder.rank(new float[] {-0f, 0f, 1f, -1f}));
    }

    @Test
    public void infinitiesAndNegatives() {
        float[] scores = {-2f, Float.NEGATIVE_INFINITY, 3f, Float.POSITIVE_INFINITY, -2f};
        assertArrayEquals(new int[] {3, 2, 0, 4, 1}, RankingOrder.rank(scores));
    }

    @Test
    public void emptyInput() {
        assertArrayEquals(new int[0], RankingOrder.rank(new float[0]));
    }

    @Test
    public void matchesStableSortOnRandomScoresWithManyTies() {
        Random random = new Random(7);
        for (int t = 0; t < 20; t++) {
            int n = 1 + random.nextInt(300);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values -> many ties; some negative
                scores[i] = (random.nextInt(7) - 3) / 4f;
            }
            // Reference: a comparator sort, score descending then index ascending.
            Integer[] expected = new Integer[n];
            for (int i = 0; i < n; i++) {
                expected[i] = i;
            }
            Arrays.sort(expected, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
            assertArrayEquals(Arrays.stream(expected).mapToInt(Integer::intValue).toArray(), RankingOrder.rank(scores));
        }
    }

    @Test
    public void rejectsNaNAndNull() {
        assertThrows(IllegalArgumentException.class, () -> RankingOrder.rank(new float[] {1f, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> RankingOrder.rank(null));
    }
}
