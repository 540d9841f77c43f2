package org.instanceretrieval.diffusion;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class AffinityGraphTest {

    /*
     * Six unit vectors in the plane at 0, 10, 30, 90, 95 and 200 degrees; s_ij = cos(angle
     * difference). With k = 2 (self excluded, similarity descending):
     *   0: 1 (cos 10 = .985), 2 (cos 30 = .866)          [3: cos 90 = 0]
     *   1: 0 (cos 10 = .985), 2 (cos 20 = .940)          [3: cos 80 = .174]
     *   2: 1 (cos 20 = .940), 0 (cos 30 = .866)          [3: cos 60 = .5]
     *   3: 4 (cos 5 = .996),  2 (cos 60 = .5)            [1: cos 80 = .174]
     *   4: 3 (cos 5 = .996),  2 (cos 65 = .423)          [1: cos 85 = .087]
     *   5: 4 (cos 105 = -.259), 3 (cos 110 = -.342)
     * Mutual pairs: 0-1, 0-2, 1-2, 3-4. Not mutual: 3->2, 4->2 (2 keeps 1 and 0), 5->4, 5->3.
     * So node 5 is isolated and node 2 only links to 0 and 1.
     */
    private static final double[] ANGLES = { 0, 10, 30, 90, 95, 200 };

    private static float[][] sixVectors() {
        float[][] v = new float[ANGLES.length][];
        for (int i = 0; i < v.length; i++) {
            v[i] = TestVectors.angle(ANGLES[i]);
        }
        return v;
    }

    private static double cube(double degrees) {
        return Math.pow(Math.cos(Math.toRadians(degrees)), 3);
    }

    @Test
    public void mutualNeighbourGraphWorkedByHand() {
        AffinityGraph graph = AffinityGraph.build(sixVectors(), new GraphParameters(2, 3));
        SparseMatrix a = graph.affinity();
        double a01 = cube(10), a02 = cube(30), a12 = cube(20), a34 = cube(5);
        assertArrayEquals(new int[] { 1, 2 }, a.rowColumns(0));
        assertArrayEquals(new int[] { 0, 2 }, a.rowColumns(1));
        assertArrayEquals(new int[] { 0, 1 }, a.rowColumns(2));
        assertArrayEquals(new int[] { 4 }, a.rowColumns(3));
        assertArrayEquals(new int[] { 3 }, a.rowColumns(4));
        assertArrayEquals(new int[0], a.rowColumns(5));
        assertEquals(a01, a.get(0, 1), 1e-6);
        assertEquals(a02, a.get(0, 2), 1e-6);
        assertEquals(a12, a.get(1, 2), 1e-6);
        assertEquals(a34, a.get(3, 4), 1e-6);
        for (int i = 0; i < 6; i++) {
            assertEquals("zero diagonal", 0, a.get(i, i), 0);
        }

        // degrees are row sums of A
        double d0 = a01 + a02, d1 = a01 + a12, d2 = a02 + a12;
        assertEquals(d0, graph.degree(0), 1e-6);
        assertEquals(d2, graph.degree(2), 1e-6);
        assertEquals(a34, graph.degree(3), 1e-6);
        assertEquals(0, graph.degree(5), 0);

        // S = D^-1/2 A D^-1/2
        SparseMatrix s = graph.normalized();
        assertEquals(a01 / Math.sqrt(d0 * d1), s.get(0, 1), 1e-6);
        assertEquals(a02 / Math.sqrt(d0 * d2), s.get(2, 0), 1e-6);
        assertEquals(a12 / Math.sqrt(d1 * d2), s.get(1, 2), 1e-6);
        // a single edge normalises to a34 / sqrt(a34 * a34) = 1
        assertEquals(1, s.get(3, 4), 1e-12);
        assertEquals(1, s.get(4, 3), 1e-12);
        // the isolated node has an empty row, never NaN
        assertEquals(0, s.rowLength(5));
        assertEquals(0, s.rowSum(5), 0);
    }

    @Test
    public void negativeMutualSimilarityLeavesIsolatedNodesWithoutNaN() {
        // two opposite vectors are each other's only neighbour (mutual) but s = -1 -> a = max(-1, 0)^3 = 0
        float[][] v = { { 1, 0 }, { -1, 0 } };
        AffinityGraph graph = AffinityGraph.build(v, new GraphParameters(1, 3));
        assertEquals(0, graph.normalized().nonZeros());
        assertEquals(0, graph.degree(0), 0);
        // with S = 0 the system is I f = y: f = y exactly, no NaN
        CgSolution f = ConjugateGradient.defaults().solve(graph.normalized(), new double[] { 0.5, 0 });
        assertArrayEquals(new double[] { 0.5, 0 }, f.solution(), 0);
        assertTrue(f.converged());
    }

    @Test
    public void randomGraphIsSymmetricWithMutualEdgesOnly() {
        float[][] v = TestVectors.clustered(90, 6, 5, 0.3, 7);
        int k = 6;
        AffinityGraph graph = AffinityGraph.build(v, new GraphParameters(k, 3));
        SparseMatrix s = graph.normalized();
        SparseMatrix a = graph.affinity();
        // independent kNN sets: sort all others by (similarity desc, index asc)
        boolean[][] isNeighbour = new boolean[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            final int row = i;
            Integer[] others = new Integer[v.length];
            for (int j = 0; j < v.length; j++) {
                others[j] = j;
            }
            java.util.Arrays.sort(others, (x, y) -> {
                if (x == row || y == row) {
                    return x == row ? (y == row ? 0 : 1) : -1;
                }
                int c = Double.compare(TestVectors.dot(v[row], v[y]), TestVectors.dot(v[row], v[x]));
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int t = 0; t < k; t++) {
                isNeighbour[i][others[t]] = true;
            }
        }
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                double sim = TestVectors.dot(v[i], v[j]);
                double expected = i != j && isNeighbour[i][j] && isNeighbour[j][i] && sim > 0 ? Math.pow(sim, 3) : 0;
                assertEquals("a[" + i + "," + j + "]", expected, a.get(i, j), 1e-6);
                assertEquals("symmetric S", s.get(i, j), s.get(j, i), 0);
                double di = graph.degree(i), dj = graph.degree(j);
                assertEquals(expected == 0 ? 0 : expected / Math.sqrt(di * dj), s.get(i, j), 1e-6);
            }
        }
    }

    @Test
    public void earlyTruncationBuildsAndRenormalisesTheSubgraph() {
        float[][] v = sixVectors();
        int[] candidates = { 0, 1, 3, 4 };
        GraphParameters p = new GraphParameters(2, 3);
        AffinityGraph sub = AffinityGraph.buildOnSubset(v, candidates, p);
        AffinityGraph direct = AffinityGraph.build(new float[][] { v[0], v[1], v[3], v[4] }, p);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(direct.normalized().rowColumns(i), sub.normalized().rowColumns(i));
            assertArrayEquals(direct.normalized().rowValues(i), sub.normalized().rowValues(i), 0);
        }
        /*
         * By hand, k = 2 on {0, 1, 3, 4} (local 0..3): 0 -> {1, 3} (cos 90 = 0 beats cos 95 < 0),
         * 1 -> {0, 3}, 3 -> {4, 1}, 4 -> {3, 1}. Mutual: 0-1, 1-3 (cos 80), 3-4. With node 2
         * gone, 1-3 is a new edge and every degree changes: the subgraph is re-normalised.
         */
        double a01 = cube(10), a13 = cube(80), a34 = cube(5);
        SparseMatrix s = sub.normalized();
        assertEquals(a01 / Math.sqrt(a01 * (a01 + a13)), s.get(0, 1), 1e-6);
        assertEquals(a13 / Math.sqrt((a01 + a13) * (a13 + a34)), s.get(1, 2), 1e-6);
        assertEquals(a34 / Math.sqrt((a13 + a34) * a34), s.get(2, 3), 1e-6);
        // late truncation (restricting the full S) is different: no 1-3 edge, old degrees
        SparseMatrix late = AffinityGraph.build(v, p).normalized().restrictTo(candidates);
        assertEquals(0, late.get(1, 2), 0);
        assertNotEquals(s.get(0, 1), late.get(0, 1), 1e-3);
    }

    @Test
    public void restrictToKeepsFullGraphValues() {
        AffinityGraph graph = AffinityGraph.build(sixVectors(), new GraphParameters(2, 3));
        SparseMatrix late = graph.normalized().restrictTo(new int[] { 2, 0, 5 });
        // local (0, 1) is full (2, 0); node 1 dropped, no re-normalisation
        assertEquals(graph.normalized().get(2, 0), late.get(0, 1), 0);
        assertEquals(graph.normalized().get(0, 2), late.get(1, 0), 0);
        assertEquals(0, late.rowLength(2));
        assertThrows(IllegalArgumentException.class, () -> graph.normalized().restrictTo(new int[] { 1, 1 }));
        assertThrows(IllegalArgumentException.class, () -> graph.normalized().restrictTo(new int[] { 6 }));
    }

    @Test
    public void validatesInput() {
        assertEquals("graph parameter [k] must be >= 1 but was [0]",
            assertThrows(IllegalArgumentException.class, () -> new GraphParameters(0, 3)).getMessage());
        assertEquals("graph parameter [gamma] must be finite and > 0 but was [0.0]",
            assertThrows(IllegalArgumentException.class, () -> new GraphParameters(5, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GraphParameters(5, Double.NaN));
        assertThrows(IllegalArgumentException.class,
            () -> AffinityGraph.build(new float[][] { { 1, 0 }, { 1, 0, 0 } }, GraphParameters.defaults()));
        assertThrows(IllegalArgumentException.class,
            () -> AffinityGraph.build(new float[][] { { 1, 0 }, { Float.NaN, 0 } }, GraphParameters.defaults()));
        assertEquals("candidate id [2] is repeated", assertThrows(IllegalArgumentException.class,
            () -> AffinityGraph.buildOnSubset(sixVectors(), new int[] { 2, 2 }, GraphParameters.defaults())).getMessage());
        assertEquals(50, GraphParameters.defaults().k());
        assertEquals(3, GraphParameters.defaults().gamma(), 0);
    }

    @Test
    public void emptyAndSingleNodeGraphs() {
        assertEquals(0, AffinityGraph.build(new float[0][], GraphParameters.defaults()).size());
        AffinityGraph one = AffinityGraph.build(new float[][] { { 1, 0 } }, GraphParameters.defaults());
        assertEquals(1, one.size());
        assertEquals(0, one.normalized().nonZeros());
    }
}
