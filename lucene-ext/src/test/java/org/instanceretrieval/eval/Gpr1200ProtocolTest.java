package org.instanceretrieval.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class Gpr1200ProtocolTest {

    private static final double EPS = 1e-12;

    // 6 images, 2 subsets of 3 ("a": 0-2, "b": 3-5); classes c1 {0, 1}, c2 {2, 3, 4}, c3 {5}.
    private static final List<String> IDS = List.of("c1_x.jpg", "c1_y.jpg", "c2_z.jpg", "c2_w.jpg", "c2_v.jpg", "c3_u.jpg");
    private static final int[][] RANKINGS = {
        {0, 2, 1, 3, 4, 5}, // q0 (c1): hits at ranks 1, 3 -> (1/1 + 2/3)/2 = 5/6
        {1, 0, 2, 3, 4, 5}, // q1 (c1): ranks 1, 2 -> (1 + 1)/2 = 1
        {2, 5, 3, 0, 1, 4}, // q2 (c2): ranks 1, 3, 6 -> (1 + 2/3 + 3/6)/3 = 13/18
        {3, 4},             // q3 (c2), truncated: ranks 1, 2, third never retrieved -> (1 + 1 + 0)/3 = 2/3
        {0, 4, 1, 2, 3, 5}, // q4 (c2): ranks 2, 4, 5 -> (1/2 + 2/4 + 3/5)/3 = 8/15
        {0, 1, 2, 3, 4, 5}, // q5 (c3): itself at rank 6 -> 1/6
    };

    @Test
    public void nonInterpolatedApSelfKeptAndSubsets() {
        EvaluationResult result = new Gpr1200Protocol(IDS, 3, List.of("a", "b")).evaluate(q -> RANKINGS[q]);
        assertArrayEquals(new double[] {5.0 / 6, 1, 13.0 / 18, 2.0 / 3, 8.0 / 15, 1.0 / 6}, result.perQueryValues(), EPS);
        // a: (5/6 + 1 + 13/18)/3 = (46/18)/3 = 23/27 ; b: (2/3 + 8/15 + 1/6)/3 = (41/30)/3 = 41/90
        Map<String, Double> subsets = result.subsetMeans();
        assertEquals(List.of("a", "b"), new ArrayList<>(subsets.keySet()));
        assertEquals(23.0 / 27.0, subsets.get("a"), EPS);
        assertEquals(41.0 / 90.0, subsets.get("b"), EPS);
        // overall (46/18 + 41/30)/6 = (230/90 + 123/90)/6 = 353/540
        assertEquals(353.0 / 540.0, result.mean(), EPS);
        assertEquals("c2_w.jpg", result.queries().get(3).queryId());
        assertEquals("b", result.queries().get(3).subset().orElseThrow());
    }

    @Test
    public void isNotTheTrapezoid() {
        // q0 with the trapezoid would be ((1+1)/2 + (1/2 + 2/3)/2)/2 = 19/24, not 5/6.
        EvaluationResult result = new Gpr1200Protocol(IDS, 3, List.of("a", "b")).evaluate(q -> RANKINGS[q]);
        assertEquals(5.0 / 6.0, result.queries().get(0).value(), EPS);
        assertEquals(19.0 / 24.0, AveragePrecision.trapezoid(new int[] {0, 2}, 2), EPS);
    }

    @Test
    public void layoutIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> Gpr1200Protocol.standard(IDS)); // not 6 x 2,000
        assertThrows(IllegalArgumentException.class, () -> new Gpr1200Protocol(IDS, 4, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class,
            () -> new Gpr1200Protocol(IDS, 3, List.of("a", "b")).evaluate(q -> new int[] {q, q}));
    }

    @Test
    public void standardLayoutNamesTheSixSubsets() {
        // 12,000 ids, class = index / 10; perfect rankings (own class first, self first) -> all APs 1
        List<String> ids = new ArrayList<>();
        for (int d = 0; d < 12000; d++) {
            ids.add((d / 10) + "_img" + d + ".jpg");
        }
        EvaluationResult result = Gpr1200Protocol.standard(ids).evaluate(q -> {
            int first = q / 10 * 10;
            int[] ranking = new int[10];
            ranking[0] = q;
            int i = 1;
            for (int d = first; d < first + 10; d++) {
                if (d != q) {
                    ranking[i++] = d;
                }
            }
            return ranking;
        });
        assertEquals(Gpr1200Protocol.DEFAULT_SUBSETS, new ArrayList<>(result.subsetMeans().keySet()));
        assertEquals(1.0, result.mean(), EPS);
        assertEquals("SOP", result.queries().get(8000).subset().orElseThrow());
    }
}
