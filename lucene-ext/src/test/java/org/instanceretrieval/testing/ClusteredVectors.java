package org.instanceretrieval.testing;

import java.util.Random;
import org.instanceretrieval.math.VectorMath;

/** Seeded clustered unit vectors shared by the tests and benchmarks of several packages. */
public final class ClusteredVectors {

    private ClusteredVectors() {}

    /**
     * {@code clusters} Gaussian centres (L2-normalised) are drawn first; then item i =
     * L2(centre[i % clusters] + noise * Gaussian), one draw per dimension, items in order.
     *
     * @param n number of vectors
     * @param dim dimension
     * @param clusters number of groups
     * @param noise standard deviation of the per-dimension noise
     * @param seed seed of the {@link Random}
     * @return {@code n} unit vectors (a zero sum stays zero)
     */
    public static float[][] generate(int n, int dim, int clusters, double noise, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) random.nextGaussian();
            }
            VectorMath.l2NormalizeInPlace(c);
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) (centres[i % clusters][d] + noise * random.nextGaussian());
            }
            VectorMath.l2NormalizeInPlace(out[i]);
        }
        return out;
    }
}
