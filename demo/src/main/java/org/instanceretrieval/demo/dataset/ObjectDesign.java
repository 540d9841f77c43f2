package org.instanceretrieval.demo.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * One object of the dataset: an outline shape filled with a procedural texture and an inner
 * emblem with a second texture, in a few colours. Everything is drawn from the design's own
 * random numbers, so a design renders to the same pixels every time. The default model sees
 * oriented texture, edges and colour: objects differ exactly in those.
 */
public final class ObjectDesign {

    /** Side of the square canvas an object is drawn on, in pixels. */
    public static final int CANVAS = 160;

    enum Outline { DISC, ROUNDED_SQUARE, HEXAGON, TRIANGLE, STAR, DIAMOND }

    enum Texture { STRIPES, CHECKER, DOTS, RINGS, WAVES, GRID }

    private final Outline outline;
    private final Outline emblem;
    private final TextureSpec outer;
    private final TextureSpec inner;

    record TextureSpec(Texture texture, double wavelength, double angle, int colourA, int colourB) {
        int colourAt(double u, double v) {
            double c = Math.cos(angle), s = Math.sin(angle);
            double x = u * c + v * s, y = -u * s + v * c;
            double k = 2 * Math.PI / wavelength;
            boolean a = switch (texture) {
                case STRIPES -> Math.sin(k * x) > 0;
                case CHECKER -> Math.sin(k * x) * Math.sin(k * y) > 0;
                case DOTS -> {
                    double fx = x / wavelength - Math.floor(x / wavelength) - 0.5;
                    double fy = y / wavelength - Math.floor(y / wavelength) - 0.5;
                    yield fx * fx + fy * fy < 0.09;
                }
                case RINGS -> Math.sin(k * Math.hypot(u, v)) > 0;
                case WAVES -> Math.sin(k * x + 2.5 * Math.sin(k * y / 2)) > 0;
                case GRID -> Math.abs(Math.sin(k * x)) < 0.35 || Math.abs(Math.sin(k * y)) < 0.35;
            };
            return a ? colourA : colourB;
        }
    }

    private ObjectDesign(Outline outline, Outline emblem, TextureSpec outer, TextureSpec inner) {
        this.outline = outline;
        this.emblem = emblem;
        this.outer = outer;
        this.inner = inner;
    }

    /** A random design drawn from {@code random}. */
    static ObjectDesign random(SplittableRandom random) {
        Outline[] outlines = Outline.values();
        Texture[] textures = Texture.values();
        return new ObjectDesign(
            outlines[random.nextInt(outlines.length)],
            outlines[random.nextInt(outlines.length)],
            new TextureSpec(textures[random.nextInt(textures.length)], 5 + random.nextDouble() * 14, random.nextDouble() * Math.PI,
                saturatedColour(random), saturatedColour(random)),
            new TextureSpec(textures[random.nextInt(textures.length)], 4 + random.nextDouble() * 8, random.nextDouble() * Math.PI,
                saturatedColour(random), saturatedColour(random)));
    }

    /** A vivid colour: random hue, high saturation, mid to high brightness. */
    static int saturatedColour(SplittableRandom random) {
        return Color.HSBtoRGB((float) random.nextDouble(), 0.55f + 0.45f * (float) random.nextDouble(),
            0.35f + 0.65f * (float) random.nextDouble()) & 0xFFFFFF;
    }

    /** The object on a transparent {@value #CANVAS}-pixel canvas (ARGB; alpha 0 outside the outline). */
    BufferedImage render() {
        BufferedImage outerMask = mask(outline, 0.96);
        BufferedImage innerMask = mask(emblem, 0.46);
        BufferedImage out = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_INT_ARGB);
        double half = CANVAS / 2.0;
        for (int y = 0; y < CANVAS; y++) {
            for (int x = 0; x < CANVAS; x++) {
                int alpha = outerMask.getRaster().getSample(x, y, 0);
                if (alpha == 0) {
                    continue;
                }
                double u = x - half, v = y - half;
                int innerAlpha = innerMask.getRaster().getSample(x, y, 0);
                int rgb = blend(outer.colourAt(u, v), inner.colourAt(u, v), innerAlpha / 255.0);
                out.setRGB(x, y, (alpha << 24) | rgb);
            }
        }
        return out;
    }

    private static int blend(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
        int g = (int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
        int bl = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
        return (r << 16) | (g << 8) | bl;
    }

    /** A grey mask of {@code shape} scaled to {@code extent} of the canvas, centred. */
    private static BufferedImage mask(Outline shape, double extent) {
        BufferedImage mask = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = mask.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(shape(shape, CANVAS / 2.0, CANVAS / 2.0, CANVAS * extent / 2));
        g.dispose();
        return mask;
    }

    static Shape shape(Outline shape, double cx, double cy, double r) {
        return switch (shape) {
            case DISC -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case ROUNDED_SQUARE -> new RoundRectangle2D.Double(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r, r * 0.5, r * 0.5);
            case HEXAGON -> regular(cx, cy, r, 6, 0, 1);
            case TRIANGLE -> regular(cx, cy, r, 3, -Math.PI / 2, 1);
            case STAR -> regular(cx, cy, r, 10, -Math.PI / 2, 0.5);
            case DIAMOND -> regular(cx, cy, r, 4, 0, 1);
        };
    }

    /** A regular polygon; with {@code innerRatio < 1} every other vertex is pulled in (a star). */
    private static Polygon regular(double cx, double cy, double r, int vertices, double start, double innerRatio) {
        Polygon p = new Polygon();
        for (int i = 0; i < vertices; i++) {
            double radius = i % 2 == 1 ? r * innerRatio : r;
            double a = start + 2 * Math.PI * i / vertices;
            p.addPoint((int) Math.round(cx + radius * Math.cos(a)), (int) Math.round(cy + radius * Math.sin(a)));
        }
        return p;
    }

    @Override
    public String toString() {
        return outline + "/" + outer.texture() + " with " + emblem + "/" + inner.texture();
    }
}
