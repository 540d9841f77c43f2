package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.pooling.GemPooling;
import org.instanceretrieval.pooling.MacPooling;
import org.instanceretrieval.pooling.MultiScaleCombination;
import org.instanceretrieval.pooling.RmacPooling;
import org.instanceretrieval.pooling.SpocPooling;
import org.instanceretrieval.whitening.Whitening;
import org.junit.Test;

import java.util.List;

import static org.hamcrest.CoreMatchers.instanceOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

public class DescriptorRecipeTest {

    @Test
    public void defaultsAreTheDocumentedOnes() {
        DescriptorRecipe r = DescriptorRecipe.defaults();
        assertEquals(PoolingSpec.gem(3), r.pooling());
        assertEquals(List.of(1.0, 1.0 / Math.sqrt(2.0), 0.5), r.scales());
        assertEquals(ResizePolicy.longestSide(1024), r.resizePolicy());
        assertEquals(DescriptorRecipe.MultiScaleMode.POWER_MEAN, r.multiScaleMode());
        assertNull(r.whitening());
        assertNull(r.whiteningId());
        assertEquals(0, r.patchLevels());
        assertNull(r.patchLayout());
    }

    @Test
    public void multiScaleExponentFollowsTheDefinitions() {
        // q = p for GeM, whitening or not (the recipe whitens after combining, never inside)
        assertEquals(3.0, DescriptorRecipe.defaults().multiScaleCombination().q(), 0);
        Whitening w = Whitening.of(new float[][] { { 1, 0 }, { 0, 1 } }, new float[2]);
        DescriptorRecipe whitened = DescriptorRecipe.builder().pooling(PoolingSpec.gem(2.5)).whitening("w", w).build();
        assertEquals(2.5, whitened.multiScaleCombination().q(), 0);
        for (PoolingSpec other : List.of(PoolingSpec.mac(), PoolingSpec.spoc(true), PoolingSpec.rmac(), PoolingSpec.grid(), PoolingSpec.none())) {
            MultiScaleCombination c = DescriptorRecipe.builder().pooling(other).build().multiScaleCombination();
            assertEquals(other.toString(), MultiScaleCombination.Mode.POWER_MEAN, c.mode());
            assertEquals(other.toString(), 1.0, c.q(), 0);
        }
        assertEquals(MultiScaleCombination.Mode.L2_EACH_SUM, DescriptorRecipe.builder()
            .multiScaleMode(DescriptorRecipe.MultiScaleMode.L2_EACH_SUM).build().multiScaleCombination().mode());
    }

    @Test
    public void poolingSpecsMapOntoLuceneExtClasses() {
        assertThat(PoolingSpec.mac().toPooling(), instanceOf(MacPooling.class));
        assertEquals(SpocPooling.Weighting.MEAN, ((SpocPooling) PoolingSpec.spoc(false).toPooling()).weighting());
        assertEquals(SpocPooling.Weighting.PYRETRI_CENTRE_PRIOR, ((SpocPooling) PoolingSpec.spoc(true).toPooling()).weighting());
        assertEquals(4.0, ((GemPooling) PoolingSpec.gem(4).toPooling()).p(), 0);
        RmacPooling rmac = (RmacPooling) PoolingSpec.rmac(2, false).toPooling();
        assertEquals(2, rmac.levels());
        assertEquals(false, rmac.includesGlobal());
        assertThrows(IllegalStateException.class, () -> PoolingSpec.none().toPooling());
        assertEquals(PoolingSpec.Type.RMAC, PoolingSpec.Type.fromId("rmac"));
        assertEquals("unknown [pooling] type [max], expected one of [none, mac, spoc, gem, rmac, grid]",
            assertThrows(IllegalArgumentException.class, () -> PoolingSpec.Type.fromId("max")).getMessage());
    }

    @Test
    public void invalidOptionsAreRejectedNamingTheOption() {
        assertEquals("[pooling.p] must be between 1 and 100 but was [0.5]",
            assertThrows(IllegalArgumentException.class, () -> PoolingSpec.gem(0.5)).getMessage());
        assertEquals("[pooling.levels] must be between 1 and 7 but was [0]",
            assertThrows(IllegalArgumentException.class, () -> PoolingSpec.rmac(0, true)).getMessage());
        DescriptorRecipe.Builder b = DescriptorRecipe.builder();
        assertEquals("[scales] must hold 1 to 8 values but was []",
            assertThrows(IllegalArgumentException.class, () -> b.scales(List.of())).getMessage());
        assertEquals("[scales] values must be in (0, 2.0] but got [-1.0]",
            assertThrows(IllegalArgumentException.class, () -> b.scales(List.of(1.0, -1.0))).getMessage());
        assertEquals("[scales] values must be in (0, 2.0] but got [NaN]",
            assertThrows(IllegalArgumentException.class, () -> b.scales(List.of(Double.NaN))).getMessage());
        assertEquals("[patches] levels must be between 0 and 4 but was [5]",
            assertThrows(IllegalArgumentException.class, () -> b.patchLevels(5)).getMessage());
        assertEquals("[whitening_id] must be named when a whitening is set",
            assertThrows(IllegalArgumentException.class,
                () -> b.whitening(null, Whitening.of(new float[][] { { 1 } }, new float[1]))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.pooling(null));
        assertThrows(IllegalArgumentException.class, () -> b.resizePolicy(null));
    }

    @Test
    public void toBuilderCopiesAndEqualityIsByValue() {
        DescriptorRecipe r = DescriptorRecipe.builder().pooling(PoolingSpec.rmac(2, true)).scales(List.of(1.0))
            .resizePolicy(ResizePolicy.fixed(724, 724)).patchLevels(3).build();
        assertEquals(r, r.toBuilder().build());
        assertEquals(r.hashCode(), r.toBuilder().build().hashCode());
        assertNotEquals(r, r.toBuilder().patchLevels(2).build());
        assertEquals(14, r.patchLayout().patches(100, 80).size());
        assertEquals(r, DescriptorRecipe.builder().pooling(PoolingSpec.rmac(2, true)).scales(List.of(1.0))
            .resizePolicy(ResizePolicy.fixed(724, 724)).patchLevels(3).build());
    }
}
