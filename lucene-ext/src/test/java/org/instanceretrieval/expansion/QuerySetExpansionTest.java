package org.instanceretrieval.expansion;

import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.instanceretrieval.expansion.QuerySetExpansion.Result;
import org.instanceretrieval.expansion.QuerySetExpansion.Selection;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Query-set expansion on cases worked by hand from the definitions, and against a loop that
 * recomputes the whole |P| x |Q| similarity matrix every iteration.
 *
 * <p>The hand cases: q = (1, 0); pool p0 = (0.8, 0.6), p1 = (0.6, 0.8), p2 = (0, 1), p3 = (0.6, -0.8).
 * Dot products: q.p = [0.8, 0.6, 0, 0.6]; p0.p = [1, 0.96, 0.6, 0]; p1.p = [0.96, 1, 0.8, -0.28];
 * p2.p = [0.6, 0.8, 1, -0.8]; p3.p = [0, -0.28, -0.8, 1]. The ties below are exact in double: the
 * same float products summed in either order.
 */
public class QuerySetExpansionTest {

    private static final float[] Q = { 1, 0 };
    private static final float[][] POOL = { { 0.8f, 0.6f }, { 0.6f, 0.8f }, { 0, 1 }, { 0.6f, -0.8f } };
    private static final double EPS = 1e-6;

    private static Result run(Aggregation a, Selection s, int k, double threshold, Double sparsity, int iterations) {
        return new QuerySetExpansion(a, s, k, threshold, sparsity, iterations).rank(new float[][] { Q }, POOL);
    }

    @Test
    public void averageTopKByHand() {
        // iteration 1, Q = {q}: s_set = [0.8, 0.6, 0, 0.6]; p0 first -> joins (k = 1)
        // iteration 2, Q = {q, p0}: s_set = [(0.8+1)/2, (0.6+0.96)/2, (0+0.6)/2, (0.6+0)/2] = [0.9, 0.78, 0.3, 0.3]; p1 joins
        // final, Q = {q, p0, p1}: [(0.8+1+0.96)/3, (0.6+0.96+1)/3, (0+0.6+0.8)/3, (0.6+0-0.28)/3] = [0.92, 0.853333, 0.466667, 0.106667]
        Result r = run(Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 2);
        assertArrayEquals(new int[] { 0, 1 }, r.members());
        assertEquals(2, r.iterations());
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
        assertArrayEquals(new double[] { 2.76 / 3, 2.56 / 3, 1.4 / 3, 0.32 / 3 }, r.scores(), EPS);
    }

