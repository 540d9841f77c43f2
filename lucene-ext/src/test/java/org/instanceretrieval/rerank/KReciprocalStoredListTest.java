package org.instanceretrieval.rerank;

import org.junit.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * k-reciprocal re-ranking on stored neighbour lists ({@link KReciprocal#distances(double[], int[][], float[][], Runnable)})
 * against {@link #brute}, a literal dense transcription of the definition of docs/api.md written for this test (n x n
 * matrices, unknown pairs as NaN, sets as sorted lists), and against the window path when every list names the whole window.
 */
public class KReciprocalStoredListTest {

    /** The definition, literally: unknown pairs are NaN, N(a, m) sorts a's known points, D(a, b) of an unknown member is 1. */
    static double[] brute(double[] qs, int[][] nb, float[][] sim, int k1, int k2, double lambda) {
        int w = qs.length;
        int n = w + 1;
        double[][] d = new double[n][n];
        for (double[] row : d) {
            Arrays.fill(row, Double.NaN);
        }
        for (int a = 0; a < n; a++) {
            d[a][a] = 0;
        }
        for (int j = 0; j < w; j++) {
            d[0][j + 1] = Math.max(0, 2 - 2 * qs[j]);
            d[j + 1][0] = d[0][j + 1];
            for (int t = 0; t < nb[j].length; t++) {
                d[j + 1][nb[j][t] + 1] = Math.max(0, 2 - 2 * (double) sim[j][t]);
            }
        }
        for (double[] row : d) {
            double max = 0;
            for (double x : row) {
                if (Double.isNaN(x) == false) {
                    max = Math.max(max, x);
                }
            }
            for (int b = 0; b < n; b++) {
                if (max > 0) {
                    row[b] /= max;
                }
            }
        }
        int h = (int) Math.rint(k1 / 2.0);
        List<List<Integer>> rStar = new ArrayList<>();
        double[][] v = new double[n][n];
        for (int a = 0; a < n; a++) {
            Set<Integer> r = new HashSet<>(reciprocal(d, a, k1));
            Set<Integer> star = new HashSet<>(r);
            for (int c : r) {
                List<Integer> rc = reciprocal(d, c, h);
                long common = rc.stream().filter(r::contains).count();
                if (common > 2.0 / 3 * rc.size()) {
                    star.addAll(rc);
                }
            }
            double sum = 0;
            for (int b : star) {
                double dab = Double.isNaN(d[a][b]) ? 1 : d[a][b];
                v[a][b] = Math.exp(-dab);
                sum += v[a][b];
            }
            for (int b = 0; b < n; b++) {
                v[a][b] /= sum;
            }
            rStar.add(new ArrayList<>(star));
        }
        double[][] vq = new double[n][n];
        for (int a = 0; a < n; a++) {
            List<Integer> na = nearest(d, a, k2);
            for (int b : na) {
                for (int c = 0; c < n; c++) {
                    vq[a][c] += v[b][c] / na.size();
                }
            }
        }
        double[] out = new double[w];
        for (int j = 1; j < n; j++) {
            double min = 0;
            double max = 0;
            for (int c = 0; c < n; c++) {
                min += Math.min(vq[0][c], vq[j][c]);
                max += Math.max(vq[0][c], vq[j][c]);
            }
            out[j - 1] = (1 - lambda) * (1 - min / max) + lambda * d[0][j];
        }
        return out;
    }

    /** N(a, m): a, then a's known points by D ascending, then index; at most m. */
    static List<Integer> nearest(double[][] d, int a, int m) {
        List<Integer> others = new ArrayList<>();
        for (int b = 0; b < d.length; b++) {
            if (b != a && Double.isNaN(d[a][b]) == false) {
                others.add(b);
            }
        }
        others.sort(Comparator.<Integer>comparingDouble(b -> d[a][b]).thenComparingInt(b -> b));
        List<Integer> out = new ArrayList<>();
        out.add(a);
        out.addAll(others);
        return out.subList(0, Math.min(m, out.size()));
    }

    static List<Integer> reciprocal(double[][] d, int a, int k) {
        List<Integer> out = new ArrayList<>();
        for (int b : nearest(d, a, k + 1)) {
            if (nearest(d, b, k + 1).contains(a)) {
                out.add(b);
            }
        }
        return out;
    }

    /** Random unit vectors in clusters; cosines rounded to multiples of {@code step} (0: not rounded) so that ties occur. */
    private record Case(double[] qs, double[][] s, float[][] vectors, float[] query) {}

    private static Case randomCase(Random random, int w, int dims, double step) {
        float[][] x = new float[w + 1][dims];
        for (int i = 0; i <= w; i++) {
            int cluster = i % 3;
            double norm = 0;
            for (int t = 0; t < dims; t++) {
                x[i][t] = (float) ((t % 3 == cluster ? 2 : 0) + random.nextGaussian());
                norm += (double) x[i][t] * x[i][t];
            }
            for (int t = 0; t < dims; t++) {
                x[i][t] /= (float) Math.sqrt(norm);
            }
        }
        double[][] s = new double[w + 1][w + 1];
        for (int a = 0; a <= w; a++) {
            for (int b = 0; b <= w; b++) {
                double dot = 0;
                for (int t = 0; t < dims; t++) {
                    dot += (double) x[a][t] * x[b][t];
                }
                s[a][b] = step > 0 ? Math.rint(dot / step) * step : dot;
            }
        }
        double[] qs = new double[w];
        for (int j = 0; j < w; j++) {
            qs[j] = s[0][j + 1];
        }
        return new Case(qs, s, Arrays.copyOfRange(x, 1, w + 1), x[0]);
    }

    /** Each item's list: its {@code keep} most similar other items (ties by index), then entries dropped with probability drop. */
    private static int[][] lists(Case c, int keep, double drop, Random random, float[][] sims) {
        int w = c.qs.length;
        int[][] nb = new int[w][];
        for (int i = 0; i < w; i++) {
            int a = i;
            List<Integer> others = new ArrayList<>();
            for (int j = 0; j < w; j++) {
                if (j != a) {
                    others.add(j);
                }
            }
            others.sort(Comparator.<Integer>comparingDouble(j -> -c.s[a + 1][j + 1]).thenComparingInt(j -> j));
            List<Integer> kept = new ArrayList<>();
            for (int j : others.subList(0, Math.min(keep, others.size()))) {
                if (random.nextDouble() >= drop) {
                    kept.add(j);
                }
            }
            nb[i] = kept.stream().mapToInt(Integer::intValue).toArray();
            sims[i] = new float[nb[i].length];
            for (int t = 0; t < nb[i].length; t++) {
                sims[i][t] = (float) c.s[a + 1][nb[i][t] + 1];
            }
        }
        return nb;
    }

    private static void assertMatchesBrute(long seed, int w, int keep, double drop, double step, int k1, int k2, double lambda) {
        Random random = new Random(seed);
        Case c = randomCase(random, w, 6, step);
        float[][] sims = new float[w][];
        int[][] nb = lists(c, keep, drop, random, sims);
        KReciprocalDistances got = new KReciprocal(k1, k2, lambda).distances(c.qs, nb, sims, () -> {});
        double[] expected = brute(c.qs, nb, sims, k1, k2, lambda);
        assertArrayEquals("seed " + seed, expected, got.distances(), 1e-6);
    }

    @Test
    public void truncatedListsEqualTheDefinition() {
        for (long seed = 1; seed <= 12; seed++) {
            assertMatchesBrute(seed, 40, 8, 0.3, 0, 5, 3, 0.3);
            assertMatchesBrute(seed, 30, 12, 0.2, 0, 20, 6, 0.3);
        }
    }

    @Test
    public void tiesAreBrokenByLowerIndexAsTheDefinitionSays() {
        for (long seed = 20; seed <= 30; seed++) {
            assertMatchesBrute(seed, 35, 10, 0.25, 0.25, 6, 2, 0.5); // cosines in steps of 1/4: many exact ties
        }
    }

    @Test
    public void fullListsEqualTheWindowPath() {
        for (long seed = 40; seed <= 45; seed++) {
            Random random = new Random(seed);
            int w = 25;
            Case c = randomCase(random, w, 5, 0);
            float[][] sims = new float[w][];
            int[][] nb = lists(c, w - 1, 0, random, sims);
            for (int[] k : new int[][] { { 20, 6 }, { 4, 2 }, { 3, 1 } }) {
                KReciprocal reranking = new KReciprocal(k[0], k[1], 0.3);
                KReciprocalDistances stored = reranking.distances(c.qs, nb, sims, () -> {});
                KReciprocalDistances window = reranking.distances(c.query, c.vectors);
                assertArrayEquals(window.distances(), stored.distances(), 1e-6);
                assertArrayEquals(window.ranking(), stored.ranking());
            }
        }
    }

    /** A hand case: q and three items; item 0 names only item 1, item 1 names 0 and 2, item 2 names nothing. */
    @Test
    public void handCase() {
        double[] qs = { 0.9, 0.5, 0.0 };
        int[][] nb = { { 1 }, { 0, 2 }, {} };
        float[][] sims = { { 0.75f }, { 0.75f, 0.25f }, {} };
        // rows of d: q: (0.2, 1.0, 2.0) -> D (0.1, 0.5, 1); item 0 (point 1): q 0.2, p2 0.5 -> D q 0.4, p2 1
        // point 2: q 1.0, p1 0.5, p3 1.5 -> D q 2/3, p1 1/3, p3 1; point 3: q 2.0 -> D q 1
        // k1 1: R(a, 1) = {a} plus its first other when mutual: q-p1 (q's first is p1, p1's first is q) and p1..p2? p2's
        // first is p1 but p1's first is q: no. R(q) = {q, p1}, R(p1) = {p1, q}, R(p2) = {p2}, R(p3) = {p3, q}? q's first is p1:
        // no, R(p3) = {p3}. h = rint(0.5) = 0: R(c, 0) = {c}, never adds. k2 1: V' = V.
        // V(q) on {q, p1}: e^0, e^-0.1; V(p1) on {p1, q}: e^0, e^-0.4; V(p2) = e_p2; V(p3) = e_p3.
        double vq0 = 1 / (1 + Math.exp(-0.1));
        double vq1 = Math.exp(-0.1) / (1 + Math.exp(-0.1));
        double v11 = 1 / (1 + Math.exp(-0.4));
        double v10 = Math.exp(-0.4) / (1 + Math.exp(-0.4));
        double m = Math.min(vq0, v10) + Math.min(vq1, v11);
        double j1 = 1 - m / (2 - m);
        KReciprocalDistances got = new KReciprocal(1, 1, 0.3).distances(qs, nb, sims, () -> {});
        assertArrayEquals(new double[] { 0.7 * j1 + 0.3 * 0.1, 0.7 + 0.3 * 0.5, 0.7 + 0.3 * 1 }, got.distances(), 1e-12);
        assertArrayEquals(new int[] { 0, 1, 2 }, got.ranking());
        assertTrue(j1 < 1);
    }

    @Test
    public void malformedListsAreRejected() {
        KReciprocal r = KReciprocal.defaults();
        double[] qs = { 0.5, 0.5 };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> r.distances(qs, new int[][] { { 0 }, {} }, new float[][] { { 1f }, {} }, () -> {}));
        assertEquals("the list of window item [0] names position [0], which is outside [0, 2), the item itself or named twice",
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.distances(qs, new int[][] { { 2 }, {} }, new float[][] { { 1f }, {} },
            () -> {}));
        assertThrows(IllegalArgumentException.class, () -> r.distances(qs, new int[][] { {} }, new float[][] { {} }, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> r.distances(qs, new int[][] { { 1 }, {} }, new float[][] { {}, {} },
            () -> {}));
    }

    @Test
    public void estimateGrowsLinearlyInTheWindowForShortLists() {
        KReciprocal r = KReciprocal.defaults();
        long small = r.estimatedStoredListBytes(1_000, 50);
        long large = r.estimatedStoredListBytes(10_000, 50);
        assertTrue(large < 11 * small);
        assertTrue(r.estimatedStoredListBytes(1_000, 50) < r.estimatedBytes(1_000, 128) / 2);
    }
}
