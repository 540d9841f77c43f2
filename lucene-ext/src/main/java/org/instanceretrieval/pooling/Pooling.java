package org.instanceretrieval.pooling;

/**
 * Pools an activation map (or a rectangle of it) into one descriptor vector. Implementations
 * are immutable and thread-safe.
 *
 * <p>The per-channel poolings ({@link MacPooling}, {@link SpocPooling}, {@link GemPooling})
 * return a C-dimensional vector and do not normalise it; {@link RegionalPooling} and
 * {@link RmacPooling} return an L2-normalised vector; {@link GridPooling} returns
 * {@code cells * C} values. See each implementation for its dimension and normalisation.
 */
public interface Pooling {

    /** Pools the whole map. */
    float[] pool(FeatureMap map);

    /**
     * Pools the rectangle of {@code width} columns from column {@code x} and {@code height} rows
     * from row {@code y}, exactly as if that rectangle were the whole map (any spatial weighting,
     * such as SPoC's centre prior, is relative to the rectangle).
     *
     * @throws IllegalArgumentException if the rectangle is empty or does not lie inside the map
     */
    default float[] pool(FeatureMap map, int x, int y, int width, int height) {
        return pool(map.region(x, y, width, height));
    }
}
