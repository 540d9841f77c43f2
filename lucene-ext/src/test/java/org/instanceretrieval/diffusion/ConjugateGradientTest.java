package org.instanceretrieval.diffusion;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class ConjugateGradientTest {

    private static final double ALPHA = 0.99;

    private static AffinityGraph randomGraph(int n, long seed) {
        return AffinityGraph.build(TestVectors.clustered(n, 16, 8, 0.35, seed), new GraphParameters(10, 3));
    }

    private static double[] queryVector(AffinityGraph graph, int n, long seed) {
        float[][] db = TestVectors.clustered(n, 16, 8, 0.35, seed);
        float[] q = TestVectors.clustered(1, 16, 1, 0.5, seed + 1)[0];
        return QueryWeighting.defaults().queryVector(db, q, BruteForceNeighbourSearch.INSTANCE);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    public void matchesDirectDenseSolve() {
        for (long seed : new long[] { 1, 2 }) {
            int n = 200;
            AffinityGraph graph = randomGraph(n, seed);
            double[] y = queryVector(graph, n, seed);
            CgSolution cg = new ConjugateGradient(ALPHA, 1e-12, 2000).solve(graph.normalized(), y);
            assertTrue(cg.converged());
            assertTrue(cg.relativeResidual() < 1e-10);

            DMatrixRMaj f = new DMatrixRMaj(n, 1);
            assertTrue(CommonOps_DDRM.solve(TestVectors.shiftedOperator(graph.normalized(), ALPHA), new DMatrixRMaj(n, 1, true, y), f));
            double[] diff = cg.solution();
            for (int i = 0; i < n; i++) {
                diff[i] -= f.get(i);
            }
            assertEquals("relative error vs EJML", 0, norm(diff) / norm(f.getData()), 1e-6);
        }
    }

    /**
     * Textbook CG (dense matrix, x0 = 0) that keeps the iterate with the smallest recursive
     * residual, the start included, as MATLAB's pcg does when it does not converge.
     * Returns {x..., iteration of x, relative true residual}.
     */
    private static double[] simpleCg(DMatrixRMaj a, double[] y, double tol, int maxIt) {
        int n = y.length;
        double[] x = new double[n], r = y.clone(), p = y.clone(), best = new double[n];
        double ny = norm(y), bestNorm = ny, rho = ny * ny;
        int bestIt = 0;
        boolean done = false;
        for (int it = 1; it <= maxIt && done == false; it++) {
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    q[i] += a.get(i, j) * p[j];
                }
            }
            double pq = 0;
            for (int i = 0; i < n; i++) {
                pq += p[i] * q[i];
            }
            double step = rho / pq;
            for (int i = 0; i < n; i++) {
                x[i] += step * p[i];
                r[i] -= step * q[i];
            }
            double rr = 0;
            for (double v : r) {
                rr += v * v;
            }
            if (Math.sqrt(rr) <= tol * ny) {
                done = true;
                best = x.clone();
                bestIt = it;
            } else if (Math.sqrt(rr) < bestNorm) {
                bestNorm = Math.sqrt(rr);
                best = x.clone();
                bestIt = it;
            }
            for (int i = 0; i < n; i++) {
                p[i] = r[i] + rr / rho * p[i];
            }
            rho = rr;
        }
        double res = 0;
        for (int i = 0; i < n; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a.get(i, j) * best[j];
            }
            res += (y[i] - ax) * (y[i] - ax);
        }
        double[] out = java.util.Arrays.copyOf(best, n + 2);
        out[n] = bestIt;
        out[n + 1] = Math.sqrt(res) / ny;
        return out;
    }

    @Test
    public void nonConvergenceReturnsTheMinimumResidualIterate() {
        int n = 120;
        // seed 2: the residual norm of iteration 2 exceeds that of iteration 1 (CG minimises the
        // error in the A-norm, not the residual), so the minimum-residual iterate is not the last
        AffinityGraph graph = randomGraph(n, 2);
        double[] y = queryVector(graph, n, 2);
        DMatrixRMaj a = TestVectors.shiftedOperator(graph.normalized(), ALPHA);
        for (int maxIt : new int[] { 1, 2, 5 }) {
            CgSolution cg = new ConjugateGradient(ALPHA, 1e-12, maxIt).solve(graph.normalized(), y);
            double[] expected = simpleCg(a, y, 1e-12, maxIt);
            assertFalse(cg.converged());
            assertArrayEquals(java.util.Arrays.copyOf(expected, n), cg.solution(), 1e-12);
            assertEquals((int) expected[n], cg.iterations());
            assertEquals(expected[n + 1], cg.relativeResidual(), 1e-12);
            assertTrue(cg.relativeResidual() < 1);
            if (maxIt > 1) {
                assertTrue("the case must exercise an earlier iterate", expected[n] < maxIt);
            }
        }
    }

    @Test
    public void defaultStoppingRuleMatchesSimpleCg() {
        int n = 150;
        AffinityGraph graph = randomGraph(n, 9);
        double[] y = queryVector(graph, n, 9);
        CgSolution cg = ConjugateGradient.defaults().solve(graph.normalized(), y);
        double[] expected = simpleCg(TestVectors.shiftedOperator(graph.normalized(), ALPHA), y, 1e-6, 20);
        assertArrayEquals(java.util.Arrays.copyOf(expected, n), cg.solution(), 1e-12);
        assertEquals((int) expected[n], cg.iterations());
    }

    @Test
    public void zeroRightHandSideGivesZero() {
        AffinityGraph graph = randomGraph(30, 3);
        CgSolution cg = ConjugateGradient.defaults().solve(graph.normalized(), new double[30]);
        assertArrayEquals(new double[30], cg.solution(), 0);
        assertEquals(0, cg.iterations());
        assertEquals(0, cg.relativeResidual(), 0);
        assertTrue(cg.converged());
    }

    @Test
    public void isolatedNodeNeverNaN() {
        // node 2 points away from everything: no mutual edge with positive similarity
        float[][] v = { { 1, 0 }, { 0.8f, 0.6f }, { -1, 0 } };
        AffinityGraph graph = AffinityGraph.build(v, new GraphParameters(1, 3));
        assertEquals(0, graph.degree(2), 0);
        CgSolution cg = ConjugateGradient.defaults().solve(graph.normalized(), new double[] { 1, 0, 1 });
        for (double f : cg.solution()) {
            assertTrue(Double.isFinite(f));
        }
        // isolated node: (1 - alpha * 0) f_2 = y_2
        assertEquals(1, cg.score(2), 1e-9);
    }

    @Test
    public void validates() {
        assertEquals("diffusion parameter [alpha] must be in (0, 1) but was [1.0]",
            assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(1, 1e-6, 20)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(0, 1e-6, 20));
        assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(Double.NaN, 1e-6, 20));
        assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(0.5, 0, 20));
        assertEquals("conjugate gradient [max_iterations] must be >= 1 but was [0]",
            assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient(0.5, 1e-6, 0)).getMessage());
        AffinityGraph graph = randomGraph(10, 1);
        assertThrows(IllegalArgumentException.class, () -> ConjugateGradient.defaults().solve(graph.normalized(), new double[9]));
        double[] bad = new double[10];
        bad[3] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> ConjugateGradient.defaults().solve(graph.normalized(), bad));
        ConjugateGradient d = ConjugateGradient.defaults();
        assertEquals(0.99, d.alpha(), 0);
        assertEquals(1e-6, d.tolerance(), 0);
        assertEquals(20, d.maxIterations());
    }
}
