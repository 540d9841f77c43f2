package org.instanceretrieval.model.image;

import org.instanceretrieval.memory.Reservation;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG bytes into an {@link RgbImage} with the JDK's ImageIO codecs.
 * <p>
 * Defences, in order: the format is recognised by its magic bytes; the header's declared size
 * is checked against {@code maxPixels} <em>before</em> any pixel is decoded (decompression
 * bombs); a decoder warning (ImageIO reports a truncated JPEG as a warning and fills the rest
 * with grey) is treated as an error. Greyscale and palette images are expanded to RGB; alpha
 * is dropped. Thread-safe: each call uses its own reader.
 * <p>
 * <b>Memory.</b> {@link #decode(byte[], Reservation)} grows the caller's reservation by
 * {@link #decodeBytes} of the header's size <em>before</em> any pixel is decoded: the codec's raster
 * (its bytes per pixel read from the header's sample model, 8 when the codec does not say), the
 * {@code int} ARGB or grey samples read from it (4 bytes per pixel) and the three float planes of the
 * {@link RgbImage} (12 bytes per pixel). When the reservation cannot grow, its exception propagates
 * unchanged and nothing is decoded.
 */
public final class ImageDecoder {

    /** Default pixel budget: 64 megapixels (an 8000 x 8000 photo). */
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

    static {
        // Never spill to temporary files: decoding stays in memory (and needs no file entitlement).
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes without accounting memory (tools and tests). */
    public RgbImage decode(byte[] data) {
        try (Reservation untracked = Reservation.untracked(0)) {
            return decode(data, untracked);
        }
    }

    /**
     * Decodes {@code data}, first growing {@code reservation} by {@link #decodeBytes} for the size the
     * header declares. The caller closes the reservation once the returned image is unreachable.
     *
     * @throws ImageDecodingException for data that is not a decodable JPEG or PNG within the pixel limit
     */
    public RgbImage decode(byte[] data, Reservation reservation) {
        if (data == null || data.length == 0) {
            throw new ImageDecodingException("image is empty");
        }
        ImageFormat format = ImageFormat.detect(data);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name());
            if (readers.hasNext() == false) {
                throw new ImageDecodingException("no decoder for " + format + " in this JVM");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ImageDecodingException(format + " header declares an empty image " + width + "x" + height);
                }
                if (width * height > maxPixels) {
                    throw new ImageDecodingException(format + " image declares " + width + "x" + height + " = " + width * height
                        + " pixels, more than the limit of " + maxPixels);
                }
                long bytes = decodeBytes(width, height, rasterBytesPerPixel(reader));
                try {
                    reservation.grow(bytes, "decoding a " + width + "x" + height + " " + format + " image (raster, samples and RGB floats)");
                } catch (RuntimeException refused) {
                    throw new Refused(refused);
                }
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warnings.length() == 0 ? "" : "; ").append(warning));
                BufferedImage image = reader.read(0);
                if (warnings.length() > 0) {
                    throw new ImageDecodingException("corrupt or truncated " + format + " image: " + warnings);
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (Refused refused) {
            throw (RuntimeException) refused.getCause();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodingException ide) {
                throw ide;
            }
            throw new ImageDecodingException("corrupt or truncated " + format + " image: " + e.getMessage(), e);
        }
    }

    /**
     * Heap bytes that decoding a {@code width x height} image allocates at its peak: the codec's raster
     * ({@code rasterBytesPerPixel}), the int samples read from it (4) and the RGB float planes (12), per pixel.
     */
    public static long decodeBytes(long width, long height, int rasterBytesPerPixel) {
        return width * height * (rasterBytesPerPixel + Integer.BYTES) + RgbImage.bytes(width, height);
    }

    /** The codec's raster bytes per pixel for the image's declared type; 8 (16-bit RGBA) when unknown. */
    private static int rasterBytesPerPixel(ImageReader reader) {
        try {
            ImageTypeSpecifier type = reader.getRawImageType(0);
            if (type == null && reader.getImageTypes(0).hasNext()) {
                type = reader.getImageTypes(0).next();
            }
            if (type != null) {
                SampleModel model = type.getSampleModel(1, 1);
                int bits = model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getTransferType());
                return Math.max(1, (bits + 7) / 8);
            }
        } catch (IOException | RuntimeException ignored) {
            // the read itself reports a broken header
        }
        return 8;
    }

    /** Carries the reservation's own exception past the catch-all that turns codec failures into decoding errors. */
    private static final class Refused extends RuntimeException {
        Refused(RuntimeException cause) {
            super(cause);
        }
    }

    /** A {@code TYPE_3BYTE_BGR} sRGB image whose raster is one whole, unshared byte array of w x h x 3 samples. */
    static boolean interleavedBgrBytes(BufferedImage image) {
        var raster = image.getRaster();
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
            && image.getColorModel().getColorSpace().isCS_sRGB()
            && raster.getDataBuffer() instanceof java.awt.image.DataBufferByte buffer
            && buffer.getNumBanks() == 1
            && raster.getParent() == null
            && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
            && raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel model
            && model.getPixelStride() == 3 && model.getScanlineStride() == 3 * image.getWidth()
            && java.util.Arrays.equals(model.getBandOffsets(), new int[] { 2, 1, 0 })
            && buffer.getOffset() == 0 && buffer.getData().length == 3 * image.getWidth() * image.getHeight();
    }

    private static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int plane = w * h;
        float[] planes = new float[3 * plane];
        var raster = image.getRaster();
        boolean grey = image.getColorModel() instanceof java.awt.image.IndexColorModel == false
            && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        if (grey) {
            // Take grey samples as they are stored (as PIL does); getRGB would apply a
            // linear-to-sRGB conversion and turn 200 into 229.
            int shift = raster.getSampleModel().getSampleSize(0) - 8;
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < plane; i++) {
                float v = shift > 0 ? samples[i] >> shift : samples[i];
                planes[i] = v;
                planes[plane + i] = v;
                planes[2 * plane + i] = v;
            }
        } else if (interleavedBgrBytes(image)) {
            // The JPEG reader's usual result: 8-bit sRGB samples stored B, G, R per pixel. Read them directly;
            // getRGB gives the same values through a per-pixel colour-model call, several times slower.
            byte[] bgr = ((java.awt.image.DataBufferByte) raster.getDataBuffer()).getData();
            for (int i = 0, j = 0; i < plane; i++, j += 3) {
                planes[i] = bgr[j + 2] & 0xFF;
                planes[plane + i] = bgr[j + 1] & 0xFF;
                planes[2 * plane + i] = bgr[j] & 0xFF;
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                planes[i] = (p >> 16) & 0xFF;
                planes[plane + i] = (p >> 8) & 0xFF;
                planes[2 * plane + i] = p & 0xFF;
            }
        }
        return RgbImage.owning(w, h, planes);
    }
}
