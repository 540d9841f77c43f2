package org.instanceretrieval.whitening;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Learns a PCA whitening (definitions, "Whitening": PCA whitening and dirtorch's power-law
 * variant) from a sample of L2-normalised descriptors. Immutable configuration; {@link #learn}
 * does the work.
 *
 * <p>Algorithm, in double precision (EJML):
 * <ol>
 *   <li>{@code m} = mean of the sample; covariance {@code C = Xc^T Xc / n} with {@code Xc} the
 *       centred sample (divided by {@code n}, not {@code n - 1}, as cirtorch's
 *       {@code pcawhitenlearn}), symmetrised;</li>
 *   <li>symmetric eigen-decomposition {@code C = V diag(lambda) V^T}, sorted by decreasing
 *       eigenvalue; each eigenvector has its largest-magnitude component positive, and equal
 *       eigenvalues are ordered by comparing their eigenvectors component by component (larger
 *       first), so the result is deterministic;</li>
 *   <li>effective eigenvalues {@code mu_i = max(lambda_i, 0) + shrinkage};</li>
 *   <li>{@code P = diag(mu^-power) V^T}, keeping the first {@code dimensions} rows, and only the
 *       rows whose {@code mu_i > rankTolerance * mu_1} (the numerical rank).</li>
 * </ol>
 *
 * <p>Singular covariance (fewer samples than dimensions, duplicated or degenerate samples):
 * with the default {@code shrinkage = 0} the whitening is truncated to the numerical rank, so
 * the learned whitening may have fewer output dimensions than requested (at most {@code n - 1}
 * for {@code n} samples); its {@link Whitening#outputDimension()} tells. The default rank
 * tolerance {@value #DEFAULT_RANK_TOLERANCE} (relative to the largest eigenvalue) is far above
 * the double-precision noise of the solver (about {@code d * 1e-16}) and below any variance a
 * float32 descriptor can carry. With {@code shrinkage > 0} every eigenvalue is lifted by
 * {@code shrinkage} ({@code C + shrinkage * I}) and all directions are kept. Neither path can
 * produce NaN or Inf. A sample whose covariance is exactly zero (all vectors identical, or a
 * single vector) has rank 0: it is rejected unless {@code shrinkage > 0}.
 */
public final class PcaWhitening {

    /** Power of full PCA whitening, {@code lambda^-1/2} (the default). */
    public static final double FULL_WHITENING_POWER = 0.5;
    /** Power of dirtorch's power-law whitening, {@code lambda^-1/4}. */
    public static final double POWER_LAW_POWER = 0.25;
    /** Default relative tolerance below which an eigenvalue counts as zero. */
    public static final double DEFAULT_RANK_TOLERANCE = 1e-10;
    /** Value of {@code dimensions} meaning "keep every dimension" (the default). */
    public static final int ALL_DIMENSIONS = 0;

    private final double power;
    private final int dimensions;
    private final double shrinkage;
    private final double rankTolerance;

    private PcaWhitening(double power, int dimensions, double shrinkage, double rankTolerance) {
        if ((power > 0 && power <= 1) == false) {
            throw new IllegalArgumentException("whitening power must be in (0, 1] but was [" + power + "]");
        }
        if (dimensions < 0) {
            throw new IllegalArgumentException("whitening dimensions must be positive (or ALL_DIMENSIONS) but was [" + dimensions + "]");
        }
        if ((shrinkage >= 0 && Double.isFinite(shrinkage)) == false) {
            throw new IllegalArgumentException("whitening shrinkage must be finite and >= 0 but was [" + shrinkage + "]");
        }
        if ((rankTolerance >= 0 && rankTolerance < 1) == false) {
            throw new IllegalArgumentException("whitening rank tolerance must be in [0, 1) but was [" + rankTolerance + "]");
        }
        this.power = power;
        this.dimensions = dimensions;
        this.shrinkage = shrinkage;
        this.rankTolerance = rankTolerance;
    }

    /**
     * Full PCA whitening with the defaults: power {@value #FULL_WHITENING_POWER}, all
     * dimensions, shrinkage 0, rank tolerance {@value #DEFAULT_RANK_TOLERANCE}.
     */
    public static PcaWhitening full() {
        return new PcaWhitening(FULL_WHITENING_POWER, ALL_DIMENSIONS, 0, DEFAULT_RANK_TOLERANCE);
    }

    /** dirtorch's power-law whitening: as {@link #full()} but with power {@value #POWER_LAW_POWER}. */
    public static PcaWhitening powerLaw() {
        return full().withPower(POWER_LAW_POWER);
    }

    /** Same configuration with eigenvalues raised to {@code -power}, {@code power} in (0, 1]. */
    public PcaWhitening withPower(double power) {
        return new PcaWhitening(power, dimensions, shrinkage, rankTolerance);
    }

    /**
     * Same configuration keeping the first {@code dimensions} rows (checked against the input
     * dimension in {@link #learn}: 1 to d_in), or {@link #ALL_DIMENSIONS}.
     */
    public PcaWhitening withDimensions(int dimensions) {
        return new PcaWhitening(power, dimensions, shrinkage, rankTolerance);
    }

    /** Same configuration with {@code shrinkage >= 0} added to every eigenvalue ({@code C + shrinkage I}). */
    public PcaWhitening withShrinkage(double shrinkage) {
        return new PcaWhitening(power, dimensions, shrinkage, rankTolerance);
    }

    /** Same configuration with another relative rank tolerance in [0, 1). */
    public PcaWhitening withRankTolerance(double rankTolerance) {
        return new PcaWhitening(power, dimensions, shrinkage, rankTolerance);
    }

    /**
     * Learns the whitening from {@code sample} (see the class documentation for the algorithm).
     *
     * @param sample descriptors, normally L2-normalised: at least one, all of the same dimension
     *               {@code d_in >= 1}, finite values; not modified
     * @return a whitening with input dimension {@code d_in} and output dimension
     *         {@code min(dimensions, numerical rank)}
     * @throws IllegalArgumentException on an empty, ragged or non-finite sample, {@code dimensions
     *                                  > d_in}, or a zero covariance without shrinkage
     */
    public Whitening learn(float[][] sample) {
        int d = Scatter.requireConsistent(sample, "whitening sample");
        if (dimensions > d) {
            throw new IllegalArgumentException(
                "whitening dimensions must be in [1, " + d + "] (the sample's dimension) but was [" + dimensions + "]");
        }
        int n = sample.length;
        double[] mean = Scatter.mean(sample, Scatter.identity(n));
        DMatrixRMaj covariance = Scatter.sumOfOuterProducts(n, d, (i, out) -> {
            for (int j = 0; j < d; j++) {
                out[j] = sample[i][j] - mean[j];
            }
        });
        CommonOps_DDRM.divide(covariance, n);

        SortedSymmetricEigen eigen = SortedSymmetricEigen.of(covariance);
        double largest = Math.max(eigen.values[0], 0) + shrinkage;
        if (largest <= 0) {
            throw new IllegalArgumentException(
                "whitening sample has zero covariance (all " + n + " vectors identical): use shrinkage > 0");
        }
        int wanted = dimensions == ALL_DIMENSIONS ? d : dimensions;
        int rows = 0;
        while (rows < wanted && Math.max(eigen.values[rows], 0) + shrinkage > rankTolerance * largest) {
            rows++;
        }
        float[][] projection = new float[rows][d];
        for (int i = 0; i < rows; i++) {
            double scale = Math.pow(Math.max(eigen.values[i], 0) + shrinkage, -power);
            for (int j = 0; j < d; j++) {
                projection[i][j] = (float) (scale * eigen.vectors[i][j]);
            }
        }
        float[] m = new float[d];
        for (int j = 0; j < d; j++) {
            m[j] = (float) mean[j];
        }
        return Whitening.of(projection, m);
    }

    @Override
    public String toString() {
        return "PcaWhitening[power=" + power + ", dimensions=" + (dimensions == ALL_DIMENSIONS ? "all" : dimensions)
            + ", shrinkage=" + shrinkage + ", rankTolerance=" + rankTolerance + "]";
    }
}
