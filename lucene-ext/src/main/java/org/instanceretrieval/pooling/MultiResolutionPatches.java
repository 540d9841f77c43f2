package org.instanceretrieval.pooling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The multi-resolution patch layout of Razavian et al. ("Visual Instance Retrieval with Deep
 * Convolutional Networks", section 4.1; retrieval definitions, "Multi-resolution search"):
 * levels {@code l = 1..L} (default L = 4), level {@code l} holds {@code l x l} patches, in all
 * {@code 1 + 4 + 9 + 16 = 30} for L = 4. Patches are rectangles in image pixel coordinates of
 * a {@code width x height} image (W x H below).
 *
 * <p><b>Centres</b> (paper, equation 2): patch {@code (i, j)}, {@code i, j = 1..l}, is centred
 * at {@code (w_l/2 + (i-1) b_w, h_l/2 + (j-1) b_h)} with {@code w_l = 2W/(l+1)},
 * {@code b_w = (W - w_l)/(l-1)}, which simplifies to {@code (i W/(l+1), j H/(l+1))}: the
 * centres split each side into {@code l + 1} equal parts (and level 1 is centred on the image).
 *
 * <p><b>Side</b>, a named option ({@link PatchSide}); the sources differ:
 * <ul>
 *   <li>{@link PatchSide#MIN_SIDE_SQUARE} (default, the retrieval definitions: "square
 *       sub-patches of side 2*min/(l+1)"): side {@code s = 2 min(W, H)/(l+1)}. Every patch is a
 *       square inside the image; level 1 is the central {@code min x min} square.</li>
 *   <li>{@link PatchSide#PAPER_MAX_SIDE_CROPPED} (the paper's equation 1 read literally,
 *       {@code s = max(w_l, h_l) = 2 max(W, H)/(l+1)}, and "if the boundary of the square
 *       sub-patch exceeds the boundary of the image, we crop the rectangular sub-patch that is
 *       within the valid portion"): squares of the long-side length, cropped to the image, so
 *       level 1 is the whole image and patches of a non-square image are rectangles.</li>
 * </ul>
 *
 * <p><b>Rounding</b> to whole pixels: integer side {@code S = floor(s)}; a patch's left edge is
 * {@code floor(cx - S/2)} and top edge {@code floor(cy - S/2)} (computed in exact integer
 * arithmetic, no floating point), its size {@code S x S}; with
 * {@link PatchSide#PAPER_MAX_SIDE_CROPPED} the square is then intersected with the image.
 * With {@link PatchSide#MIN_SIDE_SQUARE} no cropping is ever needed (shown in the tests).
 *
 * <p>Order: level 1 first; within a level rows ({@code j}, top to bottom) outer, columns
 * ({@code i}, left to right) inner.
 */
public final class MultiResolutionPatches {

    /** Default number of levels, L = 4 (30 patches), the paper's setting. */
    public static final int DEFAULT_LEVELS = 4;

    /** How the side of a level's patches is chosen (see the class doc). */
    public enum PatchSide {
        /** Side {@code 2 min(W, H)/(l+1)}: squares inside the image (the definitions; default). */
        MIN_SIDE_SQUARE,
        /** Side {@code 2 max(W, H)/(l+1)}, cropped to the image (the paper's equation 1). */
        PAPER_MAX_SIDE_CROPPED
    }

    private final int levels;
    private final PatchSide side;

    /** L = 4 levels, {@link PatchSide#MIN_SIDE_SQUARE}. */
    public MultiResolutionPatches() {
        this(DEFAULT_LEVELS, PatchSide.MIN_SIDE_SQUARE);
    }

    /**
     * {@code levels} levels with the given side rule.
     *
     * @throws IllegalArgumentException if {@code levels < 1} or {@code side} is null
     */
    public MultiResolutionPatches(int levels, PatchSide side) {
        if (levels < 1) {
            throw new IllegalArgumentException("multi-resolution levels must be >= 1 but was " + levels);
        }
        if (side == null) {
            throw new IllegalArgumentException("patch side rule must not be null");
        }
        this.levels = levels;
        this.side = side;
    }

    /** The number of levels L. */
    public int levels() {
        return levels;
    }

    /** The side rule. */
    public PatchSide side() {
        return side;
    }

    /** Number of patches for {@code levels} levels: {@code sum_{l=1..L} l^2 = L(L+1)(2L+1)/6}. */
    public static int patchCount(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("multi-resolution levels must be >= 1 but was " + levels);
        }
        return levels * (levels + 1) * (2 * levels + 1) / 6;
    }

    /**
     * All patches of a {@code width x height} image, levels 1..L.
     *
     * @throws IllegalArgumentException if a size is not positive, or the image is so small that
     *     a level's integer side is 0 (its short side is below {@code (L+1)/2} pixels)
     */
    public List<Region> patches(int width, int height) {
        List<Region> all = new ArrayList<>(patchCount(levels));
        for (int l = 1; l <= levels; l++) {
            all.addAll(level(l, width, height));
        }
        return Collections.unmodifiableList(all);
    }

    /**
     * The {@code l x l} patches of level {@code l} of a {@code width x height} image.
     *
     * @throws IllegalArgumentException if {@code l} is outside {@code 1..L}, a size is not
     *     positive or the level's integer side is 0
     */
    public List<Region> level(int l, int width, int height) {
        if (l < 1 || l > levels) {
            throw new IllegalArgumentException("level must be in 1.." + levels + " but was " + l);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive but was width=" + width + ", height=" + height);
        }
        long base = side == PatchSide.MIN_SIDE_SQUARE ? Math.min(width, height) : Math.max(width, height);
        long s = 2 * base / (l + 1);
        if (s < 1) {
            throw new IllegalArgumentException(
                "image " + width + "x" + height + " is too small for level " + l + ": patch side 2*" + base + "/" + (l + 1) + " < 1 pixel");
        }
        List<Region> patches = new ArrayList<>(l * l);
        for (int j = 1; j <= l; j++) {
            int[] ys = span(j, l, height, s);
            for (int i = 1; i <= l; i++) {
                int[] xs = span(i, l, width, s);
                patches.add(new Region(xs[0], ys[0], xs[1] - xs[0], ys[1] - ys[0]));
            }
        }
        return Collections.unmodifiableList(patches);
    }

    /**
     * [start, end) along one side of length {@code size} for the patch with centre
     * {@code k * size / (l+1)} and integer side {@code s}, cropped to {@code [0, size)}.
     */
    private static int[] span(int k, int l, int size, long s) {
        // start = floor(k*size/(l+1) - s/2) = floor((2*k*size - s*(l+1)) / (2*(l+1)))
        long start = Math.floorDiv(2L * k * size - s * (l + 1), 2L * (l + 1));
        long end = start + s;
        return new int[] {(int) Math.max(0, start), (int) Math.min(size, end)};
    }

    @Override
    public String toString() {
        return "MultiResolutionPatches[levels=" + levels + ", side=" + side + "]";
    }
}
