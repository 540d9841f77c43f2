package org.instanceretrieval.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
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
    public void streamingMatchesFullSortWhateverTheOfferOrder() {
        Random random = new Random(13);
        float[] values = {2f, 1f, 0f, -0f, -1f};
        for (int trial = 0; trial < 200; trial++) {
            int n = random.nextInt(50);
            float[] row = new float[n];
            for (int i = 0; i < n; i++) {
                row[i] = trial % 2 == 0 ? values[random.nextInt(values.length)] : (float) random.nextGaussian();
            }
            int k = random.nextInt(n + 3);
            // offer in a shuffled order: the result must not depend on it
            int[] offerOrder = new int[n];
            for (int i = 0; i < n; i++) {
                offerOrder[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = offerOrder[i];
                offerOrder[i] = offerOrder[j];
                offerOrder[j] = t;
            }
            TopK top = new TopK(k);
            for (int i : offerOrder) {
                top.offer(i, row[i]);
            }
            int[] expected = fullSortHead(row, k);
            assertEquals(expected.length, top.size());
            int[] ids = new int[expected.length];
            float[] scores = new float[expected.length];
            assertEquals(expected.length, top.drainInto(ids, scores));
            assertArrayEquals("trial " + trial, expected, ids);
            for (int t = 0; t < ids.length; t++) {
                assertEquals(row[ids[t]], scores[t], 0f);
            }
            assertEquals(0, top.size());
        }
    }

    @Test
    public void streamingRejectsNaNAndNegativeCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new TopK(2).offer(0, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new TopK(-1));
        TopK empty = new TopK(0);
        empty.offer(3, 1f);
        assertEquals(0, empty.size());
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
