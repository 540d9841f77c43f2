package org.instanceretrieval.model.image;

import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.model.LimitedBudget;
import org.junit.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/**
 * The decoder reserves before it decodes. Expected sizes by hand: an 8-bit RGB PNG is decoded into a
 * 3-byte-per-pixel raster, read as 4-byte ints, kept as three 4-byte floats: 3 + 4 + 12 = 19 bytes
 * per pixel; a grey PNG has a 1-byte raster: 17 bytes per pixel.
 */
public class ImageDecoderMemoryTest {

    private static byte[] png(int width, int height, int type) throws IOException {
        BufferedImage image = new BufferedImage(width, height, type);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    public void anRgbPngReservesNineteenBytesPerPixelBeforeDecoding() throws IOException {
        byte[] png = png(100, 80, BufferedImage.TYPE_INT_RGB);
        long expected = 100 * 80 * 19;
        LimitedBudget exact = new LimitedBudget(expected);
        try (Reservation r = exact.reserve(0, "test")) {
            RgbImage image = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, r);
            assertEquals(100, image.width());
            assertEquals(expected, r.bytes());
            assertEquals(expected, exact.used());
        }
        assertEquals(0, exact.used());

        LimitedBudget tooSmall = new LimitedBudget(expected - 1);
        try (Reservation r = tooSmall.reserve(0, "test")) {
            LimitedBudget.Refused e = assertThrows(LimitedBudget.Refused.class,
                () -> new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, r));
            assertThat(e.getMessage(), containsString("decoding a 100x80 PNG image"));
            assertEquals(0, r.bytes());
        }
        assertEquals(0, tooSmall.used());
    }

    @Test
    public void aGreyPngReservesItsOneByteRaster() throws IOException {
        byte[] png = png(50, 40, BufferedImage.TYPE_BYTE_GRAY);
        LimitedBudget budget = new LimitedBudget(Long.MAX_VALUE);
        try (Reservation r = budget.reserve(0, "test")) {
            new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, r);
            assertEquals(50 * 40 * 17, r.bytes());
        }
    }

    @Test
    public void memoryHeldElsewhereCountsAgainstTheSameBudget() throws IOException {
        byte[] png = png(100, 80, BufferedImage.TYPE_INT_RGB);
        LimitedBudget budget = new LimitedBudget(2 * 100 * 80 * 19 - 1);
        try (Reservation other = budget.reserve(100 * 80 * 19, "another decode")) {
            try (Reservation r = budget.reserve(0, "test")) {
                assertThrows(LimitedBudget.Refused.class, () -> new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, r));
            }
        }
        try (Reservation r = budget.reserve(0, "test")) {
            assertEquals(100, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, r).width());
        }
        assertEquals(0, budget.used());
    }
}
