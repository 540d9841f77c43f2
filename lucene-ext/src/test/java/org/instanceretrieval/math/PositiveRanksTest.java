package org.instanceretrieval.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class PositiveRanksTest {

    /** Reference: full stable sort (score desc, index asc), then walk it skipping junk. */
    private static int[] bySorting(float[] row, int[] positives, int[] junk) {
        Integer[] order = new Integer[row.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Comparing with < and > (not Float.compare) so that -0.0 ties with 0.0.
        Arrays.sort(order, (Comparator<Integer>) (a, b) -> row[a] > row[b] ? -1 : row[a] < row[b] ? 1 : Integer.compare(a, b));
        Set<Integer> pos = new HashSet<>();
        for (int p : positives) {
            pos.add(p);
        }
        Set<Integer> jnk = new HashSet<>();
        for (int j : junk) {
            jnk.add(j);
        }
        int[] ranks = new int[positives.length];
        int found = 0;
        int position = 0;
        for (int item : order) {
            if (jnk.contains(item)) {
                continue;
            }
            if (pos.contains(item)) {
                ranks[found++] = position;
            }
            position++;
        }
        return ranks;
    }

    /** k distinct random indices from [0, n) not in {@code exclude}. */
    private static int[] distinct(Random random, int n, int k, Set<Integer> exclude) {
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < k) {
            int i = random.nextInt(n);
            if (exclude.contains(i) == false) {
                chosen.add(i);
            }
        }
        int[] out = new int[k];
        int c = 0;
        for (int i : chosen) {
            out[c++] = i;
        }
        return out;
    }

    @Test
    public void matchesFullSortWithManyTiesAndJunk() {
        Random random = new Random(7);
        // Few distinct values (and both zeros) so that most comparisons are ties.
        float[] values = {1f, 0.5f, 0f, -0f, -0.25f};
        for (ScoreKernel kernel : ScoreKernelTest.kernels()) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + random.nextInt(trial < 100 ? 40 : 300);
                int offset = random.nextInt(5);
                float[] scores = new float[offset + n + 3];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = values[random.nextInt(values.length)];
                }
                int[] positives = distinct(random, n, random.nextInt(Math.min(n, 12) + 1), Set.of());
                Set<Integer> taken = new HashSet<>();
                for (int p : positives) {
                    taken.add(p);
                }
                int[] junk = distinct(random, n, random.nextInt(Math.min(n - positives.length, 8) + 1), taken);
                float[] row = Arrays.copyOfRange(scores, offset, offset + n);
                int[] expected = bySorting(row, positives, junk);
                assertArrayEquals("trial " + trial, expected, PositiveRanks.junkFreePositions(kernel, scores, offset, n, positives, junk));
                assertArrayEquals("trial " + trial + " no junk", bySorting(row, positives, new int[0]),
                    PositiveRanks.junkFreePositions(kernel, scores, offset, n, positives, null));
            }
        }
    }

    @Test
    public void handWorkedExample() {
        // scores:   idx 0:0.2  1:0.9  2:0.5  3:0.9  4:0.5
        // ranking:  1 (0.9), 3 (0.9, tie -> index), 2 (0.5), 4 (0.5), 0 (0.2)
        // junk {3}: junk-free ranking 1, 2, 4, 0 -> positives {4, 1} at positions 2 and 0.
        float[] scores = {0.2f, 0.9f, 0.5f, 0.9f, 0.5f};
        for (ScoreKernel kernel : ScoreKernelTest.kernels()) {
            assertArrayEquals(new int[] {0, 2}, PositiveRanks.junkFreePositions(kernel, scores, 0, 5, new int[] {4, 1}, new int[] {3}));
        }
        assertArrayEquals(new int[] {0, 3}, PositiveRanks.junkFreePositions(scores, new int[] {4, 1}, null));
        assertArrayEquals(new int[0], PositiveRanks.junkFreePositions(scores, new int[0], new int[] {3}));
    }

    @Test
    public void rejectsInvalidInput() {
        float[] scores = {0.1f, 0.2f, 0.3f};
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, new int[] {1}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, new int[] {1, 1}, null));
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, new int[] {0}, new int[] {2, 2}));
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, new int[] {3}, null));
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, new int[] {-1}, null));
        assertThrows(IllegalArgumentException.class, () -> PositiveRanks.junkFreePositions(scores, null, null));
        assertThrows(IllegalArgumentException.class,
            () -> PositiveRanks.junkFreePositions(new float[] {0f, Float.NaN}, new int[] {0}, null));
        assertThrows(IllegalArgumentException.class,
            () -> PositiveRanks.junkFreePositions(ScoreKernels.scalar(), scores, 2, 2, new int[] {0}, null));
    }
}
