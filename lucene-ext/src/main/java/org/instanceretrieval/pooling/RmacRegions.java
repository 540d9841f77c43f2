package org.instanceretrieval.pooling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The R-MAC region grid of Tolias et al. in cirtorch's variant (retrieval definitions, Pooling,
 * "R-MAC"), for an H x W map and {@code L} levels (default 3). The whole-map (global) term is
 * not a region here; {@link RmacPooling} adds it.
 *
 * <ol>
 *   <li>{@code w = min(H, W)}. For steps {@code k = 2..7}: {@code b = (max(H, W) - w)/(k - 1)};
 *       pick the first {@code k} whose overlap {@code (w^2 - w*b)/w^2} is closest to 0.4, call
 *       its index {@code idx = k - 2}. Extra regions along the long side: {@code Wd = idx + 1}
 *       if {@code H < W}, {@code Hd = idx + 1} if {@code H > W}, else both 0.</li>
 *   <li>Level {@code l = 1..L}: side {@code wl = floor(2w/(l+1))}, {@code wl2 = floor(wl/2 - 1)};
 *       column spacing {@code bW = (W - wl)/(l + Wd - 1)} (0 when {@code l + Wd = 1}), row
 *       spacing {@code bH} likewise; column starts {@code floor(wl2 + i*bW) - wl2} for
 *       {@code i = 0..l+Wd-1}, row starts the same with {@code bH} for {@code 0..l+Hd-1}.
 *       Every region is a {@code wl x wl} square. A level whose side is 0 (a map with
 *       {@code min(H, W) = 1} at levels {@code >= 2}) contributes no regions, as in cirtorch.</li>
 * </ol>
 *
 * <p><b>Arithmetic.</b> The step choice and the starts are computed in float32 exactly as
 * cirtorch's {@code rmac}/{@code roipool} do with CPU torch tensors (the {@code steps} and
 * {@code range} tensors are created on the CPU whatever the map's device): {@code b} is
 * {@code float32(1/(k-1)) * (max - w)} (torch evaluates {@code scalar / tensor} as
 * {@code reciprocal(tensor) * scalar}), the overlap and its distance to {@code float32(0.4)} are
 * float32 operations, ties go to the first step (torch.min), and each start is
 * {@code floor(float32(wl2) + float32(i) * float32(b))}. This matters: in exact arithmetic
 * some sizes tie (H=9, W=5: overlaps 0.2 and 0.6 are both 0.2 from 0.4; float32 picks k = 2,
 * float64 numpy ports pick k = 3, giving 26 regions instead of 20), float64 ports also
 * differ from cirtorch in some starts (e.g. H=2, W=62), and a float32 division in place of
 * torch's reciprocal-and-multiply would change the step for e.g. H=11, W=47. Java
 * {@code float} arithmetic is IEEE single precision with round-to-nearest, like torch's CPU
 * kernels. (Derived from reading cirtorch and torch's operator semantics; not run against
 * torch itself here.)
 *
 * <p>Order of the returned regions: level 1 first; within a level rows (top to bottom) outer,
 * columns (left to right) inner. Region counts: 24x32 gives 2, 6 and 12 regions at levels
 * 1..3 (20, plus the global term 21); 32x32 gives 1, 4, 9 (14, plus global 15).
 */
public final class RmacRegions implements RegionLayout {

    /** Default number of levels, L = 3. */
    public static final int DEFAULT_LEVELS = 3;
    /** Desired overlap of neighbouring regions, 0.4 (as float32, like cirtorch's tensor arithmetic). */
    static final float DESIRED_OVERLAP = 0.4f;
    /** Smallest and largest number of steps considered along the long side. */
    static final int MIN_STEPS = 2;
    static final int MAX_STEPS = 7;

    private final int levels;

    /** Regions for L = 3 levels. */
    public RmacRegions() {
        this(DEFAULT_LEVELS);
    }

    /**
     * Regions for {@code levels} levels.
     *
     * @throws IllegalArgumentException if {@code levels < 1}
     */
    public RmacRegions(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("R-MAC levels must be >= 1 but was " + levels);
        }
        this.levels = levels;
    }

    /** The number of levels L. */
    public int levels() {
        return levels;
    }

    /** All regions of an H x W map (given as width, height), levels 1..L in order. */
    @Override
    public List<Region> regions(int width, int height) {
        List<Region> all = new ArrayList<>();
        for (List<Region> level : regionsByLevel(width, height)) {
            all.addAll(level);
        }
        return Collections.unmodifiableList(all);
    }

    /**
     * The regions of each level: element {@code l - 1} holds level {@code l}'s regions (empty for
     * a level whose side {@code wl} is 0).
     *
     * @throws IllegalArgumentException if {@code width} or {@code height} is not positive
     */
    public List<List<Region>> regionsByLevel(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("map size must be positive but was width=" + width + ", height=" + height);
        }
        int w = Math.min(width, height);
        int extra = extraRegionsAlongLongSide(width, height);
        int wd = height < width ? extra : 0;
        int hd = height > width ? extra : 0;
        List<List<Region>> byLevel = new ArrayList<>(levels);
        for (int l = 1; l <= levels; l++) {
            int wl = (2 * w) / (l + 1);
            List<Region> level = new ArrayList<>();
            if (wl > 0) {
                int wl2 = (int) Math.floor(wl / 2.0 - 1);
                int[] columns = starts(width, wl, wl2, l + wd);
                int[] rows = starts(height, wl, wl2, l + hd);
                for (int y : rows) {
                    for (int x : columns) {
                        level.add(new Region(x, y, wl, wl));
                    }
                }
            }
            byLevel.add(Collections.unmodifiableList(level));
        }
        return Collections.unmodifiableList(byLevel);
    }

    /**
     * {@code idx + 1} for the step whose overlap is closest to 0.4 (see the class doc): the
     * number of extra regions along the long side when the map is not square.
     */
    static int extraRegionsAlongLongSide(int width, int height) {
        int w = Math.min(width, height);
        int longMinusShort = Math.max(width, height) - w;
        float wSquared = (float) w * w;
        float bestDistance = Float.POSITIVE_INFINITY;
        int bestIdx = 0;
        for (int k = MIN_STEPS; k <= MAX_STEPS; k++) {
            float b = (1f / ((float) k - 1f)) * (float) longMinusShort;
            float overlap = (wSquared - (float) w * b) / wSquared;
            float distance = Math.abs(overlap - DESIRED_OVERLAP);
            if (distance < bestDistance) { // strict: the first minimum wins, as torch.min
                bestDistance = distance;
                bestIdx = k - MIN_STEPS;
            }
        }
        return bestIdx + 1;
    }

    /** Region starts along one side of length {@code size} for {@code count} regions of side {@code wl}. */
    private static int[] starts(int size, int wl, int wl2, int count) {
        float b = count == 1 ? 0f : (float) ((double) (size - wl) / (count - 1));
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            float centre = (float) wl2 + (float) i * b;
            starts[i] = (int) Math.floor(centre) - wl2;
        }
        return starts;
    }

    @Override
    public String toString() {
        return "RmacRegions[levels=" + levels + "]";
    }
}
