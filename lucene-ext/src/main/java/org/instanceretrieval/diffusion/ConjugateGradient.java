package org.instanceretrieval.diffusion;

/**
 * Conjugate gradient for the diffusion system (I - alpha S) f = y of the retrieval definitions,
 * following MATLAB's {@code pcg} without preconditioner as used by Iscen et al.: start at
 * f = 0, stop when ||r|| / ||y|| &lt;= tolerance (recursive residual) or after
 * {@code maxIterations}; when the tolerance is not met, the iterate with the smallest residual
 * norm seen (the start included) is returned, as pcg does. y = 0 returns f = 0 at once.
 *
 * <p>S must be symmetric with spectral radius &lt;= 1 (as the normalised graph is) so that
 * I - alpha S is positive definite for 0 &lt; alpha &lt; 1. Arithmetic is in double (VectorUtil
 * is float-only; the loops here are the algorithm). The loops skip nodes the iterates cannot
 * reach yet (see the private {@code ActiveSet}); the result is bit for bit that of dense loops. Defaults: alpha {@value #DEFAULT_ALPHA},
 * tolerance {@value #DEFAULT_TOLERANCE}, {@value #DEFAULT_MAX_ITERATIONS} iterations.
 * Immutable and thread-safe.
 */
public final class ConjugateGradient {

    /** Default diffusion parameter. */
    public static final double DEFAULT_ALPHA = 0.99;
    /** Default relative residual tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    /** Default iteration limit. */
    public static final int DEFAULT_MAX_ITERATIONS = 20;

    private final double alpha;
    private final double tolerance;
    private final int maxIterations;

