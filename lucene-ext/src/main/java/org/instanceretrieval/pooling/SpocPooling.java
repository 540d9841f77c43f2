package org.instanceretrieval.pooling;

/**
 * SPoC: sum-pooling of convolutions (Pooling section of the retrieval definitions), in two
 * named variants:
 *
 * <ul>
 *   <li>{@link Weighting#MEAN} (default, as cirtorch's {@code spoc}): the per-channel mean over
 *       all H * W positions.</li>
 *   <li>{@link Weighting#PYRETRI_CENTRE_PRIOR}: PyRetri's SPoC aggregator (github.com/PyRetri/PyRetri,
 *       class {@code SPoC} among the aggregators in {@code pyretri/extract/aggregator/aggregators_impl},
 *       "SPoC with center prior", after Babenko and Lempitsky, arXiv:1510.07493). Each position
 *       is weighted by a Gaussian centred on the map,
 *       {@code g(y, x) = exp(-((x - (W-1)/2)^2 + (y - (H-1)/2)^2) / (2 sigma^2))} with
 *       {@code sigma = min(H, W) / 6} and coordinates of cell centres 0..W-1, 0..H-1 (so the centre
 *       of an even side lies between two cells), and the result is the weighted <em>sum</em>
 *       {@code sum_{y,x} g(y, x) * a(c, y, x)} — not divided by H * W nor by the sum of weights.
 *       The scale difference from the mean disappears under the L2 normalisation that follows
 *       pooling.</li>
 * </ul>
 *
 * When a rectangle is pooled the prior is centred on the rectangle, with H and W its size.
 * Output: C values, not normalised.
 */
public final class SpocPooling implements Pooling {

    /** How positions are weighted. */
    public enum Weighting {
        /** Plain per-channel mean (the default). */
        MEAN,
        /** PyRetri's Gaussian centre prior, sigma = min(H, W) / 6, weighted sum. */
        PYRETRI_CENTRE_PRIOR
    }

    private final Weighting weighting;

    /** Plain SPoC: the per-channel mean. */
    public SpocPooling() {
        this(Weighting.MEAN);
    }

    /**
     * SPoC with the given weighting.
     *
     * @throws IllegalArgumentException if {@code weighting} is null
     */
    public SpocPooling(Weighting weighting) {
        if (weighting == null) {
            throw new IllegalArgumentException("SPoC weighting must not be null");
        }
        this.weighting = weighting;
    }

    /** PyRetri's SPoC with the Gaussian centre prior. */
    public static SpocPooling withCentrePrior() {
        return new SpocPooling(Weighting.PYRETRI_CENTRE_PRIOR);
    }

    /** The weighting in use. */
    public Weighting weighting() {
        return weighting;
    }

    @Override
    public float[] pool(FeatureMap map) {
        int h = map.height();
        int w = map.width();
        double[] weights = weighting == Weighting.MEAN ? null : centrePrior(h, w);
        float[] data = map.storage();
        float[] out = new float[map.channels()];
        for (int c = 0; c < out.length; c++) {
            double sum = 0;
            for (int y = 0; y < h; y++) {
                int row = map.index(c, y, 0);
                for (int x = 0; x < w; x++) {
                    sum += weights == null ? data[row + x] : weights[y * w + x] * data[row + x];
                }
            }
            out[c] = (float) (weights == null ? sum / ((double) h * w) : sum);
        }
        return out;
    }

    /** The H x W Gaussian weights (row-major) of PyRetri's centre prior. */
    static double[] centrePrior(int height, int width) {
        double sigma = Math.min(height, width) / 6.0;
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        double[] weights = new double[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                weights[y * width + x] = Math.exp(-d2 / (2 * sigma * sigma));
            }
        }
        return weights;
    }

    @Override
    public String toString() {
        return "SpocPooling[" + weighting + "]";
    }
}
