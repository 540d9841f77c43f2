package org.instanceretrieval.pooling;

/**
 * An axis-aligned rectangle on an integer grid: the cells {@code x <= column < x + width},
 * {@code y <= row < y + height}. Used for feature-map regions (cells of an activation map) and
 * for image patches (pixels). It knows nothing about the grid it lies on; whoever uses it
 * checks that it fits (see {@link FeatureMap#region(Region)}).
 *
 * @param x      left column, {@code >= 0}
 * @param y      top row, {@code >= 0}
 * @param width  number of columns, {@code >= 1}
 * @param height number of rows, {@code >= 1}
 */
public record Region(int x, int y, int width, int height) {

    /** Validates the rectangle: non-negative origin, positive size, no int overflow at the far edge. */
    public Region {
        if (x < 0 || y < 0) {
            throw new IllegalArgumentException("region origin must be non-negative but was (x=" + x + ", y=" + y + ")");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("region size must be positive but was " + width + "x" + height + " (width x height)");
        }
        if ((long) x + width > Integer.MAX_VALUE || (long) y + height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region " + x + "," + y + " " + width + "x" + height + " overflows int coordinates");
        }
    }

    /** Exclusive right edge, {@code x + width}. */
    public int right() {
        return x + width;
    }

    /** Exclusive bottom edge, {@code y + height}. */
    public int bottom() {
        return y + height;
    }
}