    @Test
    public void tiesKeepPoolOrder() {
        // one iteration: final Q = {q, p0}: [0.9, 0.78, 0.3, 0.3]; p2 and p3 tie exactly at 0.6f / 2.
        // p3 was ahead of p2 in the first round (0.6 > 0), but the tie goes to pool order: p2 first.
        Result r = run(Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1);
        assertArrayEquals(new int[] { 0 }, r.members());
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
        assertEquals(r.scores()[2], r.scores()[3], 0.0);
        assertArrayEquals(new double[] { 0.9, 0.78, 0.3, 0.3 }, r.scores(), EPS);
        // the same pool given in another order: the tie follows the new pool order
        float[][] swapped = { POOL[0], POOL[1], POOL[3], POOL[2] };
        Result s = new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1).rank(new float[][] { Q }, swapped);
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, s.order());
        // and in iteration 1, p1 and p3 tie at 0.6: with k = 2 the earlier one in the pool (p1) joins with p0
        Result k2 = run(Aggregation.AVG, Selection.TOP_K, 2, 0.6, null, 1);
        assertArrayEquals(new int[] { 0, 1 }, k2.members());
    }

    @Test
    public void maxTopKByHand() {
        // iteration 1: s_set = [0.8, 0.6, 0, 0.6] -> p0 joins
        // iteration 2, Q = {q, p0}: max -> [1, 0.96, 0.6, 0.6] -> p1 joins
        // final, Q = {q, p0, p1}: [max(0.8,1,0.96), max(0.6,0.96,1), max(0,0.6,0.8), max(0.6,0,-0.28)] = [1, 1, 0.8, 0.6]
        // p0 and p1 tie at 1 (0.8f^2 + 0.6f^2 either way): pool order
        Result r = run(Aggregation.MAX, Selection.TOP_K, 1, 0.6, null, 2);
        assertArrayEquals(new int[] { 0, 1 }, r.members());
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
        assertArrayEquals(new double[] { 1, 1, 0.8, 0.6 }, r.scores(), EPS);
        assertEquals(r.scores()[0], r.scores()[1], 0.0);
    }

    @Test
    public void thresholdSelectionAndEarlyStop() {
        // T = 0.5. iteration 1: s_set = [0.8, 0.6, 0, 0.6]: p0, p1, p3 reach 0.5 and join in ranked order
        // iteration 2, Q = {q, p0, p1, p3}: [(0.8+1+0.96+0)/4, (0.6+0.96+1-0.28)/4, (0+0.6+0.8-0.8)/4, (0.6+0-0.28+1)/4]
        //   = [0.69, 0.57, 0.15, 0.33]; the only outsider p2 has 0.15 < 0.5: nobody joins, the iterations stop
        Result r = run(Aggregation.AVG, Selection.THRESHOLD, 1, 0.5, null, 4);
        assertArrayEquals(new int[] { 0, 1, 3 }, r.members());
        assertEquals(1, r.iterations());
        assertArrayEquals(new int[] { 0, 1, 3, 2 }, r.order());
        assertArrayEquals(new double[] { 0.69, 0.57, 0.15, 0.33 }, r.scores(), EPS);
        // T = 0.9: nobody reaches it in iteration 1: Q stays {q}, the ranking is the first round's
        Result none = run(Aggregation.AVG, Selection.THRESHOLD, 1, 0.9, null, 4);
        assertEquals(0, none.members().length);
        assertEquals(0, none.iterations());
        assertArrayEquals(new int[] { 0, 1, 3, 2 }, none.order());
        assertArrayEquals(new double[] { 0.8, 0.6, 0, 0.6 }, none.scores(), EPS);
    }

    @Test
    public void topKStopsWhenThePoolIsExhausted() {
        // k = 5 > |P|: iteration 1 takes all four (ranked: p0, p1, p3, p2), iteration 2 has nobody left
        // final Q = {q, p0, p1, p3, p2}: sums [0.8+1+0.96+0+0.6, 0.6+0.96+1-0.28+0.8, 0+0.6+0.8-0.8+1, 0.6+0-0.28+1-0.8] / 5
        Result r = run(Aggregation.AVG, Selection.TOP_K, 5, 0.6, null, 4);
        assertArrayEquals(new int[] { 0, 1, 3, 2 }, r.members());
        assertEquals(1, r.iterations());
        assertArrayEquals(new double[] { 3.36 / 5, 3.08 / 5, 1.6 / 5, 0.52 / 5 }, r.scores(), EPS);
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
    }

    @Test
    public void sparsityZeroesSmallSimilarities() {
        // tau = 0.7: entries below 0.7 become 0
        // iteration 1: phi(q.p) = [0.8, 0, 0, 0] -> p0 joins
        // iteration 2: + phi(p0.p) = [1, 0.96, 0, 0]: sums [1.8, 0.96, 0, 0] / 2 = [0.9, 0.48, 0, 0] -> p1 joins
        // final: + phi(p1.p) = [0.96, 1, 0.8, 0]: sums [2.76, 1.96, 0.8, 0] / 3 = [0.92, 0.653333, 0.266667, 0]
        Result r = run(Aggregation.AVG, Selection.TOP_K, 1, 0.6, 0.7, 2);
        assertArrayEquals(new int[] { 0, 1 }, r.members());
        assertArrayEquals(new double[] { 0.92, 1.96 / 3, 0.8 / 3, 0 }, r.scores(), EPS);
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
        // max with tau = 0.9: phi(q.p) = [0, 0, 0, 0]: all tie at 0, p0 joins by pool order;
        // then phi(p0.p) = [1, 0.96, 0, 0] -> p1; final adds phi(p1.p) = [0.96, 1, 0, 0]: max = [1, 1, 0, 0]
        Result max = run(Aggregation.MAX, Selection.TOP_K, 1, 0.6, 0.9, 2);
        assertArrayEquals(new int[] { 0, 1 }, max.members());
        assertArrayEquals(new double[] { 1, 1, 0, 0 }, max.scores(), EPS);
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, max.order());
    }

    @Test
    public void aStartingSetOfSeveralVectors() {
        // Q = {(1, 0), (0, 1)}: iteration 1 avg = [(0.8+0.6)/2, (0.6+0.8)/2, (0+1)/2, (0.6-0.8)/2] = [0.7, 0.7, 0.5, -0.1]
        // p0 and p1 tie exactly; p0 (pool order) joins. final Q = {q1, q2, p0}:
        // [(1.4+1)/3, (1.4+0.96)/3, (1+0.6)/3, (-0.2+0)/3] = [0.8, 0.786667, 0.533333, -0.066667]
        Result r = new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1).rank(new float[][] { Q, { 0, 1 } }, POOL);
        assertArrayEquals(new int[] { 0 }, r.members());
        assertArrayEquals(new double[] { 0.8, 2.36 / 3, 1.6 / 3, -0.2 / 3 }, r.scores(), EPS);
        assertArrayEquals(new int[] { 0, 1, 2, 3 }, r.order());
    }

    @Test
    public void seedDefaultAndAnEmptyPool() {
        QuerySetExpansion seed = QuerySetExpansion.seedDefault();
        assertEquals(Aggregation.AVG, seed.aggregation());
        assertEquals(Selection.TOP_K, seed.selection());
        assertEquals(5, seed.k());
        assertEquals(4, seed.iterations());
        assertEquals(null, seed.sparsity());
        Result empty = seed.rank(new float[][] { Q }, new float[0][]);
        assertEquals(0, empty.order().length);
        assertEquals(0, empty.iterations());
    }

    @Test
    public void invalidInputIsRejectedByName() {
        assertMessage("[k] must be >= 1 but was [0]", () -> new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, 0, 0.6, null, 4));
        assertMessage("[threshold] must be finite but was [NaN]",
            () -> new QuerySetExpansion(Aggregation.AVG, Selection.THRESHOLD, 5, Double.NaN, null, 4));
        assertMessage("[sparsity] must be finite but was [Infinity]",
            () -> new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, 5, 0.6, Double.POSITIVE_INFINITY, 4));
        assertMessage("[iterations] must be >= 1 but was [0]", () -> new QuerySetExpansion(Aggregation.MAX, Selection.TOP_K, 5, 0.6, null, 0));
        QuerySetExpansion seed = QuerySetExpansion.seedDefault();
        assertMessage("at least one query vector", () -> seed.rank(new float[0][], POOL));
        assertMessage("pool item 1 has dimension [3]", () -> seed.rank(new float[][] { Q }, new float[][] { { 1, 0 }, { 1, 0, 0 } }));
        assertMessage("pool item 0 has a non-finite value [NaN]", () -> seed.rank(new float[][] { Q }, new float[][] { { Float.NaN, 0 } }));
        assertMessage("query vector 0 has a non-finite value", () -> seed.rank(new float[][] { { 1, Float.POSITIVE_INFINITY } }, POOL));
    }

    private static void assertMessage(String expected, org.junit.function.ThrowingRunnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage(), e.getMessage().contains(expected));
    }

    // ---- against the definition, recomputed in full every iteration ----

    /** The definition literally: each iteration the |P| x |Q| matrix, sparsified, aggregated, ranked (stable), selected. */
    private static double[] reference(float[][] start, float[][] pool, Aggregation a, Selection sel, int k, double t, Double tau,
                                      int iterations, List<Integer> membersOut) {
        List<float[]> q = new ArrayList<>(Arrays.asList(start));
        boolean[] in = new boolean[pool.length];
        double[] s = setScores(q, pool, a, tau);
        for (int it = 0; it < iterations; it++) {
            int added = 0;
            for (int i : rankDescending(s)) {
                if (in[i] == false && (sel == Selection.TOP_K ? added < k : s[i] >= t)) {
                    in[i] = true;
                    q.add(pool[i]);
                    membersOut.add(i);
                    added++;
                }
            }
            if (added == 0) {
                break;
            }
            s = setScores(q, pool, a, tau);
        }
        return s;
    }

    /** Indices by score descending, then index ascending (a stable full sort). */
    private static int[] rankDescending(double[] s) {
        Integer[] ids = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (x, y) -> s[x] > s[y] ? -1 : s[x] < s[y] ? 1 : Integer.compare(x, y));
        return Arrays.stream(ids).mapToInt(Integer::intValue).toArray();
    }

    private static double[] setScores(List<float[]> q, float[][] pool, Aggregation a, Double tau) {
        double[] s = new double[pool.length];
        for (int i = 0; i < pool.length; i++) {
            double agg = a == Aggregation.AVG ? 0 : Double.NEGATIVE_INFINITY;
            for (float[] member : q) {
                double v = ExpansionReference.dot(pool[i], member);
                v = tau != null && v < tau ? 0 : v;
                agg = a == Aggregation.AVG ? agg + v : Math.max(agg, v);
            }
            s[i] = a == Aggregation.AVG ? agg / q.size() : agg;
        }
        return s;
    }

    @Test
    public void matchesTheDefinitionRecomputedInFull() {
        Random random = new Random(14);
        for (int round = 0; round < 40; round++) {
            int dims = 2 + random.nextInt(16);
            float[][] pool = ExpansionReference.randomUnitVectors(random, 1 + random.nextInt(300), dims);
            float[][] start = ExpansionReference.randomUnitVectors(random, 1 + random.nextInt(3), dims);
            Aggregation a = random.nextBoolean() ? Aggregation.AVG : Aggregation.MAX;
            Selection sel = random.nextBoolean() ? Selection.TOP_K : Selection.THRESHOLD;
            int k = 1 + random.nextInt(8);
            double t = random.nextDouble() * 0.6;
            Double tau = random.nextBoolean() ? null : random.nextDouble() * 0.5 - 0.1;
            int iterations = 1 + random.nextInt(5);
            List<Integer> members = new ArrayList<>();
            double[] expected = reference(start, pool, a, sel, k, t, tau, iterations, members);
            Result r = new QuerySetExpansion(a, sel, k, t, tau, iterations).rank(start, pool);
            String what = "round " + round + " " + a + " " + sel;
            assertArrayEquals(what, expected, r.scores(), 1e-12);
            assertArrayEquals(what, members.stream().mapToInt(Integer::intValue).toArray(), r.members());
            assertArrayEquals(what, rankDescending(expected), r.order());
        }
    }

    /**
     * Scores are the definition's doubles bit for bit, whatever the pool size (the items are summed four at a time plus a
     * remainder): each similarity a sum over dimensions in order of exact float products, the mean over the members.
     */
    @Test
    public void scoresAreTheDefinitionsDoublesExactlyForEveryPoolSize() {
        Random random = new Random(11);
        for (int n = 0; n <= 9; n++) {
            float[][] pool = new float[n][37];
            for (float[] p : pool) {
                for (int j = 0; j < p.length; j++) {
                    p[j] = (float) random.nextGaussian();
                }
            }
            float[] q = new float[37];
            for (int j = 0; j < q.length; j++) {
                q[j] = (float) random.nextGaussian();
            }
            Result r = new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1).rank(new float[][] { q }, pool);
            int[] members = r.members();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < q.length; j++) {
                    sum += (double) pool[i][j] * q[j];
                }
                if (members.length > 0) {
                    double other = 0;
                    for (int j = 0; j < q.length; j++) {
                        other += (double) pool[i][j] * pool[members[0]][j];
                    }
                    sum = (sum + other) / 2;
                }
                assertEquals("n " + n + " item " + i, sum, r.scores()[i], 0.0);
            }
        }
    }
}
