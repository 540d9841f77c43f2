package org.instanceretrieval.model.image;

import org.junit.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

    /** A 3x2 image whose pixel (x, y) has R = 40x + 1, G = 100y + 2, B = 7. */
    private static BufferedImage pattern(int type) {
        BufferedImage image = new BufferedImage(3, 2, type);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, ((40 * x + 1) << 16) | ((100 * y + 2) << 8) | 7);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (ImageIO.write(image, format, out) == false) {
            throw new AssertionError("no writer for " + format);
        }
        return out.toByteArray();
    }

    @Test
    public void pngDecodesLosslesslyIntoRgbPlanes() throws IOException {
        RgbImage image = decoder.decode(encode(pattern(BufferedImage.TYPE_INT_RGB), "png"));
        assertEquals(3, image.width());
        assertEquals(2, image.height());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(40 * x + 1, image.sample(0, x, y), 0f);
                assertEquals(100 * y + 2, image.sample(1, x, y), 0f);
                assertEquals(7, image.sample(2, x, y), 0f);
            }
        }
    }

    @Test
    public void greyscalePngBecomesThreeEqualChannels() throws IOException {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 200);
        RgbImage image = decoder.decode(encode(grey, "png"));
        assertEquals(200, image.sample(0, 1, 0), 0f);
        assertEquals(200, image.sample(1, 1, 0), 0f);
        assertEquals(200, image.sample(2, 1, 0), 0f);
        assertEquals(0, image.sample(0, 0, 0), 0f);
    }

    @Test
    public void jpegDecodesToCloseValues() throws IOException {
        BufferedImage flat = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                flat.setRGB(x, y, (120 << 16) | (60 << 8) | 200);
            }
        }
        RgbImage image = decoder.decode(encode(flat, "jpg"));
        assertEquals(16, image.width());
        // A flat colour survives JPEG up to rounding in the colour conversion.
        assertEquals(120, image.sample(0, 5, 5), 3f);
        assertEquals(60, image.sample(1, 5, 5), 3f);
        assertEquals(200, image.sample(2, 5, 5), 3f);
    }

    /**
     * A colourful JPEG takes the direct BGR-byte path; every sample equals what ImageIO's own reader and
     * getRGB (the general path) give for the same bytes.
     */
    @Test
    public void jpegBgrFastPathEqualsGetRgb() throws IOException {
        int w = 37, h = 23;
        BufferedImage noisy = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                noisy.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] jpeg = encode(noisy, "jpg");
        BufferedImage reference = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        assertTrue("ImageIO's JPEG reader returns interleaved BGR bytes", ImageDecoder.interleavedBgrBytes(reference));
        RgbImage decoded = new ImageDecoder(1_000_000).decode(jpeg);
        float[] planes = decoded.planesView();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = reference.getRGB(x, y), i = y * w + x;
                assertEquals((p >> 16) & 0xFF, planes[i], 0f);
                assertEquals((p >> 8) & 0xFF, planes[w * h + i], 0f);
                assertEquals(p & 0xFF, planes[2 * w * h + i], 0f);
            }
        }
    }

    @Test
    public void truncatedJpegIsRejected() throws IOException {
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(42);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noisy.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] jpeg = encode(noisy, "jpg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> decoder.decode(truncated));
        assertThat(e.getMessage(), containsString("corrupt or truncated JPEG"));
    }

    @Test
    public void corruptPngIsRejected() throws IOException {
        byte[] png = encode(pattern(BufferedImage.TYPE_INT_RGB), "png");
        byte[] corrupt = png.clone();
        for (int i = 40; i < corrupt.length - 12; i++) {
            corrupt[i] ^= 0x5A; // scramble the compressed pixel data
        }
        ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> decoder.decode(corrupt));
        assertThat(e.getMessage(), containsString("PNG"));
    }

    @Test
    public void unsupportedAndEmptyInputsNameTheProblem() {
        byte[] gif = "GIF89a....".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(assertThrows(ImageDecodingException.class, () -> decoder.decode(gif)).getMessage(),
            containsString("unsupported image format: expected JPEG or PNG data, found GIF data"));
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(assertThrows(ImageDecodingException.class, () -> decoder.decode(webp)).getMessage(), containsString("found WebP data"));
        byte[] text = "hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(assertThrows(ImageDecodingException.class, () -> decoder.decode(text)).getMessage(),
            containsString("found data starting with bytes [68656c6c6f20776f]"));
        assertEquals("image is empty", assertThrows(ImageDecodingException.class, () -> decoder.decode(new byte[0])).getMessage());
    }

    @Test
    public void declaredSizeAboveTheLimitIsRejectedBeforeDecoding() {
        // A PNG whose header claims 100000 x 100000 pixels but carries no pixel data at all:
        // only a check of the header can reject it without trying to allocate 30 GB.
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> decoder.decode(bomb));
        assertEquals("PNG image declares 100000x100000 = 10000000000 pixels, more than the limit of " + ImageDecoder.DEFAULT_MAX_PIXELS,
            e.getMessage());
        ImageDecoder small = new ImageDecoder(5);
        assertThrows(ImageDecodingException.class, () -> small.decode(encode(pattern(BufferedImage.TYPE_INT_RGB), "png")));
    }

    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteBuffer out = ByteBuffer.allocate(8 + 12 + 13);
        out.put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        out.putInt(13).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(ihdr.array());
        CRC32 crc = new CRC32();
        crc.update("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(ihdr.array());
        out.putInt((int) crc.getValue());
        return out.array();
    }
}
