package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class GroundTruthTest {

    @Test
    public void positiveInJunkIsRejectedNamingQueryAndId() {
        // A document in both sets can push AP above 1 in the reference code.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new QueryGroundTruth("radcliffe_camera_3", new int[] {4, 8, 15}, new int[] {16, 8}, null));
        assertTrue(e.getMessage(), e.getMessage().contains("radcliffe_camera_3"));
        assertTrue(e.getMessage(), e.getMessage().contains("[8]"));
    }

    @Test
    public void duplicatesAndNegativeIdsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new QueryGroundTruth("q1", new int[] {3, 5, 3}, new int[0], null));
        assertTrue(e.getMessage(), e.getMessage().contains("q1") && e.getMessage().contains("[3]"));
        e = assertThrows(IllegalArgumentException.class, () -> new QueryGroundTruth("q2", new int[] {1}, new int[] {6, 6}, null));
        assertTrue(e.getMessage(), e.getMessage().contains("q2") && e.getMessage().contains("[6]"));
        e = assertThrows(IllegalArgumentException.class, () -> new QueryGroundTruth("q3", new int[] {-2}, new int[0], null));
        assertTrue(e.getMessage(), e.getMessage().contains("q3") && e.getMessage().contains("[-2]"));
        assertThrows(IllegalArgumentException.class, () -> new QueryGroundTruth("q4", null, new int[0], null));
    }

    @Test
    public void outOfRangeIdsAndRepeatedQueryIdsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new GroundTruth(10, List.of(new QueryGroundTruth("far", new int[] {1}, new int[] {10}, null))));
        assertTrue(e.getMessage(), e.getMessage().contains("far") && e.getMessage().contains("[10]"));
        e = assertThrows(IllegalArgumentException.class, () -> new GroundTruth(10,
            List.of(QueryGroundTruth.withoutJunk("x", new int[] {1}), QueryGroundTruth.withoutJunk("x", new int[] {2}))));
        assertTrue(e.getMessage(), e.getMessage().contains("[x]"));
        assertThrows(IllegalArgumentException.class, () -> new GroundTruth(-1, List.of()));
    }

    @Test
    public void setsAreSortedCopiesAndLookupsWork() {
        int[] positives = {9, 2, 5};
        QueryGroundTruth query = new QueryGroundTruth("q", positives, new int[] {7}, new BoundingBox(1, 2, 3, 4));
        positives[0] = 0; // the ground truth keeps its own copy
        assertArrayEquals(new int[] {2, 5, 9}, query.positives());
        assertTrue(query.isPositive(9));
        assertFalse(query.isPositive(0));
        assertTrue(query.isJunk(7));
        assertEquals(3, query.numPositives());
        assertArrayEquals(new double[] {1, 2, 3, 4}, query.boundingBox().orElseThrow().toArray(), 0.0);
        assertTrue(QueryGroundTruth.withoutJunk("n", new int[0]).boundingBox().isEmpty());
    }

    @Test
    public void originalOxfordListsUnionGoodAndOk() {
        QueryGroundTruth query = OxfordParisProtocol.query("q", new int[] {4, 1}, new int[] {3}, new int[] {0}, null);
        assertArrayEquals(new int[] {1, 3, 4}, query.positives());
        assertArrayEquals(new int[] {0}, query.junk());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> OxfordParisProtocol.query("q", new int[] {4, 1}, new int[] {1}, new int[0], null));
        assertTrue(e.getMessage(), e.getMessage().contains("[1]"));
    }

    @Test
    public void boundingBoxValidation() {
        assertThrows(IllegalArgumentException.class, () -> new BoundingBox(5, 0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new BoundingBox(0, 0, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> BoundingBox.of(new double[] {1, 2, 3}));
    }

    @Test
    public void documentClassesFromPrefixedIds() {
        // classes numbered by first appearance: "12" -> 0, "7" -> 1
        DocumentClasses classes = DocumentClasses.fromPrefixedIds(List.of("12_a.jpg", "7_b_c.jpg", "dir/12_d.jpg"));
        assertEquals(0, classes.classOf(0));
        assertEquals(1, classes.classOf(1));
        assertEquals(0, classes.classOf(2));
        assertEquals(2, classes.classSizeOf(0));
        assertEquals(1, classes.classSizeOf(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DocumentClasses.fromPrefixedIds(List.of("1_a", "noclass.jpg")));
        assertTrue(e.getMessage(), e.getMessage().contains("noclass.jpg"));
        assertThrows(IllegalArgumentException.class, () -> DocumentClasses.fromPrefixedIds(List.of("_x")));
        assertThrows(IllegalArgumentException.class, () -> DocumentClasses.consecutiveGroups(10, 4));
    }
}
