package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.pooling.FeatureMap;
import org.instanceretrieval.pooling.GemPooling;
import org.instanceretrieval.pooling.GridPooling;
import org.instanceretrieval.pooling.MacPooling;
import org.instanceretrieval.pooling.Pooling;
import org.instanceretrieval.pooling.RmacPooling;
import org.instanceretrieval.pooling.RmacRegions;
import org.instanceretrieval.pooling.SpocPooling;

import java.util.Locale;
import java.util.Objects;

/**
 * The pooling step of a {@link DescriptorRecipe}, by name and parameters, mapped onto the
 * pooling classes of {@code lucene-ext} (retrieval definitions, "Pooling"). Immutable.
 * <ul>
 *   <li>{@code mac}: {@link MacPooling};</li>
 *   <li>{@code spoc}: {@link SpocPooling}, optionally with PyRetri's Gaussian centre prior;</li>
 *   <li>{@code gem}: {@link GemPooling} with exponent p (default 3);</li>
 *   <li>{@code rmac}: {@link RmacPooling} with L levels (default 3) and, by default, cirtorch's
 *       global MAC term;</li>
 *   <li>{@code grid}: Razavian et al.'s 1x1 and 2x2 spatial max-pooling grids concatenated
 *       ({@code 5 C} values: the 1x1 cell first, then the 2x2 cells row by row);</li>
 *   <li>{@code none}: no pooling, for models whose output is already a vector.</li>
 * </ul>
 */
public final class PoolingSpec {

    /** The pooling methods a recipe can name. */
    public enum Type {
        /** No pooling (vector models). */
        NONE,
        /** Per-channel maximum. */
        MAC,
        /** Per-channel mean, or PyRetri's centre-prior weighted sum. */
        SPOC,
        /** Generalised mean with exponent p. */
        GEM,
        /** Regional MAC (Tolias et al., cirtorch). */
        RMAC,
        /** 1x1 + 2x2 max-pooling grids (Razavian et al.). */
        GRID;

        /** The lower-case name used in recipes ({@code "gem"}). */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a recipe name.
         *
         * @throws IllegalArgumentException naming the option and the accepted values
         */
        public static Type fromId(String id) {
            for (Type t : values()) {
                if (t.id().equals(id)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown [pooling] type [" + id + "], expected one of [none, mac, spoc, gem, rmac, grid]");
        }
    }

    /** Highest number of R-MAC levels accepted; beyond it regions shrink to nothing on real maps. */
    public static final int MAX_RMAC_LEVELS = 7;

    private final Type type;
    private final boolean centrePrior;
    private final double p;
    private final int levels;
    private final boolean includeGlobal;

    private PoolingSpec(Type type, boolean centrePrior, double p, int levels, boolean includeGlobal) {
        this.type = type;
        this.centrePrior = centrePrior;
        this.p = p;
        this.levels = levels;
        this.includeGlobal = includeGlobal;
    }

    /** No pooling: the model's output is a vector. */
    public static PoolingSpec none() {
        return new PoolingSpec(Type.NONE, false, 0, 0, false);
    }

    /** MAC, the per-channel maximum. */
    public static PoolingSpec mac() {
        return new PoolingSpec(Type.MAC, false, 0, 0, false);
    }

    /** SPoC, the per-channel mean, or PyRetri's centre-prior weighted sum. */
    public static PoolingSpec spoc(boolean centrePrior) {
        return new PoolingSpec(Type.SPOC, centrePrior, 0, 0, false);
    }

    /** GeM with p = 3. */
    public static PoolingSpec gem() {
        return gem(GemPooling.DEFAULT_P);
    }

    /**
     * GeM with exponent {@code p}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= p <= 100} (p = 1 is the clamped mean; large p is MAC)
     */
    public static PoolingSpec gem(double p) {
        if (Double.isFinite(p) == false || p < 1 || p > 100) {
            throw new IllegalArgumentException("[pooling.p] must be between 1 and 100 but was [" + p + "]");
        }
        return new PoolingSpec(Type.GEM, false, p, 0, false);
    }

    /** R-MAC with 3 levels and the global term. */
    public static PoolingSpec rmac() {
        return rmac(RmacRegions.DEFAULT_LEVELS, true);
    }

    /**
     * R-MAC with {@code levels} levels.
     *
     * @throws IllegalArgumentException unless {@code 1 <= levels <=} {@value #MAX_RMAC_LEVELS}
     */
    public static PoolingSpec rmac(int levels, boolean includeGlobal) {
        if (levels < 1 || levels > MAX_RMAC_LEVELS) {
            throw new IllegalArgumentException("[pooling.levels] must be between 1 and " + MAX_RMAC_LEVELS + " but was [" + levels + "]");
        }
        return new PoolingSpec(Type.RMAC, false, 0, levels, includeGlobal);
    }

    /** The 1x1 + 2x2 spatial max-pooling grids, concatenated. */
    public static PoolingSpec grid() {
        return new PoolingSpec(Type.GRID, false, 0, 0, false);
    }

    /** The pooling method. */
    public Type type() {
        return type;
    }

    /** Whether SPoC uses the centre prior (false for other types). */
    public boolean centrePrior() {
        return centrePrior;
    }

    /** GeM's exponent p (0 for other types). */
    public double p() {
        return p;
    }

    /** R-MAC's levels (0 for other types). */
    public int levels() {
        return levels;
    }

    /** Whether R-MAC adds the global MAC term (false for other types). */
    public boolean includeGlobal() {
        return includeGlobal;
    }

    /**
     * The lucene-ext pooling this spec names.
     *
     * @throws IllegalStateException for {@link Type#NONE}, which pools nothing
     */
    public Pooling toPooling() {
        return switch (type) {
            case NONE -> throw new IllegalStateException("pooling [none] has no pooling function");
            case MAC -> new MacPooling();
            case SPOC -> centrePrior ? SpocPooling.withCentrePrior() : new SpocPooling();
            case GEM -> new GemPooling(p);
            case RMAC -> new RmacPooling(levels, includeGlobal);
            case GRID -> new OneAndTwoGrids();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolingSpec other && type == other.type && centrePrior == other.centrePrior
            && Double.compare(p, other.p) == 0 && levels == other.levels && includeGlobal == other.includeGlobal;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, centrePrior, p, levels, includeGlobal);
    }

    @Override
    public String toString() {
        return switch (type) {
            case SPOC -> centrePrior ? "spoc[centre_prior]" : "spoc";
            case GEM -> "gem[p=" + p + "]";
            case RMAC -> "rmac[levels=" + levels + (includeGlobal ? ", global" : "") + "]";
            case GRID -> "grid[1x1+2x2]";
            default -> type.id();
        };
    }

    /** Razavian et al.'s 1x1 and 2x2 max-pooling grids, concatenated (5 C values, not normalised). */
    private static final class OneAndTwoGrids implements Pooling {
        private static final GridPooling ONE = GridPooling.oneByOne();
        private static final GridPooling TWO = GridPooling.twoByTwo();

        @Override
        public float[] pool(FeatureMap map) {
            float[] one = ONE.pool(map);
            float[] two = TWO.pool(map);
            float[] out = new float[one.length + two.length];
            System.arraycopy(one, 0, out, 0, one.length);
            System.arraycopy(two, 0, out, one.length, two.length);
            return out;
        }

        @Override
        public String toString() {
            return "GridPooling[1x1+2x2]";
        }
    }
}
