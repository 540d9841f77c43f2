package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.pooling.MultiResolutionPatches;
import org.instanceretrieval.pooling.MultiScaleCombination;
import org.instanceretrieval.whitening.Whitening;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How an image becomes a descriptor (retrieval definitions, "Pooling", "Multi-scale and
 * multi-resolution", "Whitening"), independent of the network. Immutable; build it with
 * {@link #builder()} or change a copy with {@link #toBuilder()}.
 *
 * <p>Per scale {@code s}: the image resized by {@link #resizePolicy()} is rescaled by {@code s}
 * (bilinear), run through the network, pooled ({@link #pooling()}) and L2-normalised. The
 * per-scale vectors are combined by {@link #multiScaleCombination()}: by default the power
 * mean {@code (mean_s v_s^q)^(1/q)} with {@code q} = GeM's p when the pooling is GeM (the
 * whitening is never inside the per-scale vectors here: it is applied after combining), else
 * {@code q = 1}, then L2. Last, the optional whitening: {@code L2(P (v - m))}. So the network
 * order is features -&gt; pool -&gt; L2 -&gt; (multi-scale) -&gt; whitening -&gt; L2.
 *
 * <p>Defaults: GeM p = 3, scales {@code [1, 1/sqrt(2), 1/2]}, power-mean combination, no
 * whitening, longest side at most 1024 never enlarging (cirtorch), no patches.
 *
 * <p>Patches ({@link #patchLevels()} {@code L >= 1}): Razavian et al.'s multi-resolution
 * layout with L levels ({@code sum l^2} square patches of side {@code 2 min(W, H)/(l+1)},
 * {@link MultiResolutionPatches.PatchSide#MIN_SIDE_SQUARE}) placed on the resized image (the
 * image that scale 1 describes); each patch is cropped from it, so it keeps the scale of the
 * global description (it is not enlarged to the network's input size, which keeps 30 patches
 * affordable), and described at that one scale with the same pooling and whitening:
 * pool -&gt; L2 -&gt; whitening -&gt; L2.
 */
public final class DescriptorRecipe {

    /** Default longest side, cirtorch's 1024. */
    public static final int DEFAULT_LONGEST_SIDE = 1024;
    /** Highest number of scales accepted. */
    public static final int MAX_SCALES = 8;
    /** Largest scale factor accepted (upscaling by more than 2 only costs time). */
    public static final double MAX_SCALE = 2.0;
    /** Highest number of patch levels accepted (4 levels = 30 patches, the paper's setting). */
    public static final int MAX_PATCH_LEVELS = 4;

    /** How per-scale descriptors are combined. */
    public enum MultiScaleMode {
        /** The definitions' rule: power mean with q = GeM p (GeM pooling) else 1, then L2 (cirtorch). */
        POWER_MEAN,
        /** GPR1200's landmark models: L2 each scale, sum, L2. */
        L2_EACH_SUM
    }

    private final PoolingSpec pooling;
    private final List<Double> scales;
    private final MultiScaleMode multiScaleMode;
    private final ResizePolicy resizePolicy;
    private final String whiteningId;
    private final Whitening whitening;
    private final int patchLevels;

    private DescriptorRecipe(Builder b) {
        this.pooling = b.pooling;
        this.scales = List.copyOf(b.scales);
        this.multiScaleMode = b.multiScaleMode;
        this.resizePolicy = b.resizePolicy;
        this.whiteningId = b.whiteningId;
        this.whitening = b.whitening;
        this.patchLevels = b.patchLevels;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: GeM p = 3, three scales, longest side 1024, no whitening, no patches. */
    public static DescriptorRecipe defaults() {
        return builder().build();
    }

    /** A builder initialised with this recipe's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.pooling = pooling;
        b.scales = scales;
        b.multiScaleMode = multiScaleMode;
        b.resizePolicy = resizePolicy;
        b.whiteningId = whiteningId;
        b.whitening = whitening;
        b.patchLevels = patchLevels;
        return b;
    }

    /** The pooling applied to each feature map (or {@code none} for vector models). */
    public PoolingSpec pooling() {
        return pooling;
    }

    /** The scale factors of the multi-scale description, in order (patches always use scale 1 alone). */
    public List<Double> scales() {
        return scales;
    }

    /** The rule that combines the per-scale vectors. */
    public MultiScaleMode multiScaleMode() {
        return multiScaleMode;
    }

    /**
     * The combination of per-scale vectors: for {@link MultiScaleMode#POWER_MEAN},
     * {@link MultiScaleCombination#forPooling} with "no whitening inside" (whitening comes after
     * the combination), or q = 1 when there is no pooling.
     */
    public MultiScaleCombination multiScaleCombination() {
        if (multiScaleMode == MultiScaleMode.L2_EACH_SUM) {
            return MultiScaleCombination.l2EachSum();
        }
        return pooling.type() == PoolingSpec.Type.NONE
            ? MultiScaleCombination.powerMean(1.0)
            : MultiScaleCombination.forPooling(pooling.toPooling(), false);
    }

    /** How the image (or, with a box, the full image's scale) is sized before scale 1. */
    public ResizePolicy resizePolicy() {
        return resizePolicy;
    }

    /** The whitening's id, or {@code null} without whitening. */
    public String whiteningId() {
        return whiteningId;
    }

    /** The whitening applied last, or {@code null}. */
    public Whitening whitening() {
        return whitening;
    }

    /** Multi-resolution patch levels, 0 for no patch descriptors. */
    public int patchLevels() {
        return patchLevels;
    }

    /** The patch layout, or {@code null} when {@link #patchLevels()} is 0. */
    public MultiResolutionPatches patchLayout() {
        return patchLevels == 0 ? null : new MultiResolutionPatches(patchLevels, MultiResolutionPatches.PatchSide.MIN_SIDE_SQUARE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DescriptorRecipe r && pooling.equals(r.pooling) && scales.equals(r.scales)
            && multiScaleMode == r.multiScaleMode && resizePolicy.equals(r.resizePolicy)
            && Objects.equals(whiteningId, r.whiteningId) && Objects.equals(whitening, r.whitening) && patchLevels == r.patchLevels;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pooling, scales, multiScaleMode, resizePolicy, whiteningId, patchLevels);
    }

    @Override
    public String toString() {
        return "DescriptorRecipe[pooling=" + pooling + ", scales=" + scales + ", multi_scale=" + multiScaleMode + ", size="
            + resizePolicy + ", whitening=" + whiteningId + ", patches=" + patchLevels + "]";
    }

    /** Builds a {@link DescriptorRecipe}; every setter validates its value and names the option in its error. */
    public static final class Builder {
        private PoolingSpec pooling = PoolingSpec.gem();
        private List<Double> scales = MultiScaleCombination.DEFAULT_SCALES;
        private MultiScaleMode multiScaleMode = MultiScaleMode.POWER_MEAN;
        private ResizePolicy resizePolicy = ResizePolicy.longestSide(DEFAULT_LONGEST_SIDE);
        private String whiteningId;
        private Whitening whitening;
        private int patchLevels;

        private Builder() {}

        /** Sets the pooling; {@link PoolingSpec#none()} for vector models. */
        public Builder pooling(PoolingSpec pooling) {
            if (pooling == null) {
                throw new IllegalArgumentException("[pooling] must not be null (use [none] for vector models)");
            }
            this.pooling = pooling;
            return this;
        }

        /**
         * @throws IllegalArgumentException unless there are 1..{@value #MAX_SCALES} scales, each
         *     finite, {@code > 0} and {@code <=} {@value #MAX_SCALE}
         */
        public Builder scales(List<Double> scales) {
            if (scales == null || scales.isEmpty() || scales.size() > MAX_SCALES) {
                throw new IllegalArgumentException("[scales] must hold 1 to " + MAX_SCALES + " values but was " + scales);
            }
            List<Double> copy = new ArrayList<>(scales.size());
            for (Double s : scales) {
                if (s == null || Double.isFinite(s) == false || s <= 0 || s > MAX_SCALE) {
                    throw new IllegalArgumentException("[scales] values must be in (0, " + MAX_SCALE + "] but got [" + s + "]");
                }
                copy.add(s);
            }
            this.scales = copy;
            return this;
        }

        /** Sets the multi-scale combination rule. */
        public Builder multiScaleMode(MultiScaleMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("[multi_scale] must not be null");
            }
            this.multiScaleMode = mode;
            return this;
        }

        /** Sets the image size policy. */
        public Builder resizePolicy(ResizePolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("[size] must not be null");
            }
            this.resizePolicy = policy;
            return this;
        }

        /** Whitening applied last; {@code whitening == null} removes it. */
        public Builder whitening(String id, Whitening whitening) {
            if (whitening != null && (id == null || id.isEmpty())) {
                throw new IllegalArgumentException("[whitening_id] must be named when a whitening is set");
            }
            this.whiteningId = whitening == null ? null : id;
            this.whitening = whitening;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code 0 <= levels <=} {@value #MAX_PATCH_LEVELS} */
        public Builder patchLevels(int levels) {
            if (levels < 0 || levels > MAX_PATCH_LEVELS) {
                throw new IllegalArgumentException("[patches] levels must be between 0 and " + MAX_PATCH_LEVELS + " but was [" + levels + "]");
            }
            this.patchLevels = levels;
            return this;
        }

        /** The immutable recipe. */
        public DescriptorRecipe build() {
            return new DescriptorRecipe(this);
        }
    }
}
