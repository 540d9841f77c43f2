package org.instanceretrieval.math;

import java.util.Optional;

/**
 * Chooses the {@link ScoreKernel} for this JVM, following the pattern of Lucene's
 * {@code VectorizationProvider}: the Vector API kernel is used only when the
 * {@code jdk.incubator.vector} module is in the boot layer (Elasticsearch adds it to the node's
 * JVM from JDK 20 on; elsewhere pass {@code --add-modules=jdk.incubator.vector}) and the
 * preferred float species has at least {@link #MIN_LANES} lanes (AVX2 or wider); otherwise,
 * or when loading the class fails with a {@link LinkageError}, the portable scalar kernel
 * built on Lucene's {@code VectorUtil} is used. The choice is made once, when this class is
 * initialised, and never throws.
 */
public final class ScoreKernels {

    /** System property that, when {@code true}, makes {@link #best()} return the scalar kernel. */
    public static final String FORCE_SCALAR_PROPERTY = "instanceretrieval.kernels.scalar";

    /** Narrower vectors than this (8 float lanes, 256 bits) are not worth the Vector API. */
    public static final int MIN_LANES = 8;

    private static final ScoreKernel PANAMA = loadPanama();

    private ScoreKernels() {}

    /**
     * The fastest kernel available: the Vector API kernel if {@link #vectorized()} is present
     * and {@link #FORCE_SCALAR_PROPERTY} is not {@code true}, else {@link #scalar()}.
     *
     * @return the kernel to use; the property is read on every call
     */
    public static ScoreKernel best() {
        if (PANAMA != null && Boolean.getBoolean(FORCE_SCALAR_PROPERTY) == false) {
            return PANAMA;
        }
        return ScalarScoreKernel.INSTANCE;
    }

    /** @return the portable kernel (Lucene {@code VectorUtil} dot products, scalar counting) */
    public static ScoreKernel scalar() {
        return ScalarScoreKernel.INSTANCE;
    }

    /** @return the Vector API kernel, or empty when this JVM cannot run it (see the class notes) */
    public static Optional<ScoreKernel> vectorized() {
        return Optional.ofNullable(PANAMA);
    }

    private static ScoreKernel loadPanama() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // PanamaScoreKernel is first touched here, after the module check, so JVMs without
            // the module never try to link it.
            if (PanamaScoreKernel.lanes() < MIN_LANES) {
                return null;
            }
            return PanamaScoreKernel.INSTANCE;
        } catch (LinkageError e) {
            return null;
        }
    }

    /** Validation shared by the kernels' {@code prepare}. */
    static void checkCollection(float[] collection, int numRows, int dim) {
        if (collection == null) {
            throw new IllegalArgumentException("collection must not be null");
        }
        if (numRows < 1 || dim < 1) {
            throw new IllegalArgumentException(
                "collection needs at least one row and dimension, got [" + numRows + "] rows of dimension [" + dim + "]");
        }
        if ((long) numRows * dim > collection.length) {
            throw new IllegalArgumentException(
                "collection array of length [" + collection.length + "] is shorter than [" + numRows + "] rows of dimension [" + dim + "]");
        }
    }
}
