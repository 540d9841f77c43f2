package org.instanceretrieval.rest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Images the real-node tests send. */
public final class TestImages {

    private TestImages() {}

    /** A small textured PNG (gradients), which the default model describes. */
    public static byte[] smallPng(int seed) {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, ((x * 8 + seed * 40) & 0xFF) << 16 | ((y * 10) & 0xFF) << 8 | ((x * y + seed) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
