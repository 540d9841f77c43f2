package org.instanceretrieval.diffusion;

/**
 * Result of {@link ConjugateGradient#solve}: the solution f, the iteration that produced it
 * (MATLAB pcg's {@code iter}: 0 for the starting point), whether the tolerance was met, and the
 * relative residual ||y - (I - alpha S) f|| / ||y|| recomputed for the returned f (0 when y = 0).
 * Immutable; {@link #solution()} returns a copy.
 */
public final class CgSolution {

    private final double[] solution;
    private final int iterations;
    private final boolean converged;
    private final double relativeResidual;

    CgSolution(double[] solution, int iterations, boolean converged, double relativeResidual) {
        this.solution = solution;
        this.iterations = iterations;
        this.converged = converged;
        this.relativeResidual = relativeResidual;
    }

    /** The diffusion scores f, one per graph node (a copy). */
    public double[] solution() {
        return solution.clone();
    }

    /** f_i without copying the whole vector. */
    public double score(int i) {
        return solution[i];
    }

    /** Number of nodes. */
    public int size() {
        return solution.length;
    }

    /** Index of the iterate returned (0 = the zero start). */
    public int iterations() {
        return iterations;
    }

    /** True when ||r|| / ||y|| reached the tolerance (the recursive residual, as pcg tests it). */
    public boolean converged() {
        return converged;
    }

    /** ||y - (I - alpha S) f|| / ||y|| for the returned f. */
    public double relativeResidual() {
        return relativeResidual;
    }

    /** The ranking of the nodes by f (see {@link DiffusionRanking#order(double[])}). */
    public int[] ranking() {
        return DiffusionRanking.order(solution);
    }
}
