package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.Test;

public class Gldv2MapAt100Test {

    private static final double EPS = 1e-12;

    @Test
    public void workedCaseWithRepeatsMissingPredictionsAndExclusion() {
        GroundTruth groundTruth = new GroundTruth(10, List.of(
            QueryGroundTruth.withoutJunk("q0", new int[] {1, 3, 5}),
            QueryGroundTruth.withoutJunk("q1", new int[] {2}),
            QueryGroundTruth.withoutJunk("q2", new int[] {4, 6}),
            QueryGroundTruth.withoutJunk("q3", new int[0]),
            QueryGroundTruth.withoutJunk("q4", new int[] {0, 8})));
        int[][] predictions = {
            {1, 1, 3, 7, 5}, // rank 1: 1 hit (1/1); rank 2: repeat, skipped but used; rank 3: 3 hit (2/3);
                             // rank 4: miss; rank 5: 5 hit (3/5) -> (1 + 2/3 + 3/5)/min(3,100) = (34/15)/3 = 34/45
            null,            // no predictions -> 0
            {},              // empty -> 0
            {1},             // no positives -> excluded
            {8},             // rank 1 hit -> 1/min(2,100) = 1/2
        };
        EvaluationResult result = new Gldv2MapAt100(groundTruth).evaluate(q -> predictions[q]);
        assertEquals("mAP@100", result.metric());
        assertArrayEquals(new double[] {34.0 / 45, 0, 0, 0.5}, result.perQueryValues(), EPS);
        // (34/45 + 0 + 0 + 1/2)/4 = (68/90 + 45/90)/4 = 113/360
        assertEquals(113.0 / 360.0, result.mean(), EPS);
        assertEquals(List.of("q3"), result.excludedQueries());
    }

    @Test
    public void cutoffAndNormalisationByMinOfPositivesAndCutoff() {
        // 150 positives (0..149), predictions = the 100 positives 0..99 -> sum of 1s = 100, / min(150, 100) -> 1
        GroundTruth many = new GroundTruth(300,
            List.of(QueryGroundTruth.withoutJunk("m", IntStream.range(0, 150).toArray())));
        assertEquals(1.0, new Gldv2MapAt100(many).evaluate(q -> IntStream.range(0, 120).toArray()).mean(), EPS);
        // 100 negatives first, then positives: nothing within the first 100 -> 0
        assertEquals(0.0, new Gldv2MapAt100(many).evaluate(q -> IntStream.range(150, 300).toArray()).mean(), EPS);
        // cut-off 2, positives {0,1,2,3}: predictions [0, 9, 1, 2] -> only 0 (1/1) counts; / min(4, 2) = 1/2
        GroundTruth four = new GroundTruth(10, List.of(QueryGroundTruth.withoutJunk("f", new int[] {0, 1, 2, 3})));
        EvaluationResult cut = new Gldv2MapAt100(four, 2).evaluate(q -> new int[] {0, 9, 1, 2});
        assertEquals(0.5, cut.mean(), EPS);
        assertEquals("mAP@2", cut.metric());
    }

    @Test
    public void rejectsJunkOutOfRangePredictionsAndBadCutoff() {
        GroundTruth withJunk = new GroundTruth(5, List.of(new QueryGroundTruth("j", new int[] {1}, new int[] {2}, null)));
        assertThrows(IllegalArgumentException.class, () -> new Gldv2MapAt100(withJunk));
        GroundTruth plain = new GroundTruth(5, List.of(QueryGroundTruth.withoutJunk("p", new int[] {1})));
        assertThrows(IllegalArgumentException.class, () -> new Gldv2MapAt100(plain, 0));
        assertThrows(IllegalArgumentException.class, () -> new Gldv2MapAt100(plain).evaluate(q -> new int[] {5}));
    }
}
