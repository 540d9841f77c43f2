package org.instanceretrieval.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG bytes into an {@link RgbImage} with the JDK's ImageIO codecs.
 * <p>
 * Defences, in order: the format is recognised by its magic bytes; the header's declared size
 * is checked against {@code maxPixels} <em>before</em> any pixel is decoded (decompression
 * bombs); a decoder warning (ImageIO reports a truncated JPEG as a warning and fills the rest
 * with grey) is treated as an error. Greyscale and palette images are expanded to RGB; alpha
 * is dropped. Thread-safe: each call uses its own reader.
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

    public RgbImage decode(byte[] data) {
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
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodingException ide) {
                throw ide;
            }
            throw new ImageDecodingException("corrupt or truncated " + format + " image: " + e.getMessage(), e);
        }
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
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                planes[i] = (p >> 16) & 0xFF;
                planes[plane + i] = (p >> 8) & 0xFF;
                planes[2 * plane + i] = p & 0xFF;
            }
        }
        return new RgbImage(w, h, planes);
    }
}
