package org.instanceretrieval.pooling;

import java.util.List;
import java.util.function.UnaryOperator;
import org.instanceretrieval.math.VectorMath;

/**
 * Regional pooling, the generalisation of R-MAC in the retrieval definitions (Pooling, R-MAC):
 * "pools each region with MAC or GeM, optionally whitens per region, L2, sums, L2".
 *
 * <p>For each region of the {@link RegionLayout} (preceded, if {@code includeWholeMap}, by the
 * whole map as one more region — cirtorch's global MAC term):
 * {@code r = L2(inner.pool(region))}, then, if a per-region transform is set,
 * {@code r = L2(transform(r))} (the definitions' network order "pool -> L2 -> whitening -> L2",
 * as Tolias et al. post-process regional vectors before summing). The output is
 * {@code L2(sum of r)}.
 *
 * <p>L2 here is cirtorch's {@code x / (||x|| + eps)}; {@code l2Epsilon} defaults to cirtorch's
 * 1e-6 and 0 gives the exact normalisation. A region whose pooled vector is zero contributes
 * zero (never NaN). The output dimension is the inner pooling's, or the transform's if set;
 * all regions must give the same dimension.
 *
 * <p>Instances are immutable; the {@code with...} methods return modified copies. The
 * transform must be thread-safe if the pooling is shared between threads, and must not keep
 * or modify its argument after returning.
 */
public final class RegionalPooling implements Pooling {

    /** Default L2 epsilon, cirtorch's 1e-6. */
    public static final float DEFAULT_L2_EPSILON = 1e-6f;

    private final Pooling inner;
    private final RegionLayout layout;
    private final boolean includeWholeMap;
    private final UnaryOperator<float[]> regionTransform;
    private final float l2Epsilon;

    /**
     * Regional pooling with no per-region transform and L2 epsilon 1e-6.
     *
     * @param inner           pooling applied to every region (MAC for R-MAC, GeM for regional GeM)
     * @param layout          the regions to pool
     * @param includeWholeMap whether the whole map is pooled as an extra (first) region
     * @throws IllegalArgumentException if {@code inner} or {@code layout} is null
     */
    public RegionalPooling(Pooling inner, RegionLayout layout, boolean includeWholeMap) {
        this(inner, layout, includeWholeMap, null, DEFAULT_L2_EPSILON);
    }

    private RegionalPooling(
        Pooling inner, RegionLayout layout, boolean includeWholeMap, UnaryOperator<float[]> regionTransform, float l2Epsilon) {
        if (inner == null) {
            throw new IllegalArgumentException("inner pooling must not be null");
        }
        if (layout == null) {
            throw new IllegalArgumentException("region layout must not be null");
        }
        this.inner = inner;
        this.layout = layout;
        this.includeWholeMap = includeWholeMap;
        this.regionTransform = regionTransform;
        this.l2Epsilon = L2WithEpsilon.requireValidEpsilon(l2Epsilon, "L2 epsilon");
    }

    /**
     * A copy that applies {@code transform} (e.g. a per-region whitening) to every L2-normalised
     * region vector, then L2-normalises again. {@code null} removes the transform.
     */
    public RegionalPooling withRegionTransform(UnaryOperator<float[]> transform) {
        return new RegionalPooling(inner, layout, includeWholeMap, transform, l2Epsilon);
    }

    /**
     * A copy with L2 epsilon {@code eps} (0 = exact L2).
     *
     * @throws IllegalArgumentException unless {@code eps} is finite and {@code >= 0}
     */
    public RegionalPooling withL2Epsilon(float eps) {
        return new RegionalPooling(inner, layout, includeWholeMap, regionTransform, eps);
    }

    /** The pooling applied to each region. */
    public Pooling inner() {
        return inner;
    }

    /** The region layout. */
    public RegionLayout layout() {
        return layout;
    }

    /** Whether the whole map is pooled as an extra region. */
    public boolean includesWholeMap() {
        return includeWholeMap;
    }

    /** The L2 epsilon. */
    public float l2Epsilon() {
        return l2Epsilon;
    }

    /**
     * Pools {@code map} as described in the class doc.
     *
     * @throws IllegalArgumentException if the layout yields no region at all, a region outside
     *     the map, or the transform returns null, a non-finite value or a varying dimension
     */
    @Override
    public float[] pool(FeatureMap map) {
        List<Region> regions = layout.regions(map.width(), map.height());
        if (regions.isEmpty() && includeWholeMap == false) {
            throw new IllegalArgumentException(
                "region layout " + layout + " gives no region for a map of width " + map.width() + " and height " + map.height());
        }
        float[] sum = null;
        if (includeWholeMap) {
            sum = pooledRegion(map);
        }
        for (Region region : regions) {
            float[] r = pooledRegion(map.region(region));
            if (sum == null) {
                sum = r;
            } else {
                VectorMath.addScaled(sum, 1f, r);
            }
        }
        return L2WithEpsilon.normalizeInPlace(sum, l2Epsilon);
    }

    private float[] pooledRegion(FeatureMap region) {
        float[] r = L2WithEpsilon.normalizeInPlace(inner.pool(region), l2Epsilon);
        if (regionTransform == null) {
            return r;
        }
        float[] t = regionTransform.apply(r);
        if (t == null) {
            throw new IllegalArgumentException("region transform returned null");
        }
        VectorMath.requireFinite(t, "transformed region vector");
        return L2WithEpsilon.normalizeInPlace(t.clone(), l2Epsilon);
    }

    @Override
    public String toString() {
        return "RegionalPooling[inner=" + inner + ", layout=" + layout + ", wholeMap=" + includeWholeMap
            + ", transform=" + (regionTransform != null) + ", l2Epsilon=" + l2Epsilon + "]";
    }
}