    /**
     * @param alpha         diffusion parameter, 0 &lt; alpha &lt; 1
     * @param tolerance     relative residual tolerance, finite and &gt; 0
     * @param maxIterations iteration limit, &gt;= 1
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public ConjugateGradient(double alpha, double tolerance, int maxIterations) {
        if ((alpha > 0 && alpha < 1) == false) {
            throw new IllegalArgumentException("diffusion parameter [alpha] must be in (0, 1) but was [" + alpha + "]");
        }
        if (Double.isFinite(tolerance) == false || tolerance <= 0) {
            throw new IllegalArgumentException("conjugate gradient [tolerance] must be finite and > 0 but was [" + tolerance + "]");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("conjugate gradient [max_iterations] must be >= 1 but was [" + maxIterations + "]");
        }
        this.alpha = alpha;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    /** alpha = 0.99, tolerance = 1e-6, 20 iterations. */
    public static ConjugateGradient defaults() {
        return new ConjugateGradient(DEFAULT_ALPHA, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
    }

    /** The diffusion parameter alpha. */
    public double alpha() {
        return alpha;
    }

    /** The relative residual tolerance. */
    public double tolerance() {
        return tolerance;
    }

    /** The iteration limit. */
    public int maxIterations() {
        return maxIterations;
    }

    /**
     * Solves (I - alpha S) f = y.
     *
     * @param s the normalised graph matrix (e.g. {@link AffinityGraph#normalized()})
     * @param y right-hand side, one finite entry per node
     * @throws IllegalArgumentException if y has the wrong length or a non-finite entry
     */
    public CgSolution solve(SparseMatrix s, double[] y) {
        int n = s.size();
        if (y.length != n) {
            throw new IllegalArgumentException("query vector y has length [" + y.length + "] but the graph has [" + n + "] nodes");
        }
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(y[i]) == false) {
                throw new IllegalArgumentException("query vector y has a non-finite value [" + y[i] + "] at index " + i);
            }
        }
        ActiveSet active = new ActiveSet(s, y);
        double normY = Math.sqrt(active.dot(y, y));
        if (normY == 0) {
            return new CgSolution(new double[n], 0, true, 0);
        }
        double[] x = new double[n];
        double[] r = y.clone();
        double[] p = y.clone();
        double[] q = new double[n];
        double rho = normY * normY;
        double[] best = x.clone();
        double bestNorm = normY;
        int bestIteration = 0;
        double threshold = tolerance * normY;
        for (int iteration = 1; iteration <= maxIterations; iteration++) {
            active.expand(); // q = (I - alpha S) p may be non-zero on the neighbours of p's support
            int[] rows = active.rows;
            int count = active.count;
            s.applyShiftedOperator(alpha, p, q, rows, count);
            double pq = active.dot(p, q);
            if ((pq > 0) == false) {
                break; // breakdown (pcg flag 4); cannot happen for a positive definite operator and p != 0
            }
            double step = rho / pq;
            double rr = 0;
            for (int t = 0; t < count; t++) {
                int i = rows[t];
                x[i] += step * p[i];
                r[i] -= step * q[i];
                rr += r[i] * r[i];
            }
            double normR = Math.sqrt(rr);
            if (normR <= threshold) {
                return new CgSolution(x, iteration, true, trueRelativeResidual(s, x, y, normY, active));
            }
            if (normR < bestNorm) {
                bestNorm = normR;
                bestIteration = iteration;
                for (int t = 0; t < count; t++) {
                    best[rows[t]] = x[rows[t]];
                }
            }
            double beta = rr / rho;
            rho = rr;
            for (int t = 0; t < count; t++) {
                int i = rows[t];
                p[i] = r[i] + beta * p[i];
            }
        }
        return new CgSolution(best, bestIteration, false, trueRelativeResidual(s, best, y, normY, active));
    }

    private double trueRelativeResidual(SparseMatrix s, double[] x, double[] y, double normY, ActiveSet active) {
        active.expand(); // (I - alpha S) x reaches one step beyond x's support
        double[] ax = new double[x.length];
        s.applyShiftedOperator(alpha, x, ax, active.rows, active.count);
        double sum = 0;
        for (int t = 0; t < active.count; t++) {
            int i = active.rows[t];
            double d = y[i] - ax[i];
            sum += d * d;
        }
        return Math.sqrt(sum) / normY;
    }

    /**
     * The nodes the iterates can be non-zero on: the support of y, grown by one graph step per
     * matrix product (S is symmetric, so row i of S p is non-zero only if i neighbours p's
     * support). Every vector is exactly 0 outside this set and the set is kept in ascending index
     * order, so restricting the loops to it gives bit for bit the dense result, while a query
     * whose diffusion stays local costs far less than a full sparse product. Past half the
     * graph it switches to all nodes.
     */
    private static final class ActiveSet {
        private final SparseMatrix s;
        private final boolean[] marked;
        private final int[] rows;
        private int count;
        private int[] frontier;
        private int frontierCount;
        private int[] added;
        private boolean all;

        ActiveSet(SparseMatrix s, double[] y) {
            this.s = s;
            int n = y.length;
            this.marked = new boolean[n];
            this.rows = new int[n];
            this.frontier = new int[n];
            this.added = new int[n];
            for (int i = 0; i < n; i++) {
                if (y[i] != 0) {
                    marked[i] = true;
                    rows[count++] = i;
                }
            }
            System.arraycopy(rows, 0, frontier, 0, count);
            frontierCount = count;
            if (count > n / 2) {
                useAll();
            }
        }

        void expand() {
            if (all || frontierCount == 0) {
                return;
            }
            int addedCount = s.markNeighbours(frontier, frontierCount, marked, added);
            int[] swap = frontier;
            frontier = added;
            added = swap;
            frontierCount = addedCount;
            if (addedCount == 0) {
                return;
            }
            count += addedCount;
            if (count > marked.length / 2) {
                useAll();
                return;
            }
            int t = 0;
            for (int i = 0; i < marked.length; i++) { // ascending order keeps the sums bit-identical
                if (marked[i]) {
                    rows[t++] = i;
                }
            }
        }

        private void useAll() {
            all = true;
            count = marked.length;
            for (int i = 0; i < count; i++) {
                rows[i] = i;
            }
        }

        double dot(double[] a, double[] b) {
            double sum = 0;
            for (int t = 0; t < count; t++) {
                int i = rows[t];
                sum += a[i] * b[i];
            }
            return sum;
        }
    }

    @Override
    public String toString() {
        return "ConjugateGradient[alpha=" + alpha + ", tolerance=" + tolerance + ", max_iterations=" + maxIterations + "]";
    }
}
