package org.instanceretrieval.model.keras.bench;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Eight varied copies of a photo, each from its own seed (the photo's name hash and the copy
 * number), so every run makes the same files. Every copy gets a mild crop (90-100 % of each
 * side) and JPEG quality 85; copy k applies one strong change on top:
 * 0 crop to 50-70 % of each side, 1 scale to a longest side of 240-360, 2 rotation 10-25 degrees
 * either way, 3 shear 0.15-0.3, 4 colour (per-channel gains 0.6-1.4 and gamma 0.6-1.6),
 * 5 Gaussian blur (sigma 2-3.5), 6 occlusion (a flat rectangle over 20-35 % of the area),
 * 7 JPEG quality 8-15. The photo is first scaled to a longest side of 1024.
 * <p>
 * The {@code strong} set (a harder benchmark, on which a 16 x 16 thumbnail no longer nearly
 * saturates): every copy is cropped to 60-100 % of each side (independently, so the aspect
 * changes) and saved at quality 75; copy k: 0 crop to 30-50 % of each side, 1 scale to a longest
 * side of 120-200, 2 rotation 25-45 degrees, 3 shear 0.35-0.6, 4 gains 0.4-1.6 and gamma 0.4-2,
 * 5 blur sigma 4-7, 6 occlusion over 35-55 % of the area, 7 JPEG quality 3-8.
 */
public final class PhotoVariants {

    public static final int COPIES = 8;
    public static final int BASE_SIDE = 1024;

    private PhotoVariants() {}

    /** The photo scaled (down only) to a longest side of {@value #BASE_SIDE}, by repeated halving then bilinear. */
    public static BufferedImage base(BufferedImage photo) {
        BufferedImage img = rgb(photo);
        while (Math.max(img.getWidth(), img.getHeight()) >= 2 * BASE_SIDE) {
            img = scale(img, img.getWidth() / 2, img.getHeight() / 2);
        }
        double s = Math.min(1.0, (double) BASE_SIDE / Math.max(img.getWidth(), img.getHeight()));
        return scale(img, (int) Math.round(img.getWidth() * s), (int) Math.round(img.getHeight() * s));
    }

    /** Copy {@code k} (0-7) of a base image, as JPEG bytes, of the mild or the strong set. */
    public static byte[] copy(BufferedImage base, String name, int k, boolean strong) throws IOException {
        Random r = new Random(name.hashCode() * 31L + k + (strong ? 7919 : 0));
        BufferedImage img = strong
            ? crop(base, 1 - 0.4 * r.nextDouble(), 1 - 0.4 * r.nextDouble(), r)
            : crop(base, 0.9 + 0.1 * r.nextDouble(), 0.9 + 0.1 * r.nextDouble(), r);
        float quality = strong ? 0.75f : 0.85f;
        double lo = strong ? 0.3 : 0.5;
        switch (k) {
            case 0 -> img = crop(img, lo + 0.2 * r.nextDouble(), lo + 0.2 * r.nextDouble(), r);
            case 1 -> {
                double s = (strong ? 120 + 80 * r.nextDouble() : 240 + 120 * r.nextDouble()) / Math.max(img.getWidth(), img.getHeight());
                img = scale(img, (int) Math.round(img.getWidth() * s), (int) Math.round(img.getHeight() * s));
            }
            case 2 -> img = affine(img, AffineTransform.getRotateInstance(Math.toRadians((strong ? 25 + 20 * r.nextDouble()
                : 10 + 15 * r.nextDouble()) * sign(r)),
                img.getWidth() / 2.0, img.getHeight() / 2.0));
            case 3 -> {
                double sh = (strong ? 0.35 + 0.25 * r.nextDouble() : 0.15 + 0.15 * r.nextDouble()) * sign(r);
                AffineTransform t = new AffineTransform();
                t.translate(img.getWidth() / 2.0, img.getHeight() / 2.0);
                t.shear(r.nextBoolean() ? sh : 0, r.nextBoolean() ? 0 : sh);
                t.translate(-img.getWidth() / 2.0, -img.getHeight() / 2.0);
                img = affine(img, t);
            }
            case 4 -> img = colour(img, r, strong);
            case 5 -> img = blur(img, strong ? 4 + 3 * r.nextDouble() : 2 + 1.5 * r.nextDouble());
            case 6 -> {
                double area = strong ? 0.35 + 0.2 * r.nextDouble() : 0.2 + 0.15 * r.nextDouble(), aspect = 0.5 + r.nextDouble();
                int w = (int) Math.min(img.getWidth(), Math.sqrt(area * img.getWidth() * img.getHeight() * aspect));
                int h = (int) Math.min(img.getHeight(), area * img.getWidth() * img.getHeight() / w);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                g.fillRect(r.nextInt(img.getWidth() - w + 1), r.nextInt(img.getHeight() - h + 1), w, h);
                g.dispose();
            }
            case 7 -> quality = strong ? 0.03f + 0.05f * r.nextFloat() : 0.08f + 0.07f * r.nextFloat();
            default -> throw new IllegalArgumentException("copy " + k);
        }
        return jpeg(img, quality);
    }

