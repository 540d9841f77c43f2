package org.instanceretrieval.math;

/**
 * All pairwise inner products of a set of double vectors, {@code out[a][b] = rows[a] . rows[b]} for {@code a != b} (the
 * diagonal is left as it is): the O(n^2 d) step of k-reciprocal re-ranking's distance matrix. Blocks of {@value #BLOCK} rows
 * are taken against every later row, so each later vector is read once per block instead of once per pair. Each product is
 * summed on the Vector API ({@link PanamaDoubleDots}) under the conditions of {@link ScoreKernels} ({@code
 * jdk.incubator.vector} present, 256-bit vectors or wider, {@link ScoreKernels#FORCE_SCALAR_PROPERTY} not set), else by the
 * portable loop ({@link #dot}) with four partial sums. Either agrees with the plain sum up to double rounding (the order of
 * the additions differs); a given JVM on a given CPU always gives the same result. Stateless.
 */
public final class DoubleDots {

    /** Rows taken together against every later row. */
    static final int BLOCK = 16;

    private static final boolean VECTORIZED = ScoreKernels.vectorized().isPresent() && panamaLinks();

    private DoubleDots() {}

    /**
     * Fills {@code out[a][b]} and {@code out[b][a]} with {@code rows[a] . rows[b]} for every pair {@code a < b}.
     *
     * @param rows vectors of one dimension
     * @param out  an n x n matrix (n = rows.length)
     * @param checkpoint run once per block of {@value #BLOCK} rows (throws to cancel)
     */
    public static void symmetric(double[][] rows, double[][] out, Runnable checkpoint) {
        boolean vector = VECTORIZED && Boolean.getBoolean(ScoreKernels.FORCE_SCALAR_PROPERTY) == false;
        walk(rows, out, checkpoint, vector ? PanamaDoubleDots::dot : DoubleDots::dot);
    }

    /** Whether {@link #symmetric} runs on the Vector API on this JVM (the property aside). */
    public static boolean vectorized() {
        return VECTORIZED;
    }

    /** One inner product. */
    @FunctionalInterface
    interface Dot {
        double dot(double[] x, double[] y);
    }

    /** The walk of {@link #symmetric}: blocks of {@value #BLOCK} rows against every later row, each product by {@code dot}. */
    static void walk(double[][] rows, double[][] out, Runnable checkpoint, Dot dot) {
        int n = rows.length;
        for (int a0 = 0; a0 < n; a0 += BLOCK) {
            checkpoint.run();
            int a1 = Math.min(n, a0 + BLOCK);
            for (int b = a0 + 1; b < n; b++) {
                double[] y = rows[b];
                for (int a = a0; a < Math.min(a1, b); a++) {
                    double d = dot.dot(rows[a], y);
                    out[a][b] = d;
                    out[b][a] = d;
                }
            }
        }
    }

    /** The portable product: four partial sums. */
    static double dot(double[] x, double[] y) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int t = 0;
        for (; t + 3 < x.length; t += 4) {
            s0 += x[t] * y[t];
            s1 += x[t + 1] * y[t + 1];
            s2 += x[t + 2] * y[t + 2];
            s3 += x[t + 3] * y[t + 3];
        }
        for (; t < x.length; t++) {
            s0 += x[t] * y[t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Whether the Vector API class links (it is first touched here, after the module check). */
    private static boolean panamaLinks() {
        try {
            return PanamaDoubleDots.lanes() >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }
}
