package org.instanceretrieval.graph;

import org.instanceretrieval.diffusion.AffinityGraph;
import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.Diffusion;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.diffusion.SparseMatrix;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.testing.ClusteredVectors;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.instanceretrieval.graph.NeighbourListCodecTest.assertRefused;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class StoredGraphDiffusionTest {

    /** A solver run to convergence, so that f can be compared with an exact dense solve. */
    private static ConjugateGradient converged(double alpha) {
        return new ConjugateGradient(alpha, 1e-13, 2000);
    }

    private static String id(int i) {
        return "doc-" + i;
    }

    // ---------------------------------------------------------------- dense brute force

    /**
     * The definition with dense matrices: a_ij = max(max(s_ij, s_ji), 0)^gamma if j is in the
     * first k of i's list, i in the first k of j's, both in the window, i != j.
     */
    private static double[][] denseAffinity(String[] window, NeighbourList[] lists, int k, double gamma) {
        int r = window.length;
        double[][] a = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                if (i == j) {
                    continue;
                }
                float sij = Float.NaN;
                float sji = Float.NaN;
                for (int t = 0; t < Math.min(k, lists[i].size()); t++) {
                    if (lists[i].id(t).equals(window[j])) {
                        sij = lists[i].similarity(t);
                    }
                }
                for (int t = 0; t < Math.min(k, lists[j].size()); t++) {
                    if (lists[j].id(t).equals(window[i])) {
                        sji = lists[j].similarity(t);
                    }
                }
                if (Float.isNaN(sij) == false && Float.isNaN(sji) == false) {
                    double s = Math.max(sij, sji);
                    a[i][j] = s > 0 ? Math.pow(s, gamma) : 0;
                }
            }
        }
        return a;
    }

    /** f of (I - alpha S) f = y, S = D^-1/2 A D^-1/2, solved by Gaussian elimination with partial pivoting. */
    private static double[] denseSolve(double[][] a, double[] y, double alpha) {
        int r = y.length;
        double[] d = new double[r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                d[i] += a[i][j];
            }
        }
        double[][] m = new double[r][r + 1];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double s = a[i][j] == 0 ? 0 : a[i][j] / Math.sqrt(d[i]) / Math.sqrt(d[j]);
                m[i][j] = (i == j ? 1 : 0) - alpha * s;
            }
            m[i][r] = y[i];
        }
        for (int c = 0; c < r; c++) {
            int p = c;
            for (int i = c + 1; i < r; i++) {
                if (Math.abs(m[i][c]) > Math.abs(m[p][c])) {
                    p = i;
                }
            }
            double[] tmp = m[c];
            m[c] = m[p];
            m[p] = tmp;
            for (int i = c + 1; i < r; i++) {
                double factor = m[i][c] / m[c][c];
                for (int j = c; j <= r; j++) {
                    m[i][j] -= factor * m[c][j];
                }
            }
        }
        double[] f = new double[r];
        for (int i = r - 1; i >= 0; i--) {
            double sum = m[i][r];
            for (int j = i + 1; j < r; j++) {
                sum -= m[i][j] * f[j];
            }
            f[i] = sum / m[i][i];
        }
        return f;
    }

    /** y: max(s, 0)^gamma on the kq largest similarities (ties: lower position), by a full sort. */
    private static double[] denseQuery(float[] sims, int kq, double gamma) {
        Integer[] order = new Integer[sims.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, z) -> sims[x] != sims[z] ? Float.compare(sims[z], sims[x]) : Integer.compare(x, z));
        double[] y = new double[sims.length];
        for (int t = 0; t < Math.min(kq, sims.length); t++) {
            y[order[t]] = sims[order[t]] > 0 ? Math.pow(sims[order[t]], gamma) : 0;
        }
        return y;
    }

    private static double[][] dense(SparseMatrix m) {
        double[][] out = new double[m.size()][m.size()];
        for (int i = 0; i < m.size(); i++) {
            for (int j = 0; j < m.size(); j++) {
                out[i][j] = m.get(i, j);
            }
        }
        return out;
    }

    /** Stored lists of a collection: each item's k best others by double dot product, id order on ties, plus noise per direction. */
    private static NeighbourList[] storedLists(float[][] v, int k, Random noise) {
        int n = v.length;
        NeighbourList[] lists = new NeighbourList[n];
        for (int i = 0; i < n; i++) {
            float[] s = new float[n];
            List<Integer> others = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int d = 0; d < v[i].length; d++) {
                    dot += (double) v[i][d] * v[j][d];
                }
                // an asymmetric perturbation: s_ij != s_ji, as from an approximate build
                s[j] = (float) dot + (noise == null ? 0f : (float) (noise.nextGaussian() * 1e-3));
                if (j != i) {
                    others.add(j);
                }
            }
            others.sort((x, z) -> s[x] != s[z] ? Float.compare(s[z], s[x]) : Integer.compare(x, z));
            int m = Math.min(k, others.size());
            String[] ids = new String[m];
            float[] sims = new float[m];
            for (int t = 0; t < m; t++) {
                ids[t] = id(others.get(t));
                sims[t] = s[others.get(t)];
            }
            lists[i] = new NeighbourList(ids, sims);
        }
        return lists;
    }

    // ---------------------------------------------------------------- tests

    @Test
    public void matchesDenseBruteForceOnRandomWindows() {
        Random random = new Random(2017);
        for (int trial = 0; trial < 30; trial++) {
            int n = 20 + random.nextInt(40);
            int storedK = 3 + random.nextInt(10);
            int k = 2 + random.nextInt(storedK); // may exceed the stored k: then the whole list
            int kq = 1 + random.nextInt(8);
            double gamma = trial % 3 == 0 ? 1 : 3;
            double alpha = trial % 2 == 0 ? 0.99 : 0.8;
            float[][] v = ClusteredVectors.generate(n, 6 + random.nextInt(10), 3 + random.nextInt(4), 0.3, trial);
            NeighbourList[] all = storedLists(v, storedK, trial % 2 == 0 ? random : null);
            // the window: R items by similarity to a query, in first-stage order
            float[] q = v[random.nextInt(n)].clone();
            q[0] += 0.3f;
            Integer[] byScore = new Integer[n];
            float[] qs = new float[n];
            for (int i = 0; i < n; i++) {
                byScore[i] = i;
                for (int d = 0; d < q.length; d++) {
                    qs[i] += q[d] * v[i][d];
                }
            }
            Arrays.sort(byScore, (x, z) -> qs[x] != qs[z] ? Float.compare(qs[z], qs[x]) : Integer.compare(x, z));
            int r = 5 + random.nextInt(n - 5);
            String[] window = new String[r];
            float[] sims = new float[r];
            NeighbourList[] lists = new NeighbourList[r];
            for (int i = 0; i < r; i++) {
                window[i] = id(byScore[i]);
                sims[i] = qs[byScore[i]];
                lists[i] = all[byScore[i]];
            }
            StoredGraphDiffusion diffusion = new StoredGraphDiffusion(
                new GraphParameters(k, gamma), new QueryWeighting(kq, gamma), converged(alpha));
            String what = "trial " + trial;

            double[][] a = denseAffinity(window, lists, k, gamma);
            double[][] got = dense(diffusion.windowAffinity(window, lists));
            for (int i = 0; i < r; i++) {
                assertArrayEquals(what + " A row " + i, a[i], got[i], 1e-12);
            }
            double[] expected = denseSolve(a, denseQuery(sims, kq, gamma), alpha);
            CgSolution solution = diffusion.diffuse(window, sims, lists);
            assertTrue(what, solution.converged());
            double scale = Arrays.stream(expected).map(Math::abs).max().orElse(1);
            assertArrayEquals(what + " f", expected, solution.solution(), 1e-6 * Math.max(1, scale));
            int[] ranking = solution.ranking();
            for (int t = 1; t < r; t++) {
                double before = solution.score(ranking[t - 1]);
                double after = solution.score(ranking[t]);
                assertTrue(what, before > after || (before == after && ranking[t - 1] < ranking[t]));
            }
        }
    }

    @Test
    public void handWorkedFourItemWindow() {
        // Window in first-stage order: a (0.5), c (0.4), b (0.3), d (0.2). Stored lists (k = 3):
        //   a: b 0.8, x 0.7 (outside the window), d 0.1   -> a-b mutual; a-d not (d does not list a)
        //   b: a 0.8, c 0.8, y 0.1                        -> b-a, b-c mutual
        //   c: b 0.8, z 0.6, a 0.5                        -> c-a not mutual (a does not list c)
        //   d: x 0.9, c 0.3, b 0.2                        -> neither lists d: d has no edge
        // gamma = 3: a_ab = a_bc = 0.8^3 = w; degrees a = w, b = 2w, c = w, d = 0;
        // S_ab = S_bc = w / sqrt(2 w^2) = 1/sqrt(2). kq = 1: y_a = 0.5^3 = 1/8, 0 elsewhere.
        // alpha = 1/2, beta = alpha / sqrt(2), beta^2 = 1/8:
        //   f_a - beta f_b = 1/8;  f_b - beta (f_a + f_c) = 0;  f_c - beta f_b = 0;  f_d = 0
        //   => f_c = beta f_b, f_b = beta f_a / (1 - beta^2) = (8/7) beta f_a,
        //      f_a (1 - beta^2 / (1 - beta^2)) = 1/8 => f_a = (1/8)(7/6) = 7/48,
        //      f_b = (8/7)(sqrt(2)/4)(7/48) = sqrt(2)/24, f_c = (sqrt(2)/4)(sqrt(2)/24) = 1/48.
        String[] window = { "a", "c", "b", "d" };
        float[] sims = { 0.5f, 0.4f, 0.3f, 0.2f };
        NeighbourList[] lists = {
            new NeighbourList(new String[] { "b", "x", "d" }, new float[] { 0.8f, 0.7f, 0.1f }),
            new NeighbourList(new String[] { "b", "z", "a" }, new float[] { 0.8f, 0.6f, 0.5f }),
            new NeighbourList(new String[] { "a", "c", "y" }, new float[] { 0.8f, 0.8f, 0.1f }),
            new NeighbourList(new String[] { "x", "c", "b" }, new float[] { 0.9f, 0.3f, 0.2f }) };
        StoredGraphDiffusion diffusion = new StoredGraphDiffusion(new GraphParameters(3, 3), new QueryWeighting(1, 3), converged(0.5));
        double w = Math.pow(0.8f, 3);
        double[][] expectedA = { { 0, 0, w, 0 }, { 0, 0, w, 0 }, { w, w, 0, 0 }, { 0, 0, 0, 0 } };
        double[][] a = dense(diffusion.windowAffinity(window, lists));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expectedA[i], a[i], 1e-15);
        }
        CgSolution f = diffusion.diffuse(window, sims, lists);
        // 0.5f and 0.8f are exact binary fractions only for 0.5: y_a = 1/8 exactly
        assertArrayEquals(new double[] { 7.0 / 48, 1.0 / 48, Math.sqrt(2) / 24, 0 }, f.solution(), 1e-12);
        assertArrayEquals(new int[] { 0, 2, 1, 3 }, f.ranking());
        // k = 1: only the first entry of each list: a-b (a: b, b: a) mutual; b-c gone
        StoredGraphDiffusion k1 = new StoredGraphDiffusion(new GraphParameters(1, 3), new QueryWeighting(1, 3), converged(0.5));
        assertEquals(2, k1.windowAffinity(window, lists).nonZeros());
    }

    @Test
    public void edgelessWindowGivesFEqualToY() {
        String[] window = { "p", "q", "r" };
        NeighbourList[] lists = {
            new NeighbourList(new String[] { "out-1" }, new float[] { 0.9f }),
            NeighbourList.empty(),
            new NeighbourList(new String[] { "p" }, new float[] { 0.9f }) }; // r lists p, p does not list r
        CgSolution f = new StoredGraphDiffusion(new GraphParameters(5, 3), new QueryWeighting(2, 3), ConjugateGradient.defaults())
            .diffuse(window, new float[] { 0.5f, -0.5f, 0.25f }, lists);
        // S = 0: f = y; kq = 2 takes p (0.5) and r (0.25); q is not among them and negative anyway
        assertArrayEquals(new double[] { 0.125, 0, 0.015625 }, f.solution(), 1e-15);
    }

    @Test
    public void affinityIsSymmetricWithAsymmetricStoredSimilaritiesAndIndependentOfWindowOrder() {
        float[][] v = ClusteredVectors.generate(40, 8, 3, 0.3, 99);
        NeighbourList[] all = storedLists(v, 8, new Random(5)); // s_ij != s_ji
        StoredGraphDiffusion diffusion = new StoredGraphDiffusion(new GraphParameters(8, 3), new QueryWeighting(3, 3), converged(0.9));
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            members.add(i);
        }
        String[] window = members.stream().map(StoredGraphDiffusionTest::id).toArray(String[]::new);
        NeighbourList[] lists = members.stream().map(i -> all[i]).toArray(NeighbourList[]::new);
        SparseMatrix a = diffusion.windowAffinity(window, lists);
        assertTrue(a.nonZeros() > 20);
        boolean asymmetricInput = false;
        for (int i = 0; i < 30; i++) {
            int[] cols = a.rowColumns(i);
            for (int j : cols) {
                assertEquals(Double.doubleToLongBits(a.get(i, j)), Double.doubleToLongBits(a.get(j, i)));
                asymmetricInput |= stored(lists[i], id(j)) != stored(lists[j], id(i));
                double larger = Math.max(stored(lists[i], id(j)), stored(lists[j], id(i)));
                assertEquals(Math.pow(larger, 3), a.get(i, j), 0);
            }
        }
        assertTrue("test data should have s_ij != s_ji", asymmetricInput);
        // the same window in another order: the same matrix, permuted
        Collections.shuffle(members, new Random(1));
        String[] shuffledWindow = members.stream().map(StoredGraphDiffusionTest::id).toArray(String[]::new);
        NeighbourList[] shuffledLists = members.stream().map(i -> all[i]).toArray(NeighbourList[]::new);
        SparseMatrix b = diffusion.windowAffinity(shuffledWindow, shuffledLists);
        for (int s = 0; s < 30; s++) {
            for (int t = 0; t < 30; t++) {
                assertEquals(a.get(members.get(s), members.get(t)), b.get(s, t), 0);
            }
        }
    }

    private static float stored(NeighbourList list, String id) {
        for (int t = 0; t < list.size(); t++) {
            if (list.id(t).equals(id)) {
                return list.similarity(t);
            }
        }
        throw new AssertionError(id + " not in " + list);
    }

    @Test
    public void differsFromRebuildingTheGraphInsideTheWindow() {
        int n = 300;
        int k = 6;
        float[][] v = ClusteredVectors.generate(n, 16, 12, 0.35, 7);
        // stored lists of the whole collection, from the blocked exact build (ids = "doc-" + ordinal)
        NeighbourList[] all = new NeighbourList[n];
        BlockedKnnGraph build = new BlockedKnnGraph(k, org.instanceretrieval.math.ScoreKernels.best(), 1);
        build.build(new BlockedKnnGraph.BlockSource() {
            @Override
            public int numBlocks() {
                return 3;
            }

            @Override
            public VectorBlock block(int b) {
                return VectorBlock.ofRows(Arrays.copyOfRange(v, b * 100, b * 100 + 100), b * 100);
            }
        }, (queries, lists) -> {
            for (int r = 0; r < queries.size(); r++) {
                String[] ids = Arrays.stream(lists[r].ids()).mapToObj(StoredGraphDiffusionTest::id).toArray(String[]::new);
                all[queries.ordinal(r)] = new NeighbourList(ids, lists[r].scores());
            }
        });
        float[] q = v[3].clone();
        float[] qs = new float[n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < q.length; d++) {
                qs[i] += q[d] * v[i][d];
            }
        }
        int[] candidates = org.instanceretrieval.diffusion.DiffusionRanking.top(qs, 40);
        String[] window = Arrays.stream(candidates).mapToObj(StoredGraphDiffusionTest::id).toArray(String[]::new);
        float[] sims = new float[candidates.length];
        NeighbourList[] lists = new NeighbourList[candidates.length];
        for (int s = 0; s < candidates.length; s++) {
            sims[s] = qs[candidates[s]];
            lists[s] = all[candidates[s]];
        }
        GraphParameters parameters = new GraphParameters(k, 3);
        QueryWeighting weighting = new QueryWeighting(5, 3);
        ConjugateGradient solver = converged(0.99);
        StoredGraphDiffusion stored = new StoredGraphDiffusion(parameters, weighting, solver);
        SparseMatrix storedA = stored.windowAffinity(window, lists);

        // it is the restriction of the whole collection's mutual-kNN graph to the window ...
        SparseMatrix restricted = AffinityGraph.build(v, parameters).affinity().restrictTo(candidates);
        assertEquals(restricted.nonZeros(), storedA.nonZeros());
        for (int s = 0; s < candidates.length; s++) {
            assertArrayEquals(restricted.rowColumns(s), storedA.rowColumns(s));
            assertArrayEquals(restricted.rowValues(s), storedA.rowValues(s), 0);
        }
        // ... and not the graph rebuilt inside the window, where items whose neighbours left
        // the window find other neighbours among the window items
        AffinityGraph rebuilt = AffinityGraph.buildOnSubset(v, candidates, parameters);
        int onlyInRebuilt = 0;
        for (int s = 0; s < candidates.length; s++) {
            for (int t : rebuilt.affinity().rowColumns(s)) {
                if (storedA.get(s, t) == 0) {
                    onlyInRebuilt++;
                }
            }
        }
        assertTrue("the rebuilt window graph should have edges the stored graph lacks", onlyInRebuilt > 0);
        double[] fStored = stored.diffuse(window, sims, lists).solution();
        double[] fRebuilt = Diffusion.onCandidates(v, candidates, parameters, weighting, solver, ExactNeighbourSearch.defaults())
            .solve(weighting.queryVector(sims)).solution();
        double maxDiff = 0;
        for (int s = 0; s < fStored.length; s++) {
            maxDiff = Math.max(maxDiff, Math.abs(fStored[s] - fRebuilt[s]));
        }
        assertTrue("f should differ, max difference " + maxDiff, maxDiff > 1e-3);
        // and the stored-graph f is the dense solve on the restricted graph
        double[] expected = denseSolve(dense(restricted), denseQuery(sims, 5, 3), 0.99);
        assertArrayEquals(expected, fStored, 1e-6 * Math.max(1, Arrays.stream(expected).max().orElse(1)));
    }

    @Test
    public void refusesInvalidWindows() {
        StoredGraphDiffusion d = StoredGraphDiffusion.defaults();
        NeighbourList e = NeighbourList.empty();
        assertRefused(() -> d.diffuse(new String[] { "a", "a" }, new float[] { 1, 1 }, new NeighbourList[] { e, e }),
            "window id [a] occurs at positions 0 and 1");
        assertRefused(() -> d.diffuse(new String[] { "a" }, new float[] { 1 }, new NeighbourList[] { e, e }), "[1] ids but [2] neighbour lists");
        assertRefused(() -> d.diffuse(new String[] { "a" }, new float[] { 1, 2 }, new NeighbourList[] { e }), "[1] ids but [2] similarities");
        assertRefused(() -> d.diffuse(new String[] { "a" }, new float[] { Float.NaN }, new NeighbourList[] { e }), "non-finite");
        assertRefused(() -> d.diffuse(new String[] { "a" }, new float[] { 1 }, new NeighbourList[] { null }), "neighbour list of window item [a] is null");
        assertRefused(() -> d.diffuse(new String[] { null }, new float[] { 1 }, new NeighbourList[] { e }), "position 0 is null");
        assertEquals(0, d.diffuse(new String[0], new float[0], new NeighbourList[0]).size());
    }

    @Test
    public void symmetricSparseMatrixFactoryValidates() {
        SparseMatrix m = SparseMatrix.symmetric(new int[] { 0, 1, 2 }, new int[] { 1, 0 }, new double[] { 0.5, 0.5 });
        assertEquals(0.5, m.get(1, 0), 0);
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 1, 2 }, new int[] { 1, 0 }, new double[] { 0.5, 0.25 }),
            "not symmetric at (0, 1)");
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 1, 1 }, new int[] { 1 }, new double[] { 0.5 }), "not symmetric");
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 1, 2 }, new int[] { 2, 0 }, new double[] { 1, 1 }), "out of range");
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 1, 2 }, new int[] { 0 }, new double[] { 1 }), "run from 0 to [1]");
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 2, 1, 2 }, new int[] { 0, 1 }, new double[] { 1, 1 }),
            "decrease at row [1]");
        assertRefused(() -> SparseMatrix.symmetric(new int[] { 0, 1 }, new int[] { 0 }, new double[] { Double.NaN }), "not finite");
    }
}
