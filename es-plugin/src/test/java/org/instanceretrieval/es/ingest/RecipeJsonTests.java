package org.instanceretrieval.es.ingest;

import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.onnx.OutputKind;

import java.util.List;
import java.util.Map;

public class RecipeJsonTests extends ESTestCase {

    private static RecipeJson overrides(Map<String, ?> map) {
        return RecipeJson.parse("", map, RecipeJson.OVERRIDE_FIELDS, null);
    }

    private static void assertRefused(String prefix, Map<String, ?> map, java.util.Set<String> allowed, OutputKind kind, String message) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> RecipeJson.parse(prefix, map, allowed, kind));
        assertEquals(message, e.getMessage());
    }

    public void testEveryFieldReachesTheBuilder() {
        RecipeJson json = overrides(Map.of(
            "pooling", Map.of("type", "rmac", "levels", 2, "include_global", false),
            "scales", List.of(1, 0.5),
            "size", Map.of("fixed", List.of(64, 48)),
            "patches", 2,
            "whitening_id", "lw-1"
        ));
        DescriptorRecipe recipe = json.applyTo(DescriptorRecipe.builder()).build();
        assertEquals(PoolingSpec.rmac(2, false), recipe.pooling());
        assertEquals(List.of(1.0, 0.5), recipe.scales());
        assertEquals(ResizePolicy.fixed(64, 48), recipe.resizePolicy());
        assertEquals(2, recipe.patchLevels());
        assertEquals("lw-1", json.whiteningId());
        // The whitening itself is fetched by id: the builder gets none from the JSON.
        assertNull(recipe.whitening());
    }

    public void testAbsentFieldsKeepTheBuilderValues() {
        DescriptorRecipe base = DescriptorRecipe.builder().pooling(PoolingSpec.mac()).scales(List.of(1.0, 0.25))
            .resizePolicy(ResizePolicy.longestSide(300)).build();
        DescriptorRecipe merged = overrides(Map.of("pooling", Map.of("type", "gem", "p", 4))).applyTo(base.toBuilder()).build();
        assertEquals(PoolingSpec.gem(4), merged.pooling());
        assertEquals(List.of(1.0, 0.25), merged.scales());
        assertEquals(ResizePolicy.longestSide(300), merged.resizePolicy());
        assertEquals(DescriptorRecipe.builder().build(), RecipeJson.empty().applyTo(DescriptorRecipe.builder()).build());
    }

    public void testPoolingDefaultsAreModelStores() {
        assertEquals(PoolingSpec.gem(3), overrides(Map.of("pooling", Map.of("type", "gem"))).pooling());
        assertEquals(PoolingSpec.rmac(3, true), overrides(Map.of("pooling", Map.of("type", "rmac"))).pooling());
        assertEquals(PoolingSpec.spoc(true), overrides(Map.of("pooling", Map.of("type", "spoc", "centre_prior", true))).pooling());
        assertEquals(PoolingSpec.grid(), overrides(Map.of("pooling", Map.of("type", "grid"))).pooling());
        assertEquals(PoolingSpec.none(), overrides(Map.of("pooling", Map.of("type", "none"))).pooling());
    }

    public void testNormalisedMapParsesBackEqual() {
        RecipeJson json = overrides(Map.of("pooling", Map.of("type", "gem", "p", 3), "scales", List.of(1, 0.5), "size",
            Map.of("longest_side", 512), "patches", 1));
        assertEquals(Map.of("type", "gem", "p", 3.0), json.toMap().get("pooling"));
        assertEquals(List.of(1.0, 0.5), json.toMap().get("scales"));
        assertEquals(json, overrides(json.toMap()));
    }

    public void testLimitsAreModelStoresAndErrorsNameTheJsonPath() {
        // Processor overrides: top-level options, named as they are written.
        assertRefused("", Map.of("pooling", Map.of("type", "gem", "p", 0.5)), RecipeJson.OVERRIDE_FIELDS, null,
            "[pooling.p] must be between 1 and 100 but was [0.5]");
        assertRefused("", Map.of("scales", List.of(1, 3)), RecipeJson.OVERRIDE_FIELDS, null, "[scales] values must be in (0, 2.0] but got [3.0]");
        assertRefused("", Map.of("scales", List.of(1, 1, 1, 1, 1, 1, 1, 1, 1)), RecipeJson.OVERRIDE_FIELDS, null,
            "[scales] must hold 1 to 8 values but was [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]");
        assertRefused("", Map.of("patches", 5), RecipeJson.OVERRIDE_FIELDS, null, "[patches] levels must be between 0 and 4 but was [5]");
        assertRefused("", Map.of("patches", "two"), RecipeJson.OVERRIDE_FIELDS, null, "[patches] must be an integer, got two");
        assertRefused("", Map.of("size", Map.of("longest_side", 0)), RecipeJson.OVERRIDE_FIELDS, null, "[size.longest_side] must be in [1, 8192], got 0");
        assertRefused("", Map.of("size", Map.of("fixed", List.of(1, 2), "longest_side", 4)), RecipeJson.OVERRIDE_FIELDS, null,
            "[size] needs exactly one of [fixed] or [longest_side]");
        assertRefused("", Map.of("pooling", Map.of("type", "max")), RecipeJson.OVERRIDE_FIELDS, null,
            "[pooling.type] must be one of [none, mac, spoc, gem, rmac, grid], got [max]");
        assertRefused("", Map.of("pooling", Map.of("type", "gem", "levels", 2)), RecipeJson.OVERRIDE_FIELDS, null,
            "[pooling.levels] is not a parameter of pooling [gem], expected one of [p]");
        assertRefused("", Map.of("whitening_id", "A B"), RecipeJson.OVERRIDE_FIELDS, null,
            "[whitening_id] must be 1 to 64 characters of lowercase letters, digits, '-' and '_', got [A B]");
        // A model's recipe: the same rules under "recipe.", and only its own fields.
        assertRefused("recipe.", Map.of("pooling", Map.of("type", "rmac", "levels", 9)), RecipeJson.MODEL_FIELDS, OutputKind.FEATURE_MAP,
            "[recipe.pooling.levels] must be between 1 and 7 but was [9]");
        assertRefused("recipe.", Map.of("size", Map.of("longest_side", 10)), RecipeJson.MODEL_FIELDS, OutputKind.FEATURE_MAP,
            "unknown field [recipe.size], expected one of [pooling, scales, whitening_id]");
        assertRefused("recipe.", Map.of("pooling", Map.of("type", "mac")), RecipeJson.MODEL_FIELDS, OutputKind.VECTOR,
            "[recipe.pooling.type] must be [none] for [output.kind] vector (there is no feature map to pool), got [mac]");
    }
}
