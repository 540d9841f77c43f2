package org.instanceretrieval.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

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
        assertThrows(IllegalArgumentException.class, () -> RankingOrder.rank((float[]) null));
        assertThrows(IllegalArgumentException.class, () -> RankingOrder.rank(new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> RankingOrder.rank((double[]) null));
    }

    @Test
    public void doubleScoresScoreDescendingThenIndexAscending() {
        // (moved from the diffusion ranking) 1.0 first; 0.5 at 0 and 2; the zeros (including
        // -0.0 at 3) by index: 1, 3, 5; then -0.25
        double[] f = {0.5, 0.0, 0.5, -0.0, 1.0, 0.0, -0.25};
        assertArrayEquals(new int[] {4, 0, 2, 1, 3, 5, 6}, RankingOrder.rank(f));
    }

    @Test
    public void doubleRankAgreesWithFloatRankOnFloatValues() {
        Random random = new Random(11);
        float[] scores = new float[200];
        double[] asDouble = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (random.nextInt(9) - 4) / 8f;
            asDouble[i] = scores[i];
        }
        assertArrayEquals(RankingOrder.rank(scores), RankingOrder.rank(asDouble));
    }

    @Test
    public void ranksBeforeIsTheStrictRule() {
        assertTrue(RankingOrder.ranksBefore(0.9f, 5, 0.5f, 1));
        assertTrue(RankingOrder.ranksBefore(0.5f, 1, 0.5f, 2));
        assertFalse(RankingOrder.ranksBefore(0.5f, 2, 0.5f, 2));
        assertFalse(RankingOrder.ranksBefore(-0f, 3, 0f, 1));
        assertTrue(RankingOrder.ranksBefore(-0f, 1, 0f, 3));
        assertTrue(RankingOrder.ranksBefore(0.0, 1, -0.0, 3));
        assertFalse(RankingOrder.ranksBefore(0.1, 0, 0.2, 9));
    }
}
