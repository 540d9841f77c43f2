package org.instanceretrieval.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner product of {@link DoubleDots#symmetric} on the Java Vector API. Loaded only by {@link DoubleDots} after the
 * module check: referencing this class on a JVM without {@code jdk.incubator.vector} fails with a {@link LinkageError}.
 *
 * <p>Each product is summed in four vectors of lanes over consecutive chunks of {@code 4 lanes} dimensions (four
 * independent FMA chains), then one vector over the remaining whole vectors, the four added and their lanes added, then the
 * dimensions past the last whole vector one by one. Measured on 1,001 rows (AVX-512, Temurin 25): about 2.8x the scalar
 * form at 2,048 dimensions and 128 (docs/benchmarks.md, k-reciprocal).
 */
final class PanamaDoubleDots {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private PanamaDoubleDots() {}

    static int lanes() {
        return LANES;
    }

    /** The product of {@link DoubleDots}'s walk on this JVM. */
    static double dot(double[] x, double[] y) {
        int dim = x.length;
        int wholeFour = dim - dim % (4 * LANES);
        int whole = SPECIES.loopBound(dim);
        DoubleVector s0 = DoubleVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        for (; k < wholeFour; k += 4 * LANES) {
            s0 = DoubleVector.fromArray(SPECIES, x, k).fma(DoubleVector.fromArray(SPECIES, y, k), s0);
            s1 = DoubleVector.fromArray(SPECIES, x, k + LANES).fma(DoubleVector.fromArray(SPECIES, y, k + LANES), s1);
            s2 = DoubleVector.fromArray(SPECIES, x, k + 2 * LANES).fma(DoubleVector.fromArray(SPECIES, y, k + 2 * LANES), s2);
            s3 = DoubleVector.fromArray(SPECIES, x, k + 3 * LANES).fma(DoubleVector.fromArray(SPECIES, y, k + 3 * LANES), s3);
        }
        for (; k < whole; k += LANES) {
            s0 = DoubleVector.fromArray(SPECIES, x, k).fma(DoubleVector.fromArray(SPECIES, y, k), s0);
        }
        double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; k < dim; k++) {
            sum += x[k] * y[k];
        }
        return sum;
    }
}
