package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.onnx.DefaultModel;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Real PNG and JPEG files written with ImageIO, and the independent tensor path of the tests. */
public final class TestImages {

    private TestImages() {}

    /** A textured colour image: stripes, a gradient and a bright square whose place depends on {@code seed}. */
    public static BufferedImage textured(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + 37 * seed) & 0xFF;
                int g = ((x + 2 * y + seed) / 3 % 2 == 0) ? 200 : 40;
                int b = (int) (127 + 120 * Math.sin((x * (1 + seed % 3) + y) / 4.0));
                boolean square = Math.abs(x - (seed * 13) % width) < width / 6 && Math.abs(y - (seed * 7) % height) < height / 6;
                image.setRGB(x, y, square ? 0xF0F0F0 : (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (ImageIO.write(image, format, out) == false) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] png(int width, int height, int seed) {
        return encode(textured(width, height, seed), "png");
    }

    public static byte[] jpeg(int width, int height, int seed) {
        return encode(textured(width, height, seed), "jpeg");
    }

    /** The exact RGB samples of a (lossless) image, read with getRGB, as an {@link RgbImage}. */
    public static RgbImage pixels(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        float[] planes = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                planes[y * w + x] = (p >> 16) & 0xFF;
                planes[w * h + y * w + x] = (p >> 8) & 0xFF;
                planes[2 * w * h + y * w + x] = p & 0xFF;
            }
        }
        return new RgbImage(w, h, planes);
    }

    /** ImageNet normalisation written out directly (the independent path to {@code TensorLayout}). */
    public static float[] defaultModelTensor(RgbImage image) {
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    out[c * plane + y * image.width() + x] = (image.sample(c, x, y) / 255f - DefaultModel.MEAN[c]) / DefaultModel.STD[c];
                }
            }
        }
        return out;
    }

    /** The default model's output side for an input side (its documented formula). */
    public static int defaultModelSide(int inputSide) {
        int a = (inputSide + 1) / 2;
        int b = (a + 1) / 2;
        return b / 2;
    }
}
