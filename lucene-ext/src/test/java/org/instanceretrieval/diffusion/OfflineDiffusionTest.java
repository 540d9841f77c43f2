package org.instanceretrieval.diffusion;

import org.instanceretrieval.neighbours.ExactNeighbourSearch;

import org.apache.lucene.util.VectorUtil;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.Test;

import java.util.Arrays;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class OfflineDiffusionTest {

    private static final double ALPHA = 0.99;
    private static final ConjugateGradient TIGHT = new ConjugateGradient(ALPHA, 1e-12, 1000);

    /** All indices sorted by similarity to {@code q} descending, index ascending. */
    private static Integer[] sortedBySimilarity(float[][] db, float[] q) {
        Integer[] ids = new Integer[db.length];
        float[] sims = new float[db.length];
        for (int j = 0; j < db.length; j++) {
            ids[j] = j;
            sims[j] = VectorUtil.dotProduct(q, db[j]);
        }
        Arrays.sort(ids, (a, b) -> sims[a] != sims[b] ? Float.compare(sims[b], sims[a]) : Integer.compare(a, b));
        return ids;
    }

    /** Row i computed directly: T = i then its nTrunc - 1 nearest others; dense solve on S[T, T]. */
    private static double[] directRow(float[][] db, SparseMatrix s, int i, int nTrunc) {
        int[] t = new int[nTrunc];
        t[0] = i;
        int m = 1;
        for (int j : sortedBySimilarity(db, db[i])) {
            if (j != i && m < nTrunc) {
                t[m++] = j;
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(nTrunc, nTrunc);
        for (int u = 0; u < nTrunc; u++) {
            for (int v = 0; v < nTrunc; v++) {
                a.set(u, v, (u == v ? 1 : 0) - ALPHA * s.get(t[u], t[v]));
            }
        }
        DMatrixRMaj e = new DMatrixRMaj(nTrunc, 1);
        e.set(0, 0, 1);
        DMatrixRMaj x = new DMatrixRMaj(nTrunc, 1);
        assertTrue(CommonOps_DDRM.solve(a, e, x));
        double[] row = new double[db.length];
        for (int u = 0; u < nTrunc; u++) {
            row[t[u]] = x.get(u);
        }
        return row;
    }

    @Test
    public void onlineScoreEqualsSumOfDirectTruncatedSolves() {
        int n = 48, nTrunc = 12, kq = 5;
        float[][] db = TestVectors.clustered(n, 8, 4, 0.4, 21);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(5, 3));
        OfflineDiffusion offline = OfflineDiffusion.build(db, graph, nTrunc, TIGHT, ExactNeighbourSearch.defaults());
        assertEquals((long) n * nTrunc, offline.storedEntries());
        assertEquals(8L * n * nTrunc + 32L * n, offline.memoryBytes());

        QueryWeighting weighting = new QueryWeighting(kq, 3);
        for (long seed : new long[] { 1, 2, 3 }) {
            float[] q = TestVectors.clustered(1, 8, 1, 0.6, seed)[0];
            double[] expected = new double[n];
            Integer[] nearest = sortedBySimilarity(db, q);
            for (int t = 0; t < kq; t++) {
                int id = nearest[t];
                double w = Math.pow(Math.max(VectorUtil.dotProduct(q, db[id]), 0), 3);
                double[] row = directRow(db, graph.normalized(), id, nTrunc);
                for (int j = 0; j < n; j++) {
                    expected[j] += w * row[j];
                }
            }
            double[] online = offline.scores(ExactNeighbourSearch.defaults().prepare(db), q, weighting);
            double scale = Arrays.stream(expected).map(Math::abs).max().getAsDouble();
            assertArrayEquals(expected, online, 1e-6 * scale);
        }
    }

    @Test
    public void withoutTruncationOnlineEqualsFullDiffusion() {
        // nTrunc >= n: row i = (I - alpha S)^-1 e_i, so sum_j w_j row_j = (I - alpha S)^-1 y
        int n = 40;
        float[][] db = TestVectors.clustered(n, 8, 4, 0.4, 8);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(6, 3));
        OfflineDiffusion offline = OfflineDiffusion.build(db, graph, 1000, TIGHT, ExactNeighbourSearch.defaults());
        assertEquals((long) n * n, offline.storedEntries());
        float[] q = TestVectors.clustered(1, 8, 1, 0.6, 4)[0];
        Diffusion full = new Diffusion(db, graph, QueryWeighting.defaults(), TIGHT, ExactNeighbourSearch.defaults());
        double[] f = full.diffuse(q).solution();
        double[] online = offline.scores(ExactNeighbourSearch.defaults().prepare(db), q, QueryWeighting.defaults());
        double scale = Arrays.stream(f).map(Math::abs).max().getAsDouble();
        assertArrayEquals(f, online, 1e-6 * scale);
    }

    @Test
    public void rowsStartWithTheItemItself() {
        float[][] db = TestVectors.clustered(20, 4, 2, 0.3, 2);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(3, 3));
        OfflineDiffusion offline = OfflineDiffusion.build(db, graph, 5, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, offline.rowIds(i)[0]);
            assertEquals(5, offline.rowValues(i).length);
            // the unit source dominates its own solution: f_i >= 1 for a non-negative S
            assertTrue(offline.rowValues(i)[0] >= 1f);
        }
        // nTrunc = 1: only the item itself, (1 - alpha s_ii) x = 1 with s_ii = 0
        OfflineDiffusion single = OfflineDiffusion.build(db, graph, 1, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults());
        assertArrayEquals(new float[] { 1f }, single.rowValues(7), 0f);
    }

    @Test
    public void validates() {
        float[][] db = TestVectors.clustered(10, 4, 2, 0.3, 2);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(3, 3));
        assertEquals("offline diffusion [n_trunc] must be >= 1 but was [0]", assertThrows(IllegalArgumentException.class,
            () -> OfflineDiffusion.build(db, graph, 0, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults())).getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> OfflineDiffusion.build(Arrays.copyOf(db, 9), graph, 5, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults()));
        OfflineDiffusion offline = OfflineDiffusion.build(db, graph, 5, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults());
        assertThrows(IllegalArgumentException.class, () -> offline.scores(new int[] { 10 }, new double[] { 1 }));
        assertThrows(IllegalArgumentException.class, () -> offline.scores(new int[] { 1 }, new double[] { 1, 2 }));
        assertThrows(IllegalArgumentException.class, () -> offline.scores(new int[] { 1 }, new double[] { Double.NaN }));
    }

    @Test
    public void rowsReadBackScoreAsTheBuild() {
        float[][] db = TestVectors.clustered(30, 6, 3, 0.4, 5);
        OfflineDiffusion built = OfflineDiffusion.build(db, AffinityGraph.build(db, new GraphParameters(4, 3)), 10, TIGHT,
            ExactNeighbourSearch.defaults());
        int[][] ids = new int[30][];
        float[][] values = new float[30][];
        for (int i = 0; i < 30; i++) {
            ids[i] = built.rowIds(i);
            values[i] = built.rowValues(i);
        }
        OfflineDiffusion read = OfflineDiffusion.fromRows(ids, values);
        float[] q = TestVectors.clustered(1, 6, 1, 0.6, 7)[0];
        assertArrayEquals(built.scores(ExactNeighbourSearch.defaults().prepare(db), q, QueryWeighting.defaults()),
            read.scores(ExactNeighbourSearch.defaults().prepare(db), q, QueryWeighting.defaults()), 0);
        assertEquals(built.storedEntries(), read.storedEntries());
    }

    @Test
    public void rowsOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> OfflineDiffusion.fromRows(new int[][] { { 0, 2 } }, new float[][] { { 1f, 2f } }));
        assertThrows(IllegalArgumentException.class, () -> OfflineDiffusion.fromRows(new int[][] { { 0 } }, new float[][] { { 1f, 2f } }));
        assertThrows(IllegalArgumentException.class, () -> OfflineDiffusion.fromRows(new int[][] { { 0 } }, new float[0][]));
    }
}
