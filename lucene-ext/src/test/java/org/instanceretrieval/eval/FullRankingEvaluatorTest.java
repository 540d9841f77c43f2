package org.instanceretrieval.eval;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.instanceretrieval.eval.FullRankingEvaluator.ApFormula;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.junit.Test;

public class FullRankingEvaluatorTest {

    private static List<ScoreKernel> kernels() {
        List<ScoreKernel> kernels = new ArrayList<>();
        kernels.add(ScoreKernels.scalar());
        ScoreKernels.vectorized().ifPresent(kernels::add);
        return kernels;
    }

    /**
     * Deliberately simple evaluator: scores in double, full sort (score desc, index asc), then
     * the literal AP walk of the definitions, skipping junk.
     */
    private static double simpleAp(float[] queries, int query, float[] collection, int numItems, int dim, int[] positives, int[] junk,
        ApFormula formula) {
        double[] s = new double[numItems];
        for (int i = 0; i < numItems; i++) {
            for (int k = 0; k < dim; k++) {
                s[i] += (double) queries[query * dim + k] * collection[i * dim + k];
            }
        }
        Integer[] order = new Integer[numItems];
        for (int i = 0; i < numItems; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> s[a] > s[b] ? -1 : s[a] < s[b] ? 1 : Integer.compare(a, b));
        Set<Integer> pos = new HashSet<>();
        for (int p : positives) {
            pos.add(p);
        }
        Set<Integer> jnk = new HashSet<>();
        if (junk != null) {
            for (int j : junk) {
                jnk.add(j);
            }
        }
        double sum = 0;
        int found = 0;
        int r = 0;
        for (int item : order) {
            if (jnk.contains(item)) {
                continue;
            }
            if (pos.contains(item)) {
                if (formula == ApFormula.TRAPEZOID) {
                    double p0 = r == 0 ? 1.0 : (double) found / r;
                    double p1 = (double) (found + 1) / (r + 1);
                    sum += (p0 + p1) / 2;
                } else {
                    sum += (double) (found + 1) / (r + 1);
                }
                found++;
            }
            r++;
        }
        return sum / positives.length;
    }

