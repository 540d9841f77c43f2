package org.instanceretrieval.demo.dataset;

import org.junit.Test;

import java.awt.image.BufferedImage;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class PhotoRendererTests {

    private static BufferedImage opaqueCanvas(int argb) {
        BufferedImage canvas = new BufferedImage(ObjectDesign.CANVAS, ObjectDesign.CANVAS, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < canvas.getHeight(); y++) {
            for (int x = 0; x < canvas.getWidth(); x++) {
                canvas.setRGB(x, y, argb);
            }
        }
        return canvas;
    }

    @Test
    public void scaledAndTranslatedCanvasCoversTheBoxWorkedOutByHand() {
        PhotoRenderer renderer = new PhotoRenderer(320, 240);
        BufferedImage photo = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        // x' = 0.5 u + 10, y' = 0.5 v + 20: canvas [0, 159] maps to [10, 89.5] and [20, 99.5].
        double[] h = { 0.5, 0, 10, 0, 0.5, 20, 0, 0, 1 };
        int[] box = renderer.composite(photo, opaqueCanvas(0xFFFF0000), h);
        assertArrayEquals(new int[] { 10, 20, 90, 100 }, box);
        assertEquals(0xFF0000, photo.getRGB(50, 50) & 0xFFFFFF);
        assertEquals(0, photo.getRGB(5, 50) & 0xFFFFFF);
    }

    @Test
    public void inverseOfAHomographyUndoesIt() {
        double[] h = { 0.8, -0.3, 12, 0.2, 1.1, -5, 0.001, 0.002, 1 };
        double[] identity = PhotoRenderer.multiply(h, PhotoRenderer.invert(h));
        double[] expected = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        for (int i = 0; i < 9; i++) {
            assertEquals(expected[i], identity[i], 1e-12);
        }
    }
}
