package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class HolidaysProtocolTest {

    private static final double EPS = 1e-12;

    // groups: 1000 -> docs 0, 1, 2 (query 0); 1001 -> docs 3, 4 (query 3); 1002 -> doc 5 alone (query 5, no positives)
    private static final List<String> NAMES =
        List.of("100000.jpg", "100001.jpg", "100002.jpg", "100100.jpg", "100101.jpg", "100200.jpg");

    @Test
    public void queriesAndPositivesFromNames() {
        HolidaysProtocol protocol = HolidaysProtocol.fromImageNames(NAMES);
        GroundTruth groundTruth = protocol.groundTruth();
        assertEquals(3, groundTruth.numQueries());
        assertArrayEquals(new int[] {1, 2}, groundTruth.query(0).positives());
        assertArrayEquals(new int[] {4}, groundTruth.query(1).positives());
        assertArrayEquals(new int[0], groundTruth.query(2).positives());
        assertEquals("100100.jpg", groundTruth.query(1).queryId());
    }

    @Test
    public void queryRemovedFromItsOwnRanking() {
        int[][] rankings = {
            {0, 3, 1, 4, 2, 5}, // without the query: [3, 1, 4, 2, 5] -> positives at r = 1, 3
                                // (holidays_map.py: ranks 2, 4 shifted by -1) -> ((0 + 1/2)/2 + (1/3 + 2/4)/2)/2 = 1/3
            {4, 0, 1},          // query 3 absent; 4 at r = 0 -> AP 1
        };
        EvaluationResult result = HolidaysProtocol.fromImageNames(NAMES).evaluate(q -> {
            if (q == 2) {
                throw new AssertionError("query without positives must not be ranked");
            }
            return rankings[q];
        });
        assertArrayEquals(new double[] {1.0 / 3.0, 1.0}, result.perQueryValues(), EPS);
        assertEquals(2.0 / 3.0, result.mean(), EPS); // (1/3 + 1)/2
        assertEquals(List.of("100200.jpg"), result.excludedQueries());
    }

    @Test
    public void queryAnywhereInItsRankingCostsNothing() {
        // [1, 0, 2, ...]: the query at position 1 is skipped -> positives at r = 0, 1 -> AP 1
        int[] ranking = {1, 0, 2, 3, 4, 5};
        assertEquals(1.0, HolidaysProtocol.fromImageNames(NAMES).evaluate(q -> q == 0 ? ranking : new int[] {4})
            .queries().get(0).value(), EPS);
    }

    @Test
    public void rejectsBadNamesAndSelfAsPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> HolidaysProtocol.fromImageNames(List.of("100000.jpg", "jpg/100000.png")));
        assertTrue(e.getMessage(), e.getMessage().contains("100000"));
        assertThrows(IllegalArgumentException.class, () -> HolidaysProtocol.fromImageNames(List.of("abc.jpg")));
        GroundTruth selfPositive = new GroundTruth(3, List.of(QueryGroundTruth.withoutJunk("q", new int[] {0, 1})));
        assertThrows(IllegalArgumentException.class, () -> new HolidaysProtocol(selfPositive, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new HolidaysProtocol(selfPositive, new int[] {0, 1}));
    }
}
