package org.instanceretrieval.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

public class TopKTest {

    /** Reference: full sort by (score desc, index asc), -0.0 tying with 0.0. */
    private static int[] fullSortHead(float[] row, int k) {
        Integer[] order = new Integer[row.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> row[a] > row[b] ? -1 : row[a] < row[b] ? 1 : Integer.compare(a, b));
        int size = Math.min(k, row.length);
        int[] head = new int[size];
        for (int i = 0; i < size; i++) {
            head[i] = order[i];
        }
        return head;
    }

    @Test
    public void matchesFullSortWithTies() {
        Random random = new Random(11);
        float[] values = {2f, 1f, 0f, -0f, -1f};
        for (int trial = 0; trial < 300; trial++) {
            int n = random.nextInt(60);
            int offset = random.nextInt(4);
            float[] scores = new float[offset + n + 2];
            for (int i = 0; i < scores.length; i++) {
                // Half the trials with ties everywhere, half with mostly distinct scores.
                scores[i] = trial % 2 == 0 ? values[random.nextInt(values.length)] : (float) random.nextGaussian();
            }
            int k = random.nextInt(n + 5);
            float[] row = Arrays.copyOfRange(scores, offset, offset + n);
            assertArrayEquals("trial " + trial, fullSortHead(row, k), TopK.select(scores, offset, n, k));
            assertArrayEquals("trial " + trial, fullSortHead(row, k), TopK.select(row, k));
        }
    }

    @Test
    public void handWorkedExample() {
        // 0:0.3 1:0.7 2:0.3 3:0.9 -> order 3, 1, 0, 2 (0 before 2 on the tie).
        float[] scores = {0.3f, 0.7f, 0.3f, 0.9f};
        assertArrayEquals(new int[] {3, 1, 0}, TopK.select(scores, 3));
        assertArrayEquals(new int[] {3, 1, 0, 2}, TopK.select(scores, 10));
        assertArrayEquals(new int[0], TopK.select(scores, 0));
    }

    @Test
    public void rejectsInvalidInput() {
        assertThrows(IllegalArgumentException.class, () -> TopK.select(new float[] {1f}, -1));
        assertThrows(IllegalArgumentException.class, () -> TopK.select(new float[] {1f, Float.NaN}, 1));
        assertThrows(IllegalArgumentException.class, () -> TopK.select(null, 1));
        assertThrows(IllegalArgumentException.class, () -> TopK.select(new float[3], 2, 2, 1));
    }
}
