package org.instanceretrieval.demo.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.TexturePaint;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Renders "photos": a cluttered background, an object seen under a projective transformation
 * (viewpoint tilt and perspective, rotation, scale, off-centre crop), occluders and an
 * illumination change, all growing with one {@code strength} in [0, 1]. Deterministic: the
 * same inputs and random state give the same pixels.
 */
final class PhotoRenderer {

    /** A rendered photo, the object's box in it (before occlusion) and how much of the object shows. */
    record Photo(BufferedImage image, int[] box, double visibleFraction) {}

    private final int width;
    private final int height;

    PhotoRenderer(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /**
     * A photo of {@code object} (an ARGB canvas from {@link ObjectDesign#render}) at
     * {@code strength}; {@code object} may be null for a scene without the object.
     *
     * @param path   how the views of this object change with strength
     * @param extras other objects drawn into the background first (distractor content), may be empty
     */
    Photo render(BufferedImage object, ViewPath path, double strength, BufferedImage[] extras, SplittableRandom random) {
        BufferedImage photo = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        background(g, random);
        clutter(g, 6 + (int) Math.round(strength * 8), random);
        g.dispose();
        for (BufferedImage extra : extras) {
            composite(photo, extra, transform(ViewPath.random(random), 0.3 + 0.7 * random.nextDouble(), 0.3 + 0.2 * random.nextDouble(), random));
        }
        int[] box = null;
        double visible = 0;
        BufferedImage occluders = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        if (object != null) {
            double[] h = transform(path, strength, 0.72, random);
            box = composite(photo, object, h);
            occlude(photo, occluders, box, strength, random);
            visible = visibleFraction(object, h, occluders);
        }
        illuminate(photo, strength, random);
        return new Photo(photo, box, visible);
    }

    private void background(Graphics2D g, SplittableRandom random) {
        Color top = muted(random), bottom = muted(random);
        g.setPaint(new GradientPaint(0, 0, top, (float) (random.nextDouble() * width), height, bottom));
        g.fillRect(0, 0, width, height);
    }

    private static Color muted(SplittableRandom random) {
        return Color.getHSBColor((float) random.nextDouble(), 0.1f + 0.35f * (float) random.nextDouble(),
            0.25f + 0.6f * (float) random.nextDouble());
    }

    /** Small shapes, lines and striped patches: background content the object must stand out from. */
    private void clutter(Graphics2D g, int count, SplittableRandom random) {
        for (int i = 0; i < count; i++) {
            double cx = random.nextDouble() * width, cy = random.nextDouble() * height;
            double r = 6 + random.nextDouble() * 28;
            int kind = random.nextInt(4);
            if (kind == 0) {
                g.setColor(new Color(ObjectDesign.saturatedColour(random)));
                g.setStroke(new BasicStroke(1 + (float) random.nextDouble() * 4));
                double a = random.nextDouble() * Math.PI;
                g.draw(new Line2D.Double(cx, cy, cx + 3 * r * Math.cos(a), cy + 3 * r * Math.sin(a)));
                continue;
            }
            Shape shape = ObjectDesign.shape(ObjectDesign.Outline.values()[random.nextInt(ObjectDesign.Outline.values().length)],
                cx, cy, r);
            if (kind == 1) {
                g.setPaint(stripes(random));
            } else {
                g.setColor(kind == 2 ? muted(random) : new Color(ObjectDesign.saturatedColour(random)));
            }
            g.fill(shape);
        }
    }

    private static TexturePaint stripes(SplittableRandom random) {
        int period = 4 + random.nextInt(10);
        BufferedImage tile = new BufferedImage(period, period, BufferedImage.TYPE_INT_RGB);
        int a = ObjectDesign.saturatedColour(random), b = muted(random).getRGB() & 0xFFFFFF;
        boolean vertical = random.nextBoolean();
        for (int y = 0; y < period; y++) {
            for (int x = 0; x < period; x++) {
                tile.setRGB(x, y, ((vertical ? x : y) < period / 2) ? a : b);
            }
        }
        return new TexturePaint(tile, new Rectangle(0, 0, period, period));
    }

    /**
     * The direction in which an object's photos change: which way the camera tilts, turns,
     * zooms and pans as the strength grows. The views of one object share a path, so photos of
     * neighbouring strengths look alike and the views form a chain from easy to hard, as photos
     * of a landmark taken along a walk do (the structure diffusion and query expansion exploit).
     */
    record ViewPath(double perspectiveX, double perspectiveY, double tiltAxis, double tilt, double turn, double zoom,
                    double panX, double panY) {

        static ViewPath random(SplittableRandom random) {
            double a = random.nextDouble() * 2 * Math.PI, pan = random.nextDouble() * 2 * Math.PI;
            return new ViewPath(Math.cos(a), Math.sin(a), random.nextDouble() * Math.PI, 0.5 + 0.5 * random.nextDouble(),
                random.nextBoolean() ? 1 : -1, signed(random), Math.cos(pan), Math.sin(pan));
        }
    }

    /**
     * A homography (row-major 3x3) from canvas pixels to photo pixels: perspective, viewpoint
     * tilt, rotation, scale and an off-centre position, moving along {@code path} by
     * {@code strength} (plus a little jitter of its own).
     *
     * @param size the object's height as a fraction of the photo's height, before the scale change
     */
    double[] transform(ViewPath path, double strength, double size, SplittableRandom random) {
        double half = ObjectDesign.CANVAS / 2.0;
        double jitter = 0.08;
        double px = (path.perspectiveX() * 0.45 * strength + jitter * signed(random)) / half;
        double py = (path.perspectiveY() * 0.45 * strength + jitter * signed(random)) / half;
        double[] perspective = { 1, 0, 0, 0, 1, 0, px, py, 1 };
        double tilt = Math.toRadians(65 * strength * path.tilt() + 5 * random.nextDouble());
        double axis = path.tiltAxis() + jitter * signed(random);
        double[] viewpoint = multiply(rotation(axis), multiply(new double[] { Math.cos(tilt), 0, 0, 0, 1, 0, 0, 0, 1 }, rotation(-axis)));
        double angle = path.turn() * Math.toRadians(100 * strength) + Math.toRadians(8) * signed(random);
        double scale = size * height / ObjectDesign.CANVAS * Math.pow(2, path.zoom() * 0.9 * strength + jitter * signed(random));
        double offset = 0.4 * strength;
        double tx = width / 2.0 + (path.panX() * offset + jitter * signed(random)) * width / 2;
        double ty = height / 2.0 + (path.panY() * offset + jitter * signed(random)) * height / 2;
        double[] place = { scale, 0, tx, 0, scale, ty, 0, 0, 1 };
        double[] centre = { 1, 0, -half, 0, 1, -half, 0, 0, 1 };
        return multiply(place, multiply(rotation(angle), multiply(viewpoint, multiply(perspective, centre))));
    }

    private static double signed(SplittableRandom random) {
        return 2 * random.nextDouble() - 1;
    }

    private static double[] rotation(double a) {
        return new double[] { Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1 };
    }

    static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
        }
        return c;
    }

    static double[] invert(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[] {
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det };
    }

    /**
     * Draws {@code object} through homography {@code h} (inverse mapping, bilinear, alpha
     * blended) and returns the box {@code [x1, y1, x2, y2]} of the pixels it covers (null if none).
     */
    int[] composite(BufferedImage photo, BufferedImage object, double[] h) {
        double[] inv = invert(h);
        int n = ObjectDesign.CANVAS;
        int x1 = Integer.MAX_VALUE, y1 = Integer.MAX_VALUE, x2 = -1, y2 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double w = inv[6] * x + inv[7] * y + inv[8];
                double u = (inv[0] * x + inv[1] * y + inv[2]) / w, v = (inv[3] * x + inv[4] * y + inv[5]) / w;
                if (w <= 0 || u < 0 || v < 0 || u > n - 1 || v > n - 1) {
                    continue;
                }
                int argb = bilinear(object, u, v);
                int alpha = argb >>> 24;
                if (alpha == 0) {
                    continue;
                }
                int under = photo.getRGB(x, y);
                double t = alpha / 255.0;
                int r = (int) Math.round(((argb >> 16) & 255) * t + ((under >> 16) & 255) * (1 - t));
                int g = (int) Math.round(((argb >> 8) & 255) * t + ((under >> 8) & 255) * (1 - t));
                int b = (int) Math.round((argb & 255) * t + (under & 255) * (1 - t));
                photo.setRGB(x, y, (r << 16) | (g << 8) | b);
                if (alpha >= 128) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x);
                    y2 = Math.max(y2, y);
                }
            }
        }
        return x2 < 0 ? null : new int[] { x1, y1, x2 + 1, y2 + 1 };
    }

    private static int bilinear(BufferedImage image, double u, double v) {
        int x0 = (int) Math.floor(u), y0 = (int) Math.floor(v);
        int x1 = Math.min(x0 + 1, image.getWidth() - 1), y1 = Math.min(y0 + 1, image.getHeight() - 1);
        double fx = u - x0, fy = v - y0;
        int[] p = { image.getRGB(x0, y0), image.getRGB(x1, y0), image.getRGB(x0, y1), image.getRGB(x1, y1) };
        double[] wt = { (1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy };
        int out = 0;
        for (int shift = 0; shift <= 24; shift += 8) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += ((p[k] >>> shift) & 255) * wt[k];
            }
            out |= ((int) Math.round(sum) & 255) << shift;
        }
        return out;
    }

    /** Plain shapes over the object's box, more and larger with strength; also drawn into {@code mask}. */
    private void occlude(BufferedImage photo, BufferedImage mask, int[] box, double strength, SplittableRandom random) {
        if (box == null) {
            return;
        }
        int count = (int) Math.floor(strength * 3.2 * random.nextDouble() + strength);
        Graphics2D g = photo.createGraphics(), m = mask.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        m.setColor(Color.WHITE);
        double bw = box[2] - box[0], bh = box[3] - box[1];
        for (int i = 0; i < count; i++) {
            double cx = box[0] + random.nextDouble() * bw, cy = box[1] + random.nextDouble() * bh;
            double r = (0.12 + 0.25 * strength * random.nextDouble()) * Math.max(bw, bh);
            Shape shape = ObjectDesign.shape(random.nextBoolean() ? ObjectDesign.Outline.DISC : ObjectDesign.Outline.ROUNDED_SQUARE,
                cx, cy, r);
            shape = AffineTransform.getRotateInstance(random.nextDouble() * Math.PI, cx, cy).createTransformedShape(shape);
            g.setColor(muted(random));
            g.fill(shape);
            m.fill(shape);
        }
        g.dispose();
        m.dispose();
    }

    /** The fraction of the object's pixels that land in the photo and are not occluded. */
    private double visibleFraction(BufferedImage object, double[] h, BufferedImage occluders) {
        int total = 0, visible = 0;
        for (int v = 0; v < object.getHeight(); v++) {
            for (int u = 0; u < object.getWidth(); u++) {
                if ((object.getRGB(u, v) >>> 24) < 128) {
                    continue;
                }
                total++;
                double w = h[6] * u + h[7] * v + h[8];
                int x = (int) Math.floor((h[0] * u + h[1] * v + h[2]) / w), y = (int) Math.floor((h[3] * u + h[4] * v + h[5]) / w);
                if (x >= 0 && y >= 0 && x < width && y < height && occluders.getRaster().getSample(x, y, 0) < 128) {
                    visible++;
                }
            }
        }
        return total == 0 ? 0 : (double) visible / total;
    }

    /** Gain, gamma, colour cast and a linear shading ramp, growing with strength; then sensor noise. */
    private void illuminate(BufferedImage photo, double strength, SplittableRandom random) {
        double gain = 1 + signed(random) * 0.5 * strength;
        double gamma = Math.pow(2, signed(random) * 0.7 * strength);
        double[] cast = { 1 + signed(random) * 0.3 * strength, 1 + signed(random) * 0.3 * strength, 1 + signed(random) * 0.3 * strength };
        double ramp = signed(random) * 0.6 * strength, angle = random.nextDouble() * 2 * Math.PI;
        double noise = 2 + 4 * random.nextDouble();
        SplittableRandom noiseRandom = random.split();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double shade = 1 + ramp * (((x - width / 2.0) * Math.cos(angle) + (y - height / 2.0) * Math.sin(angle)) / width);
                int rgb = photo.getRGB(x, y);
                int out = 0;
                for (int c = 0; c < 3; c++) {
                    double value = ((rgb >> (16 - 8 * c)) & 255) / 255.0;
                    value = gain * cast[c] * shade * Math.pow(value, gamma) * 255 + noise * gaussian(noiseRandom);
                    out |= (int) Math.max(0, Math.min(255, Math.round(value))) << (16 - 8 * c);
                }
                photo.setRGB(x, y, out);
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller from the splittable stream (java.util.Random's nextGaussian is not on it in Java 17).
        double u = Math.max(random.nextDouble(), 1e-12), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
