package org.instanceretrieval.pooling;

import org.instanceretrieval.math.VectorMath;

/**
 * cirtorch's L2 normalisation {@code x / (||x|| + eps)} (its {@code l2n} and the region terms of
 * {@code rmac}, eps = 1e-6). With eps = 0 it is the exact L2 normalisation of
 * {@link VectorMath#l2NormalizeInPlace}. A zero vector stays zero in both cases.
 */
final class L2WithEpsilon {

    private L2WithEpsilon() {}

    /** Normalises {@code v} in place by {@code ||v|| + eps} and returns it. */
    static float[] normalizeInPlace(float[] v, float eps) {
        if (eps == 0f) {
            return VectorMath.l2NormalizeInPlace(v);
        }
        float scale = 1f / (VectorMath.norm(v) + eps);
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    /** Validates an epsilon parameter: finite and {@code >= 0}. */
    static float requireValidEpsilon(float eps, String what) {
        if (Float.isFinite(eps) == false || eps < 0f) {
            throw new IllegalArgumentException(what + " must be finite and >= 0 but was [" + eps + "]");
        }
        return eps;
    }
}
