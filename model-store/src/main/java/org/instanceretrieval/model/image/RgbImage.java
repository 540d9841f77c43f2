package org.instanceretrieval.model.image;

/**
 * A decoded image: 8-bit RGB samples, row-major, three planes (R, G, B), each
 * {@code width * height} values in 0..255 stored as floats so that resizing and normalising
 * work on one representation. Immutable: operations return new images.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final float[] planes;

    /** @param planes R plane, then G plane, then B plane; each row-major {@code width * height} */
    public RgbImage(int width, int height, float[] planes) {
        this(width, height, planes, true);
    }

    /** Takes {@code planes} without copying it when {@code copy} is false (the caller gives it up). */
    private RgbImage(int width, int height, float[] planes, boolean copy) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (planes.length != 3L * width * height) {
            throw new IllegalArgumentException("expected " + 3L * width * height + " samples for " + width + "x" + height
                + " RGB, got " + planes.length);
        }
        this.width = width;
        this.height = height;
        this.planes = copy ? planes.clone() : planes;
    }

    /**
     * An image owning {@code planes}, which the caller must never touch again: for the decoder and
     * the resampler of this package, which would otherwise hold two copies of a large image.
     */
    static RgbImage owning(int width, int height, float[] planes) {
        return new RgbImage(width, height, planes, false);
    }

    /** The planes themselves, not a copy: for read-only use inside this package. */
    float[] planesView() {
        return planes;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Sample of channel {@code c} (0 = R, 1 = G, 2 = B) at column {@code x}, row {@code y}. */
    public float sample(int c, int x, int y) {
        return planes[(c * height + y) * width + x];
    }

    /** A copy of the three planes. */
    public float[] planes() {
        return planes.clone();
    }

    /** The sub-image of columns {@code [x0, x1)} and rows {@code [y0, y1)}. */
    public RgbImage crop(int x0, int y0, int x1, int y1) {
        if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x0 >= x1 || y0 >= y1) {
            throw new IllegalArgumentException("crop [" + x0 + "," + y0 + "," + x1 + "," + y1 + ") is empty or outside the "
                + width + "x" + height + " image");
        }
        int w = x1 - x0, h = y1 - y0;
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(planes, (c * height + y0 + y) * width + x0, out, (c * h + y) * w, w);
            }
        }
        return owning(w, h, out);
    }

    /** Heap bytes of the samples of a {@code width x height} image: three float planes. */
    public static long bytes(long width, long height) {
        return 3L * Float.BYTES * width * height;
    }
}
