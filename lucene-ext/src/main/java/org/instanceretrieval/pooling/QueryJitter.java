package org.instanceretrieval.pooling;

import java.util.List;

/**
 * Query jittering (Razavian et al., section 4.1, "Jittering"; retrieval definitions: "the
 * query may be jittered the same way"). The paper: "instead of employing one patch from the
 * query, we extract multiple patches in the same manner that we extracted sub-patches from
 * reference images"; its Table 1 rows {@code Jtr 2x2} and {@code Jtr 3x3} use the
 * multi-resolution layout with 2 and 3 levels on the query (5 and 14 patches), as
 * {@code MR 2x2} means L = 2 on the references.
 *
 * <p>So jitter is a number of levels J: {@link #none()} (J = 0, the default) keeps one query
 * patch, the whole image; {@link #levels(int) levels(J)} takes the {@link MultiResolutionPatches}
 * layout with J levels and the same side rule as the references. The paper's best rows use
 * J = 3 ({@link #PAPER_LEVELS}). The query's patch descriptors are then matched against the
 * reference's with {@link MaxSimSimilarity}.
 */
public final class QueryJitter {

    /** Jitter levels of the paper's best configuration (Jtr 3x3). */
    public static final int PAPER_LEVELS = 3;

    private static final QueryJitter NONE = new QueryJitter(null);

    private final MultiResolutionPatches layout;

    private QueryJitter(MultiResolutionPatches layout) {
        this.layout = layout;
    }

    /** No jitter: the query is one patch, the whole image (the default). */
    public static QueryJitter none() {
        return NONE;
    }

    /**
     * Jitter with {@code levels} multi-resolution levels and the default side rule
     * ({@link MultiResolutionPatches.PatchSide#MIN_SIDE_SQUARE}).
     *
     * @throws IllegalArgumentException if {@code levels < 1}
     */
    public static QueryJitter levels(int levels) {
        return levels(levels, MultiResolutionPatches.PatchSide.MIN_SIDE_SQUARE);
    }

    /**
     * Jitter with {@code levels} multi-resolution levels and the given side rule (use the
     * references' rule).
     *
     * @throws IllegalArgumentException if {@code levels < 1} or {@code side} is null
     */
    public static QueryJitter levels(int levels, MultiResolutionPatches.PatchSide side) {
        return new QueryJitter(new MultiResolutionPatches(levels, side));
    }

    /** The number of jitter levels J (0 = no jitter). */
    public int levels() {
        return layout == null ? 0 : layout.levels();
    }

    /**
     * The query patches of a {@code width x height} query image (after any bounding-box crop):
     * the whole image without jitter, else the J-level multi-resolution layout.
     *
     * @throws IllegalArgumentException as {@link MultiResolutionPatches#patches}
     */
    public List<Region> patches(int width, int height) {
        if (layout == null) {
            return List.of(new Region(0, 0, width, height));
        }
        return layout.patches(width, height);
    }

    @Override
    public String toString() {
        return layout == null ? "QueryJitter[none]" : "QueryJitter[" + layout + "]";
    }
}
