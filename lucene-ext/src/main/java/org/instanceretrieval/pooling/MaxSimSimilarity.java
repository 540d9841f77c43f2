package org.instanceretrieval.pooling;

import java.util.List;
import org.instanceretrieval.math.VectorMath;

/**
 * Set-to-set similarity of two images described by patch descriptors (Razavian et al.,
 * "Visual Instance Retrieval with Deep Convolutional Networks", equations 3-4; retrieval
 * definitions, multi-resolution search): for each query patch the best-matching reference
 * patch, {@code d*(q) = max_r <q, r>} (equation 3, whose minimum over distances becomes a
 * maximum for a similarity, as the paper's footnote says), and the image similarity is the
 * <em>sum</em> of {@code d*} over all query patches (equation 4 sums, it does not average).
 * The dot product equals cosine similarity when the patch descriptors are L2-normalised, as
 * the paper's pipeline makes them.
 *
 * <p>Consequently the score grows with the number of query patches: compare scores only
 * between references for the same query (as ranking does).
 */
public final class MaxSimSimilarity {

    private MaxSimSimilarity() {}

    /**
     * {@code sum_{q in queryPatches} max_{r in referencePatches} <q, r>}, accumulated in double.
     *
     * @throws IllegalArgumentException if either set is null or empty, or a vector is null,
     *     non-finite or of a different dimension from the first query patch
     */
    public static double score(List<float[]> queryPatches, List<float[]> referencePatches) {
        float[] first = requireValidSet(queryPatches, null, "query");
        requireValidSet(referencePatches, first, "reference");
        double total = 0;
        for (float[] q : queryPatches) {
            float best = Float.NEGATIVE_INFINITY;
            for (float[] r : referencePatches) {
                best = Math.max(best, VectorMath.dot(q, r));
            }
            total += best;
        }
        return total;
    }

    private static float[] requireValidSet(List<float[]> patches, float[] reference, String what) {
        if (patches == null || patches.isEmpty()) {
            throw new IllegalArgumentException(what + " patch set must not be empty");
        }
        float[] dimensionOf = reference != null ? reference : patches.get(0);
        if (dimensionOf == null || dimensionOf.length == 0) {
            throw new IllegalArgumentException(what + " patch 0 must be a non-empty vector");
        }
        for (int i = 0; i < patches.size(); i++) {
            float[] p = patches.get(i);
            if (p == null) {
                throw new IllegalArgumentException(what + " patch " + i + " is null");
            }
            VectorMath.requireSameDimension(p, dimensionOf, what + " patch " + i, "query patch 0");
            VectorMath.requireFinite(p, what + " patch " + i);
        }
        return dimensionOf;
    }
}
