package org.instanceretrieval.model.image;

import org.junit.Test;

import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class BilinearResizeTest {

    private static RgbImage greyRow(float... values) {
        float[] planes = new float[3 * values.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(values, 0, planes, c * values.length, values.length);
        }
        return new RgbImage(values.length, 1, planes);
    }

    @Test
    public void upsamplingARowByTwoByHand() {
        // Source [0, 4], 2 -> 4 pixels: sample points (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0),
        // 0.25, 0.75, 1.25 (clamped to the last pixel) -> 0, 1, 3, 4.
        RgbImage out = BilinearResize.resize(greyRow(0, 4), 4, 1);
        for (int x = 0; x < 4; x++) {
            assertEquals(new float[] { 0, 1, 3, 4 }[x], out.sample(1, x, 0), 1e-6f);
        }
    }

    @Test
    public void halvingAveragesPixelPairs() {
        Random random = new Random(7);
        int w = 8, h = 6;
        float[] planes = new float[3 * w * h];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = random.nextInt(256);
        }
        RgbImage image = new RgbImage(w, h, planes);
        RgbImage half = BilinearResize.resize(image, w / 2, h / 2);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h / 2; y++) {
                for (int x = 0; x < w / 2; x++) {
                    float mean = (image.sample(c, 2 * x, 2 * y) + image.sample(c, 2 * x + 1, 2 * y)
                        + image.sample(c, 2 * x, 2 * y + 1) + image.sample(c, 2 * x + 1, 2 * y + 1)) / 4;
                    assertEquals(mean, half.sample(c, x, y), 1e-4f);
                }
            }
        }
    }

    @Test
    public void matchesADirectPerPixelFormula() {
        Random random = new Random(11);
        int w = 13, h = 9;
        float[] planes = new float[3 * w * h];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = random.nextFloat() * 255;
        }
        RgbImage image = new RgbImage(w, h, planes);
        for (int[] size : new int[][] { { 5, 7 }, { 20, 4 }, { 13, 9 }, { 1, 1 } }) {
            RgbImage out = BilinearResize.resize(image, size[0], size[1]);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size[1]; y++) {
                    for (int x = 0; x < size[0]; x++) {
                        assertEquals(direct(image, c, x, y, size[0], size[1]), out.sample(c, x, y), 1e-3f);
                    }
                }
            }
        }
    }

    /** Textbook bilinear interpolation at the half-pixel-centre sample point, written independently. */
    private static double direct(RgbImage img, int c, int x, int y, int outW, int outH) {
        double sx = Math.min(Math.max((x + 0.5) * img.width() / outW - 0.5, 0), img.width() - 1);
        double sy = Math.min(Math.max((y + 0.5) * img.height() / outH - 0.5, 0), img.height() - 1);
        int xa = (int) sx, ya = (int) sy;
        int xb = Math.min(xa + 1, img.width() - 1), yb = Math.min(ya + 1, img.height() - 1);
        double ax = sx - xa, ay = sy - ya;
        return (1 - ax) * (1 - ay) * img.sample(c, xa, ya) + ax * (1 - ay) * img.sample(c, xb, ya)
            + (1 - ax) * ay * img.sample(c, xa, yb) + ax * ay * img.sample(c, xb, yb);
    }

    @Test
    public void resizePolicies() {
        // cirtorch: longest side at most 1024, never enlarged.
        assertArrayEquals(new int[] { 1024, 768 }, ResizePolicy.longestSide(1024).outputSize(2048, 1536));
        assertArrayEquals(new int[] { 800, 600 }, ResizePolicy.longestSide(1024).outputSize(800, 600));
        // seed: fixed 724 x 724 whatever the aspect ratio.
        assertArrayEquals(new int[] { 724, 724 }, ResizePolicy.fixed(724, 724).outputSize(1000, 500));
        assertArrayEquals(new double[] { 0.724, 1.448 }, ResizePolicy.fixed(724, 724).scaleFactors(1000, 500), 1e-12);
        assertArrayEquals(new int[] { 31, 17 }, ResizePolicy.original().outputSize(31, 17));
    }
}
