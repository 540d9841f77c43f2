package org.instanceretrieval.pooling;

/**
 * R-MAC (Tolias et al.; cirtorch's {@code rmac}): MAC over each {@link RmacRegions} region,
 * each L2-normalised, summed, plus (by default, as cirtorch) the L2-normalised MAC of the whole
 * map; the sum is L2-normalised (retrieval definitions, Pooling, R-MAC). It is exactly
 * {@code new RegionalPooling(new MacPooling(), new RmacRegions(levels), includeGlobal)}, so
 * the algorithm lives in {@link RegionalPooling}; this class only names the configuration.
 *
 * <p>Defaults: L = 3 levels, global term included, L2 epsilon 1e-6 (cirtorch's
 * {@code v / (||v|| + eps)}). cirtorch's {@code rmac} returns the unnormalised sum and its
 * network L2-normalises it next; this class returns the normalised vector.
 */
public final class RmacPooling implements Pooling {

    private final RegionalPooling regional;
    private final int levels;
    private final boolean includeGlobal;

    /** R-MAC with L = 3 levels and the global MAC term. */
    public RmacPooling() {
        this(RmacRegions.DEFAULT_LEVELS, true);
    }

    /**
     * R-MAC with {@code levels} levels, with or without the L2-normalised global MAC term.
     *
     * @throws IllegalArgumentException if {@code levels < 1}
     */
    public RmacPooling(int levels, boolean includeGlobal) {
        this.regional = new RegionalPooling(new MacPooling(), new RmacRegions(levels), includeGlobal);
        this.levels = levels;
        this.includeGlobal = includeGlobal;
    }

    /** The number of levels L. */
    public int levels() {
        return levels;
    }

    /** Whether the global MAC term is added. */
    public boolean includesGlobal() {
        return includeGlobal;
    }

    /** The equivalent {@link RegionalPooling}, e.g. to add a per-region whitening. */
    public RegionalPooling asRegionalPooling() {
        return regional;
    }

    /** The L2-normalised R-MAC vector (C values). */
    @Override
    public float[] pool(FeatureMap map) {
        return regional.pool(map);
    }

    @Override
    public String toString() {
        return "RmacPooling[levels=" + levels + ", global=" + includeGlobal + "]";
    }
}
