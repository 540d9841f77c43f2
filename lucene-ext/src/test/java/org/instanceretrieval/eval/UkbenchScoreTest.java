package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class UkbenchScoreTest {

    @Test
    public void workedCase() {
        // 8 images, groups {0,1,2,3} and {4,5,6,7}; counts of same-group images in the top 4, self included
        int[][] rankings = {
            {0, 1, 2, 3, 4},    // 4
            {1, 4, 0, 5},       // 1, 0 -> 2
            {4, 5, 6, 7},       // 0
            {3, 2},             // short ranking: 3, 2 -> 2
            {4, 5, 6, 7, 0},    // 4
            {0, 1, 5, 2, 3},    // 5 -> 1
            {6, 7, 0, 4, 5},    // 6, 7, 4 -> 3 (5 is fifth)
            {7, 0, 1, 2, 6},    // 7 -> 1 (6 is fifth)
        };
        EvaluationResult result = UkbenchScore.consecutiveGroups(8).evaluate(q -> rankings[q]);
        assertArrayEquals(new double[] {4, 2, 0, 2, 4, 1, 3, 1}, result.perQueryValues(), 0.0);
        // (4+2+0+2+4+1+3+1)/8 = 17/8
        assertEquals(17.0 / 8.0, result.mean(), 1e-12);
        assertEquals(UkbenchScore.METRIC, result.metric());
    }

    @Test
    public void groupsMustHaveFourImages() {
        assertThrows(IllegalArgumentException.class, () -> new UkbenchScore(new DocumentClasses(new int[] {0, 0, 0, 1, 1, 1})));
        assertThrows(IllegalArgumentException.class, () -> UkbenchScore.consecutiveGroups(10));
        assertThrows(IllegalArgumentException.class,
            () -> UkbenchScore.consecutiveGroups(4).evaluate(q -> new int[] {0, 0}));
    }
}
