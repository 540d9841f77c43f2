package org.instanceretrieval.model.image;

/**
 * Bilinear resampling with half-pixel centres and edge clamping, without antialiasing: the
 * convention of PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}. Output
 * pixel {@code i} samples the source at {@code (i + 0.5) * in / out - 0.5}, clamped to the
 * image. Halving a side therefore averages pairs of source pixels exactly.
 */
public final class BilinearResize {

    private BilinearResize() {}

    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == image.width() && height == image.height()) {
            return image;
        }
        float[] src = image.planesView();
        int sw = image.width(), sh = image.height();
        int[] x0 = new int[width], x1 = new int[width];
        float[] fx = new float[width];
        axis(sw, width, x0, x1, fx);
        int[] y0 = new int[height], y1 = new int[height];
        float[] fy = new float[height];
        axis(sh, height, y0, y1, fy);
        float[] out = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            int base = c * sw * sh;
            for (int y = 0; y < height; y++) {
                int r0 = base + y0[y] * sw, r1 = base + y1[y] * sw;
                for (int x = 0; x < width; x++) {
                    float top = src[r0 + x0[x]] + fx[x] * (src[r0 + x1[x]] - src[r0 + x0[x]]);
                    float bottom = src[r1 + x0[x]] + fx[x] * (src[r1 + x1[x]] - src[r1 + x0[x]]);
                    out[(c * height + y) * width + x] = top + fy[y] * (bottom - top);
                }
            }
        }
        return RgbImage.owning(width, height, out);
    }

    /** Source indices and interpolation weights along one axis. */
    private static void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double s = Math.max(0, (i + 0.5) * scale - 0.5);
            int lo = Math.min((int) Math.floor(s), in - 1);
            i0[i] = lo;
            i1[i] = Math.min(lo + 1, in - 1);
            frac[i] = (float) (s - lo);
        }
    }
}
