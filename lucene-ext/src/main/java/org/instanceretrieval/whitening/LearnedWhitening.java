package org.instanceretrieval.whitening;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * Learns the supervised whitening "Lw" of Radenovic et al. (definitions, "Whitening": learned
 * whitening) from matching pairs {@code (q_i, p_i)} of descriptors. Immutable configuration;
 * {@link #learn} does the work.
 *
 * <p>Algorithm, in double precision (EJML), following cirtorch's {@code whitenlearn}
 * ({@code cirtorch/utils/whiten.py}):
 * <ol>
 *   <li>{@code m} = mean of the query vectors {@code x_{q_i}} over the pairs (a vector that is
 *       the query of several pairs counts several times);</li>
 *   <li>{@code Sigma = (1/k) sum_i (x_{q_i} - x_{p_i})(x_{q_i} - x_{p_i})^T} over the {@code k}
 *       pairs (not centred);</li>
 *   <li>Cholesky factor {@code L} of {@code Sigma + alpha I} (lower triangular, EJML). As in
 *       cirtorch, {@code alpha = 0} is tried first, then {@value #INITIAL_REGULARISATION},
 *       multiplied by {@value #REGULARISATION_GROWTH} until the factorisation succeeds (the
 *       matrix is positive definite); {@code P1 = L^-1};</li>
 *   <li>symmetric eigen-decomposition of {@code P1 (X - m)(X - m)^T P1^T}, where {@code X} holds
 *       <em>all</em> the given vectors (not only those in pairs) and the scatter is not divided
 *       by their number (cirtorch does not; it does not change the eigenvectors {@code V});
 *       eigenvectors sorted by decreasing eigenvalue, sign and tie order as in
 *       {@link PcaWhitening};</li>
 *   <li>{@code P = V^T P1}, keeping the first {@code dimensions} rows.</li>
 * </ol>
 *
 * <p>Property: when {@code alpha = 0} sufficed, the whitened pair differences {@code P (x_q -
 * x_p)} have second-moment matrix exactly {@code I} (their mean outer product). Unlike PCA
 * whitening the eigenvalues are not used for scaling, so a rank-deficient {@code X} cannot
 * produce NaN or Inf.
 */
public final class LearnedWhitening {

    /** First non-zero diagonal regularisation tried when {@code Sigma} is not positive definite. */
    public static final double INITIAL_REGULARISATION = 1e-10;
    /** Factor by which the regularisation grows on each failed Cholesky factorisation. */
    public static final double REGULARISATION_GROWTH = 10;
    /** Value of {@code dimensions} meaning "keep every dimension" (the default). */
    public static final int ALL_DIMENSIONS = 0;

    private final int dimensions;

    private LearnedWhitening(int dimensions) {
        if (dimensions < 0) {
            throw new IllegalArgumentException("whitening dimensions must be positive (or ALL_DIMENSIONS) but was [" + dimensions + "]");
        }
        this.dimensions = dimensions;
    }

    /** Lw keeping every dimension (the default). */
    public static LearnedWhitening full() {
        return new LearnedWhitening(ALL_DIMENSIONS);
    }

    /**
     * Lw keeping the first {@code dimensions} rows (checked against the input dimension in
     * {@link #learn}: 1 to d_in), or {@link #ALL_DIMENSIONS}.
     */
    public LearnedWhitening withDimensions(int dimensions) {
        return new LearnedWhitening(dimensions);
    }

    /**
     * Learns Lw (see the class documentation).
     *
     * @param vectors     all training descriptors {@code X}, normally L2-normalised: at least
     *                    one, one dimension {@code d_in >= 1}, finite values; not modified
     * @param queryIds    indices into {@code vectors} of the query of each pair
     * @param positiveIds indices into {@code vectors} of the matching image of each pair, same
     *                    length as {@code queryIds} (at least one pair)
     * @return the whitening, input dimension {@code d_in}, output dimension {@code dimensions}
     *         (or {@code d_in})
     * @throws IllegalArgumentException on empty, ragged or non-finite vectors, no pairs, pair
     *                                  arrays of different lengths, an index out of range, or
     *                                  {@code dimensions > d_in}
     */
    public Whitening learn(float[][] vectors, int[] queryIds, int[] positiveIds) {
        int d = Scatter.requireConsistent(vectors, "whitening training set");
        if (dimensions > d) {
            throw new IllegalArgumentException(
                "whitening dimensions must be in [1, " + d + "] (the vectors' dimension) but was [" + dimensions + "]");
        }
        if (queryIds == null || positiveIds == null || queryIds.length == 0) {
            throw new IllegalArgumentException("learned whitening needs at least one matching pair");
        }
        if (queryIds.length != positiveIds.length) {
            throw new IllegalArgumentException(
                "[" + queryIds.length + "] query ids but [" + positiveIds.length + "] positive ids: pairs must match one to one");
        }
        requireInRange(queryIds, vectors.length, "query id");
        requireInRange(positiveIds, vectors.length, "positive id");

        int pairs = queryIds.length;
        double[] mean = Scatter.mean(vectors, queryIds);
        DMatrixRMaj sigma = Scatter.sumOfOuterProducts(pairs, d, (i, out) -> {
            float[] q = vectors[queryIds[i]];
            float[] p = vectors[positiveIds[i]];
            for (int j = 0; j < d; j++) {
                out[j] = (double) q[j] - p[j];
            }
        });
        CommonOps_DDRM.divide(sigma, pairs);

        DMatrixRMaj p1 = inverseCholeskyFactor(sigma);

        DMatrixRMaj scatter = Scatter.sumOfOuterProducts(vectors.length, d, (i, out) -> {
            for (int j = 0; j < d; j++) {
                out[j] = vectors[i][j] - mean[j];
            }
        });
        DMatrixRMaj tmp = new DMatrixRMaj(d, d);
        DMatrixRMaj whitenedScatter = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(p1, scatter, tmp);
        CommonOps_DDRM.multTransB(tmp, p1, whitenedScatter);
        Scatter.symmetrize(whitenedScatter);
        SortedSymmetricEigen eigen = SortedSymmetricEigen.of(whitenedScatter);

        int rows = dimensions == ALL_DIMENSIONS ? d : dimensions;
        DMatrixRMaj vt = new DMatrixRMaj(rows, d);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(eigen.vectors[i], 0, vt.data, i * d, d);
        }
        DMatrixRMaj p = new DMatrixRMaj(rows, d);
        CommonOps_DDRM.mult(vt, p1, p);

        float[][] projection = new float[rows][d];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                projection[i][j] = (float) p.get(i, j);
            }
        }
        float[] m = new float[d];
        for (int j = 0; j < d; j++) {
            m[j] = (float) mean[j];
        }
        return Whitening.of(projection, m);
    }

    /**
     * {@code L^-1} for the Cholesky factor {@code L} of {@code sigma + alpha I}, with alpha grown
     * as described in the class documentation.
     */
    private static DMatrixRMaj inverseCholeskyFactor(DMatrixRMaj sigma) {
        int d = sigma.numRows;
        CholeskyDecomposition_F64<DMatrixRMaj> cholesky = DecompositionFactory_DDRM.chol(d, true);
        double alpha = 0;
        while (true) {
            DMatrixRMaj regularised = sigma.copy();
            for (int j = 0; j < d; j++) {
                regularised.add(j, j, alpha);
            }
            if (cholesky.decompose(regularised)) {
                DMatrixRMaj lower = cholesky.getT(null);
                if (positiveFiniteDiagonal(lower)) {
                    DMatrixRMaj inverse = new DMatrixRMaj(d, d);
                    TriangularSolver_DDRM.invertLower(lower.data, inverse.data, d);
                    if (allFinite(inverse)) {
                        return inverse;
                    }
                }
            }
            alpha = alpha == 0 ? INITIAL_REGULARISATION : alpha * REGULARISATION_GROWTH;
            if (Double.isFinite(alpha) == false) {
                throw new IllegalArgumentException("pair difference covariance could not be made positive definite");
            }
        }
    }

    private static boolean positiveFiniteDiagonal(DMatrixRMaj lower) {
        for (int j = 0; j < lower.numRows; j++) {
            double v = lower.get(j, j);
            if ((v > 0 && Double.isFinite(v)) == false) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(DMatrixRMaj m) {
        for (double v : m.data) {
            if (Double.isFinite(v) == false) {
                return false;
            }
        }
        return true;
    }

    private static void requireInRange(int[] ids, int size, String what) {
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0 || ids[k] >= size) {
                throw new IllegalArgumentException(what + " [" + ids[k] + "] of pair " + k + " is outside [0, " + size + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "LearnedWhitening[dimensions=" + (dimensions == ALL_DIMENSIONS ? "all" : dimensions) + "]";
    }
}
