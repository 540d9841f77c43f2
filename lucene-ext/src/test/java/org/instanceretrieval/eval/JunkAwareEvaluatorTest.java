package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.instanceretrieval.math.RankingOrder;
import org.junit.Test;

public class JunkAwareEvaluatorTest {

    private static final double EPS = 1e-12;

    // Query "a": positives {1, 2, 3, 4}, junk {7, 9}; ranking [5, 9, 2, 7, 3, 8, 1] (4 never retrieved).
    private static final QueryGroundTruth A = new QueryGroundTruth("a", new int[] {2, 3, 1, 4}, new int[] {9, 7}, null);
    private static final int[] RANKING_A = {5, 9, 2, 7, 3, 8, 1};

    @Test
    public void junkInterleavedPositions() {
        // walk: 5 -> position 0 (negative), 9 junk (skipped), 2 -> position 1 (positive),
        // 7 junk, 3 -> position 2 (positive), 8 -> 3, 1 -> position 4 (positive)
        assertArrayEquals(new int[] {1, 2, 4}, RankingMetrics.junkFreePositivePositions(RANKING_A, A));
    }

    @Test
    public void junkInterleavedApAndPrecision() {
        // positions [1, 2, 4], npos 4:
        // j=0 r=1: (0/1 + 1/2)/2 = 1/4 ; j=1 r=2: (1/2 + 2/3)/2 = 7/12 ; j=2 r=4: (2/4 + 3/5)/2 = 11/20
        // sum = 15/60 + 35/60 + 33/60 = 83/60 ; AP = 83/240
        int[] positions = RankingMetrics.junkFreePositivePositions(RANKING_A, A);
        assertEquals(83.0 / 240.0, AveragePrecision.trapezoid(positions, A.numPositives()), EPS);
        // 1-based [2, 3, 5]; P@1: kq = 1 -> 0 ; P@3: kq = 3 -> 2/3 ; P@5 and P@10: kq = 5 -> 3/5
        assertEquals(0.0, RankingMetrics.precisionAtK(positions, 1), EPS);
        assertEquals(2.0 / 3.0, RankingMetrics.precisionAtK(positions, 3), EPS);
        assertEquals(0.6, RankingMetrics.precisionAtK(positions, 5), EPS);
        assertEquals(0.6, RankingMetrics.precisionAtK(positions, 10), EPS);
    }

    @Test
    public void precisionWithNothingRetrievedIsZero() {
        assertEquals(0.0, RankingMetrics.precisionAtK(new int[0], 5), 0.0);
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.precisionAtK(new int[] {0}, 0));
    }

    @Test
    public void junkAtTheTopDoesNotCost() {
        QueryGroundTruth query = new QueryGroundTruth("j", new int[] {2}, new int[] {9}, null);
        // [9, 2]: 9 skipped, 2 at junk-free position 0 -> AP 1
        assertEquals(1.0, AveragePrecision.trapezoid(RankingMetrics.junkFreePositivePositions(new int[] {9, 2}, query), 1), EPS);
    }

    @Test
    public void tiesFollowRankingOrder() {
        // scores 0.5, 0.9, 0.5, 0.9, 0.1 -> ranking [1, 3, 0, 2, 4] (ties by index ascending)
        // positives {2, 3}: 3 at position 1, 2 at position 3
        // AP = ((0/1 + 1/2)/2 + (1/3 + 2/4)/2)/2 = (1/4 + 5/12)/2 = 1/3
        // (had the tie put 3 before 1, AP would be (1 + 5/12)/2 = 17/24: the rule matters)
        int[] ranking = RankingOrder.rank(new float[] {0.5f, 0.9f, 0.5f, 0.9f, 0.1f});
        QueryGroundTruth query = QueryGroundTruth.withoutJunk("t", new int[] {2, 3});
        EvaluationResult result = new JunkAwareEvaluator(new GroundTruth(5, List.of(query)), new int[0]).evaluate(q -> ranking);
        assertEquals(1.0 / 3.0, result.mean(), EPS);
    }

    @Test
    public void meansExcludeQueriesWithoutPositives() {
        // a: AP 83/240, P@1 0, P@5 3/5 (above) ; b: positives {0}, ranking [0, 1, ...] -> AP 1, P@k 1
        // c: no positives -> excluded, its ranking is never requested
        QueryGroundTruth b = QueryGroundTruth.withoutJunk("b", new int[] {0});
        QueryGroundTruth c = new QueryGroundTruth("c", new int[0], new int[] {3}, null);
        GroundTruth groundTruth = new GroundTruth(10, List.of(A, b, c));
        EvaluationResult result = new JunkAwareEvaluator(groundTruth, new int[] {5, 1}).evaluate(q -> {
            if (q == 2) {
                throw new AssertionError("ranking of a query without positives requested");
            }
            return q == 0 ? RANKING_A : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        });
        // mAP = (83/240 + 1)/2 = 323/480 ; mP@1 = (0 + 1)/2 ; mP@5 = (3/5 + 1)/2 = 4/5
        assertEquals(323.0 / 480.0, result.mean(), EPS);
        assertEquals(0.5, result.meanPrecisionAtK().get(1), EPS);
        assertEquals(0.8, result.meanPrecisionAtK().get(5), EPS);
        assertEquals(List.of("c"), result.excludedQueries());
        assertEquals(2, result.queries().size());
        assertArrayEquals(new double[] {83.0 / 240.0, 1.0}, result.perQueryValues(), EPS);
        assertEquals("a", result.queries().get(0).queryId());
    }

    @Test
    public void allQueriesWithoutPositivesIsAnError() {
        GroundTruth groundTruth = new GroundTruth(3, List.of(QueryGroundTruth.withoutJunk("e", new int[0])));
        assertThrows(IllegalArgumentException.class,
            () -> new JunkAwareEvaluator(groundTruth, new int[0]).evaluate(q -> new int[] {0}));
    }

    @Test
    public void rejectsInvalidRankingsNamingTheQuery() {
        GroundTruth groundTruth = new GroundTruth(10, List.of(A));
        JunkAwareEvaluator evaluator = new JunkAwareEvaluator(groundTruth, new int[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(q -> new int[] {1, 2, 1}));
        assertTrue(e.getMessage(), e.getMessage().contains("[a]") && e.getMessage().contains("[1]"));
        e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(q -> new int[] {1, 10}));
        assertTrue(e.getMessage(), e.getMessage().contains("[10]"));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(q -> new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(q -> null));
        assertThrows(IllegalArgumentException.class, () -> new JunkAwareEvaluator(groundTruth, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new JunkAwareEvaluator(groundTruth, new int[] {5, 5}));
    }
}
