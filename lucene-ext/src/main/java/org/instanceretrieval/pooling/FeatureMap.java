package org.instanceretrieval.pooling;

/**
 * An immutable C x H x W activation map (the output of a network's last convolutional layer,
 * "input: a C x H x W activation map" in the Pooling section of the retrieval definitions).
 *
 * <p>Values are laid out channel-major, as a contiguous PyTorch {@code [C][H][W]} tensor:
 * value {@code (c, y, x)} is at index {@code (c * H + y) * W + x}. The constructor copies and
 * validates the array. {@link #region} returns a view that shares the storage (no copy), which
 * is safe because nothing can modify it.
 *
 * <p>Values need not be non-negative (the definitions expect post-ReLU maps, but negative values
 * are legal input: GeM clamps them, MAC and SPoC take them as they are); they must be finite.
 */
public final class FeatureMap {

    private final float[] storage;
    private final int offset;
    private final int channelStride;
    private final int rowStride;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * Creates a map from channel-major values.
     *
     * @param channels C, {@code >= 1}
     * @param height   H, {@code >= 1}
     * @param width    W, {@code >= 1}
     * @param values   exactly C * H * W finite values, index {@code (c * H + y) * W + x}; copied
     * @throws IllegalArgumentException on a non-positive size, a length mismatch or a NaN/infinite value
     */
    public FeatureMap(int channels, int height, int width, float[] values) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                "feature map sizes must be positive but were C=" + channels + ", H=" + height + ", W=" + width);
        }
        if (values == null) {
            throw new IllegalArgumentException("feature map values must not be null");
        }
        long expected = (long) channels * height * width;
        if (expected > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature map of " + channels + "x" + height + "x" + width + " is too large for one array");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(
                "feature map " + channels + "x" + height + "x" + width + " needs " + expected + " values but got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.isFinite(values[i]) == false) {
                int c = i / (height * width);
                int y = (i / width) % height;
                int x = i % width;
                throw new IllegalArgumentException(
                    "feature map has a non-finite value [" + values[i] + "] at (c=" + c + ", y=" + y + ", x=" + x + ")");
            }
        }
        this.storage = values.clone();
        this.offset = 0;
        this.channelStride = height * width;
        this.rowStride = width;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    private FeatureMap(float[] storage, int offset, int channelStride, int rowStride, int channels, int height, int width) {
        this.storage = storage;
        this.offset = offset;
        this.channelStride = channelStride;
        this.rowStride = rowStride;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Number of channels C. */
    public int channels() {
        return channels;
    }

    /** Height H (rows). */
    public int height() {
        return height;
    }

    /** Width W (columns). */
    public int width() {
        return width;
    }

    /**
     * The value at channel {@code c}, row {@code y}, column {@code x}.
     *
     * @throws IndexOutOfBoundsException if an index is outside the map
     */
    public float get(int c, int y, int x) {
        if (c < 0 || c >= channels || y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException(
                "(c=" + c + ", y=" + y + ", x=" + x + ") is outside a " + channels + "x" + height + "x" + width + " map");
        }
        return storage[index(c, y, x)];
    }

    /**
     * A view of the rectangle of {@code width} columns starting at column {@code x} and
     * {@code height} rows starting at row {@code y}, all channels. Shares storage with this map.
     *
     * @throws IllegalArgumentException if the rectangle is empty or does not lie inside the map
     */
    public FeatureMap region(int x, int y, int width, int height) {
        return region(new Region(x, y, width, height));
    }

    /**
     * A view of {@code region} (all channels). Shares storage with this map.
     *
     * @throws IllegalArgumentException if the region does not lie inside the map
     */
    public FeatureMap region(Region region) {
        if (region.right() > width || region.bottom() > height) {
            throw new IllegalArgumentException(
                "region " + region + " does not fit in a map of width " + width + " and height " + height);
        }
        if (region.x() == 0 && region.y() == 0 && region.width() == width && region.height() == height) {
            return this;
        }
        return new FeatureMap(
            storage, offset + region.y() * rowStride + region.x(), channelStride, rowStride,
            channels, region.height(), region.width());
    }

    /** A new channel-major array {@code [C][H][W]} of this map's (or view's) values. */
    public float[] toArray() {
        float[] out = new float[channels * height * width];
        int k = 0;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int row = index(c, y, 0);
                System.arraycopy(storage, row, out, k, width);
                k += width;
            }
        }
        return out;
    }

    // Package-private raw access for the pooling loops (the loops are the algorithms themselves).

    float[] storage() {
        return storage;
    }

    /** Storage index of (c, y, x); row {@code y} of channel {@code c} is contiguous from index(c, y, 0). */
    int index(int c, int y, int x) {
        return offset + c * channelStride + y * rowStride + x;
    }
}
