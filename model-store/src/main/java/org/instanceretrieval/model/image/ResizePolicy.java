package org.instanceretrieval.model.image;

/**
 * How an image is sized before it enters the network. Two policies of the field:
 * a fixed size (the contrastive-model study resizes to 724 x 724) or a bound on the longest
 * side that never enlarges (cirtorch: at most 1024). Immutable.
 */
public final class ResizePolicy {

    private enum Kind { FIXED, LONGEST_SIDE, ORIGINAL }

    private final Kind kind;
    private final int width;
    private final int height;

    private ResizePolicy(Kind kind, int width, int height) {
        this.kind = kind;
        this.width = width;
        this.height = height;
    }

    /** Always {@code width x height}, aspect ratio not kept. */
    public static ResizePolicy fixed(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("fixed size must be positive, got " + width + "x" + height);
        }
        return new ResizePolicy(Kind.FIXED, width, height);
    }

    /** Scale so that the longest side is at most {@code maxSide}, keeping the aspect ratio; never enlarge. */
    public static ResizePolicy longestSide(int maxSide) {
        if (maxSide <= 0) {
            throw new IllegalArgumentException("longest side must be positive, got " + maxSide);
        }
        return new ResizePolicy(Kind.LONGEST_SIDE, maxSide, maxSide);
    }

    /** Keep the image's own size. */
    public static ResizePolicy original() {
        return new ResizePolicy(Kind.ORIGINAL, 0, 0);
    }

    /**
     * The scale factors {sx, sy} this policy applies to an image of the given size. A query
     * cropped to its bounding box is resized by the factors of its <em>full</em> image, so
     * that objects keep the scale they have in the database images.
     */
    public double[] scaleFactors(int imageWidth, int imageHeight) {
        return switch (kind) {
            case FIXED -> new double[] { (double) width / imageWidth, (double) height / imageHeight };
            case LONGEST_SIDE -> {
                double s = Math.min(1.0, (double) width / Math.max(imageWidth, imageHeight));
                yield new double[] { s, s };
            }
            case ORIGINAL -> new double[] { 1.0, 1.0 };
        };
    }

    /** The output size {width, height} for an image of the given size: rounded, at least 1. */
    public int[] outputSize(int imageWidth, int imageHeight) {
        double[] s = scaleFactors(imageWidth, imageHeight);
        return new int[] { Math.max(1, (int) Math.round(imageWidth * s[0])), Math.max(1, (int) Math.round(imageHeight * s[1])) };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResizePolicy other && kind == other.kind && width == other.width && height == other.height;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + width) * 31 + height;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FIXED -> "fixed " + width + "x" + height;
            case LONGEST_SIDE -> "longest side " + width;
            case ORIGINAL -> "original size";
        };
    }
}