    private static int sign(Random r) {
        return r.nextBoolean() ? 1 : -1;
    }

    private static BufferedImage rgb(BufferedImage in) {
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(in, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage scale(BufferedImage in, int w, int h) {
        BufferedImage out = new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(in, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    private static BufferedImage crop(BufferedImage in, double fw, double fh, Random r) {
        int w = (int) Math.round(in.getWidth() * fw), h = (int) Math.round(in.getHeight() * fh);
        int x = r.nextInt(in.getWidth() - w + 1), y = r.nextInt(in.getHeight() - h + 1);
        return rgb(in.getSubimage(x, y, w, h));
    }

    /** The transform applied about the centre, then the central 80 % kept (so few black corners remain). */
    private static BufferedImage affine(BufferedImage in, AffineTransform t) {
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        new AffineTransformOp(t, AffineTransformOp.TYPE_BILINEAR).filter(in, out);
        int w = (int) (in.getWidth() * 0.8), h = (int) (in.getHeight() * 0.8);
        return rgb(out.getSubimage((in.getWidth() - w) / 2, (in.getHeight() - h) / 2, w, h));
    }

    private static BufferedImage colour(BufferedImage in, Random r, boolean strong) {
        double g0 = strong ? 0.4 : 0.6, g1 = strong ? 1.2 : 0.8;
        double[] gain = { g0 + g1 * r.nextDouble(), g0 + g1 * r.nextDouble(), g0 + g1 * r.nextDouble() };
        double gamma = strong ? 0.4 + 1.6 * r.nextDouble() : 0.6 + r.nextDouble();
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                int p = in.getRGB(x, y), q = 0;
                for (int c = 0; c < 3; c++) {
                    double v = ((p >> (16 - 8 * c)) & 255) / 255.0;
                    int o = (int) Math.round(255 * Math.min(1, Math.pow(v, gamma) * gain[c]));
                    q |= o << (16 - 8 * c);
                }
                out.setRGB(x, y, q);
            }
        }
        return out;
    }

    private static BufferedImage blur(BufferedImage in, double sigma) {
        int radius = (int) Math.ceil(3 * sigma), n = 2 * radius + 1;
        float[] k = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            k[i] = (float) Math.exp(-(i - radius) * (i - radius) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < n; i++) {
            k[i] /= (float) sum;
        }
        BufferedImage h = new ConvolveOp(new Kernel(n, 1, k), ConvolveOp.EDGE_NO_OP, null).filter(in, null);
        return rgb(new ConvolveOp(new Kernel(1, n, k), ConvolveOp.EDGE_NO_OP, null).filter(h, null));
    }

    static byte[] jpeg(BufferedImage img, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
