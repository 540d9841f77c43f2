package org.instanceretrieval.eval;

/**
 * A query's region of interest in pixel coordinates of the full image, as the Oxford, Paris
 * and INSTRE ground truth gives it ({@code bbx = [x1, y1, x2, y2]}). The retrieval definitions
 * ("Query bounding boxes") crop the query to this box but keep the full image's scale factor;
 * evaluation itself does not use it.
 *
 * @param x1 left edge
 * @param y1 top edge
 * @param x2 right edge, at least {@code x1}
 * @param y2 bottom edge, at least {@code y1}
 */
public record BoundingBox(double x1, double y1, double x2, double y2) {

    /** @throws IllegalArgumentException if a coordinate is not finite or the box is inverted */
    public BoundingBox {
        if (Double.isFinite(x1) == false || Double.isFinite(y1) == false
            || Double.isFinite(x2) == false || Double.isFinite(y2) == false) {
            throw new IllegalArgumentException(
                "bounding box coordinates must be finite, got [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]");
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException(
                "bounding box must have x1 <= x2 and y1 <= y2, got [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]");
        }
    }

    /**
     * Builds a box from the 4-element array {@code [x1, y1, x2, y2]} of the ground-truth files.
     *
     * @throws IllegalArgumentException if the array is null or does not have 4 elements
     */
    public static BoundingBox of(double[] x1y1x2y2) {
        if (x1y1x2y2 == null || x1y1x2y2.length != 4) {
            throw new IllegalArgumentException("a bounding box needs 4 values [x1, y1, x2, y2]");
        }
        return new BoundingBox(x1y1x2y2[0], x1y1x2y2[1], x1y1x2y2[2], x1y1x2y2[3]);
    }

    /** The box as {@code [x1, y1, x2, y2]} (a new array). */
    public double[] toArray() {
        return new double[] {x1, y1, x2, y2};
    }
}