    /** Small integer entries: every dot product is an exact float, so rankings (and ties) agree exactly. */
    private static float[] integerVectors(Random random, int n, int dim, int[] classes, int numClasses) {
        float[][] centres = new float[numClasses][dim];
        for (float[] c : centres) {
            for (int k = 0; k < dim; k++) {
                c[k] = random.nextInt(5) - 2;
            }
        }
        float[] v = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                v[i * dim + k] = centres[classes[i]][k] + random.nextInt(3) - 1;
            }
        }
        return v;
    }

    @Test
    public void matchesSimpleEvaluatorWithJunkTiesAndSelfQueries() {
        Random random = new Random(5);
        int n = 300;
        int dim = 24;
        int numClasses = 30;
        int[] itemClass = new int[n];
        for (int i = 0; i < n; i++) {
            itemClass[i] = random.nextInt(numClasses);
        }
        float[] collection = integerVectors(random, n, dim, itemClass, numClasses);
        // Queries are the collection items (GPR1200 style: self kept, and a positive).
        int[][] positives = new int[n][];
        int[][] junk = new int[n][];
        for (int q = 0; q < n; q++) {
            List<Integer> pos = new ArrayList<>();
            List<Integer> jnk = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (itemClass[i] == itemClass[q]) {
                    // Every third same-class item (never the query itself) becomes junk.
                    if (i != q && (i + q) % 3 == 0) {
                        jnk.add(i);
                    } else {
                        pos.add(i);
                    }
                }
            }
            positives[q] = pos.stream().mapToInt(Integer::intValue).toArray();
            junk[q] = jnk.stream().mapToInt(Integer::intValue).toArray();
        }
        positives[17] = new int[0]; // a query without positives: NaN, left out of the mean
        for (ApFormula formula : ApFormula.values()) {
            double[] expected = new double[n];
            double sum = 0;
            for (int q = 0; q < n; q++) {
                expected[q] = q == 17 ? Double.NaN : simpleAp(collection, q, collection, n, dim, positives[q], junk[q], formula);
                sum += q == 17 ? 0 : expected[q];
            }
            for (ScoreKernel kernel : kernels()) {
                for (int threads : new int[] {1, 3}) {
                    FullRankingEvaluator.Result result =
                        new FullRankingEvaluator(formula, threads, kernel, 7).evaluate(collection, n, collection, n, dim, positives, junk);
                    double[] ap = result.perQueryAp();
                    for (int q = 0; q < n; q++) {
                        assertEquals(formula + " " + kernel + " q " + q, expected[q], ap[q], 1e-9);
                    }
                    assertTrue(Double.isNaN(ap[17]));
                    assertEquals(n - 1, result.numEvaluated());
                    assertEquals(sum / (n - 1), result.meanAp(), 1e-9);
                }
            }
        }
    }

    @Test
    public void separateQueriesWithoutJunk() {
        Random random = new Random(9);
        int n = 120;
        int numQueries = 20;
        int dim = 7;
        int[] itemClass = new int[n + numQueries];
        for (int i = 0; i < itemClass.length; i++) {
            itemClass[i] = random.nextInt(6);
        }
        float[] all = integerVectors(random, n + numQueries, dim, itemClass, 6);
        float[] collection = Arrays.copyOfRange(all, 0, n * dim);
        float[] queries = Arrays.copyOfRange(all, n * dim, all.length);
        int[][] positives = new int[numQueries][];
        for (int q = 0; q < numQueries; q++) {
            int c = itemClass[n + q];
            positives[q] = java.util.stream.IntStream.range(0, n).filter(i -> itemClass[i] == c).toArray();
        }
        FullRankingEvaluator.Result result = new FullRankingEvaluator(ApFormula.TRAPEZOID).evaluate(queries, numQueries, collection, n, dim, positives, null);
        for (int q = 0; q < numQueries; q++) {
            double expected = positives[q].length == 0 ? Double.NaN
                : simpleAp(queries, q, collection, n, dim, positives[q], null, ApFormula.TRAPEZOID);
            assertEquals(expected, result.perQueryAp()[q], 1e-9);
        }
    }

    @Test
    public void acceptsTheGroundTruthModel() {
        // Same hand-worked query as below, given as a GroundTruth with junk item 1:
        // ranking 1, 3, 0, 2 without 1 -> 3, 0, 2; positives {0, 2} at 1 and 2 -> (1/2 + 2/3) / 2.
        float[] query = {1, 0};
        float[] items = {0.5f, 0, 0.9f, 0, 0.1f, 0, 0.7f, 0};
        GroundTruth groundTruth = new GroundTruth(4, List.of(new QueryGroundTruth("q", new int[] {2, 0}, new int[] {1}, null)));
        assertEquals((0.5 + 2.0 / 3) / 2,
            new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, 1).evaluate(query, items, 2, groundTruth).meanAp(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, 1).evaluate(query, items, 2, null));
    }

    @Test
    public void handWorkedGpr1200Ap() {
        // One query (1, 0) against items (0.5,0) (0.9,0) (0.1,0) (0.7,0): scores 0.5 0.9 0.1 0.7,
        // ranking 1, 3, 0, 2. Positives {0, 2} at 0-based positions 2 and 3.
        // non-interpolated: (1/3 + 2/4) / 2 = 0.416666...
        // trapezoid: j=0,r=2: (0/2 + 1/3)/2 = 1/6; j=1,r=3: (1/3 + 2/4)/2 = 5/12; (1/6 + 5/12)/2 = 7/24
        float[] query = {1, 0};
        float[] items = {0.5f, 0, 0.9f, 0, 0.1f, 0, 0.7f, 0};
        int[][] positives = {{0, 2}};
        assertEquals((1.0 / 3 + 0.5) / 2,
            new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, 1).evaluate(query, 1, items, 4, 2, positives, null).meanAp(), 1e-12);
        assertEquals(7.0 / 24,
            new FullRankingEvaluator(ApFormula.TRAPEZOID, 1).evaluate(query, 1, items, 4, 2, positives, null).meanAp(), 1e-12);
        // Junk item 1 removed: positives at 1 and 2 -> non-interpolated (1/2 + 2/3) / 2.
        assertEquals((0.5 + 2.0 / 3) / 2, new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, 1)
            .evaluate(query, 1, items, 4, 2, positives, new int[][] {{1}}).meanAp(), 1e-12);
    }

    @Test
    public void rejectsInvalidInput() {
        FullRankingEvaluator evaluator = new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, 1);
        float[] v = {1, 0, 0, 1};
        int[][] pos = {{0}, {1}};
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, v, 2, 3, pos, null));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, new float[] {1, 0, 0}, 2, 2, pos, null));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, new float[] {1, 0, Float.NaN, 1}, 2, 2, pos, null));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, v, 2, 2, new int[][] {{0}}, null));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, v, 2, 2, pos, new int[][] {{0}, {}}));
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(v, 2, v, 2, 2, new int[][] {{0}, {2}}, null));
        assertThrows(IllegalArgumentException.class, () -> new FullRankingEvaluator(ApFormula.TRAPEZOID, 0));
        assertThrows(IllegalArgumentException.class, () -> new FullRankingEvaluator(null, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new FullRankingEvaluator(ApFormula.TRAPEZOID, 1, ScoreKernels.scalar(), 0));
    }
}
