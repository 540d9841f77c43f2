package org.instanceretrieval.pooling;

/**
 * MAC: maximum activation of convolutions, the per-channel maximum over all positions
 * ("MAC: per-channel max", Pooling section of the retrieval definitions; cirtorch's
 * {@code mac}). Output: C values, not normalised.
 */
public final class MacPooling implements Pooling {

    /** Creates MAC pooling (it has no parameters). */
    public MacPooling() {}

    @Override
    public float[] pool(FeatureMap map) {
        float[] out = new float[map.channels()];
        float[] data = map.storage();
        for (int c = 0; c < out.length; c++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int y = 0; y < map.height(); y++) {
                int row = map.index(c, y, 0);
                for (int x = 0; x < map.width(); x++) {
                    max = Math.max(max, data[row + x]);
                }
            }
            out[c] = max;
        }
        return out;
    }

    @Override
    public String toString() {
        return "MacPooling";
    }
}
