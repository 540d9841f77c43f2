package org.instanceretrieval.demo.run;

import java.awt.image.BufferedImage;

/**
 * The baseline descriptor of the {@code --photos} table: a 16 x 16 RGB thumbnail of the whole image (aspect ignored),
 * each cell the area average of its pixels' 0-1 values, channel-major ({@code c * 256 + y * 16 + x}), minus the mean of
 * all 768 values, L2-normalised (the thumbnail of the backbone benchmark, docs/benchmarks.md). A constant image gives
 * the zero vector's fallback: every value {@code 1 / sqrt(768)}.
 */
public final class Thumbnail {

    /** Cells per side. */
    public static final int SIDE = 16;
    /** Vector length: 3 channels x 16 x 16. */
    public static final int DIMS = 3 * SIDE * SIDE;

    private Thumbnail() {}

    /** The thumbnail vector of a decoded image (any ImageIO type; read as sRGB through {@link BufferedImage#getRGB}). */
    public static float[] of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight(), cells = SIDE * SIDE;
        double[] sum = new double[DIMS];
        int[] count = new int[cells];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int cy = y * SIDE / h;
            for (int x = 0; x < w; x++) {
                int cell = cy * SIDE + x * SIDE / w, rgb = row[x];
                count[cell]++;
                sum[cell] += ((rgb >> 16) & 0xff) / 255.0;
                sum[cells + cell] += ((rgb >> 8) & 0xff) / 255.0;
                sum[2 * cells + cell] += (rgb & 0xff) / 255.0;
            }
        }
        double[] v = new double[DIMS];
        double mean = 0;
        for (int i = 0; i < DIMS; i++) {
            v[i] = count[i % cells] == 0 ? 0 : sum[i] / count[i % cells];
            mean += v[i] / DIMS;
        }
        double norm = 0;
        for (int i = 0; i < DIMS; i++) {
            v[i] -= mean;
            norm += v[i] * v[i];
        }
        float[] out = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            out[i] = norm == 0 ? (float) (1 / Math.sqrt(DIMS)) : (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }
}
