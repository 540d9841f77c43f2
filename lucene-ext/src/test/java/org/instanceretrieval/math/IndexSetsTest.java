package org.instanceretrieval.math;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class IndexSetsTest {

    private static void assertRejected(String fragment, org.junit.function.ThrowingRunnable runnable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runnable);
        assertTrue("[" + e.getMessage() + "] should mention [" + fragment + "]", e.getMessage().contains(fragment));
    }

    @Test
    public void sortedDistinctSortsACopy() {
        int[] ids = {7, 2, 5};
        assertArrayEquals(new int[] {2, 5, 7}, IndexSets.sortedDistinct(ids, 8, "positives"));
        assertArrayEquals(new int[] {7, 2, 5}, ids);
        assertArrayEquals(new int[0], IndexSets.sortedDistinct(new int[0], 0, "junk"));
    }

    @Test
    public void sortedDistinctNamesTheSetAndTheIndex() {
        assertRejected("positives holds index [3] twice", () -> IndexSets.sortedDistinct(new int[] {3, 1, 3}, 10, "positives"));
        assertRejected("junk holds a negative index [-2]", () -> IndexSets.sortedDistinct(new int[] {-2}, 10, "junk"));
        assertRejected("holds index [10], outside [0, 10)", () -> IndexSets.sortedDistinct(new int[] {10}, 10, "easy"));
        assertRejected("hard must not be null", () -> IndexSets.sortedDistinct(null, 10, "hard"));
    }

    @Test
    public void requireDisjointFindsTheSharedIndex() {
        IndexSets.requireDisjoint(new int[] {1, 4, 9}, "a", new int[] {0, 5, 10}, "b");
        IndexSets.requireDisjoint(new int[0], "a", new int[] {1}, "b");
        assertRejected("index [9] is in both positives and junk",
            () -> IndexSets.requireDisjoint(new int[] {1, 4, 9}, "positives", new int[] {2, 9}, "junk"));
    }
}
