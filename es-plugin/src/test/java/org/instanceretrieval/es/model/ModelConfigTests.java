package org.instanceretrieval.es.model;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OutputKind;

import java.util.List;
import java.util.Map;

public class ModelConfigTests extends ESTestCase {

    private static Map<String, Object> json(String text) {
        return XContentHelper.convertToMap(XContentType.JSON.xContent(), text, true);
    }

    private static final String FULL = """
        {"description": "ResNet-101 GeM",
         "input": {"size": {"fixed": [724, 512]}, "mean": [103.5, 116.25, 123.75], "std": [1, 1, 1],
                   "channel_order": "bgr", "layout": "nchw"},
         "output": {"name": "pool5", "kind": "feature_map"},
         "recipe": {"pooling": {"type": "gem", "p": 3}, "scales": [1, 0.7071, 0.5], "whitening_id": "lw-r101"}}""";

    public void testParsesEveryField() {
        ModelConfig c = ModelConfig.parse(json(FULL));
        assertEquals("ResNet-101 GeM", c.description());
        assertTrue(c.size().isFixed());
        assertEquals(724, c.size().fixedWidth());
        assertEquals(512, c.size().fixedHeight());
        assertArrayEquals(new float[] { 103.5f, 116.25f, 123.75f }, c.mean(), 0f);
        assertArrayEquals(new float[] { 1, 1, 1 }, c.std(), 0f);
        assertEquals(TensorLayout.ChannelOrder.BGR, c.channelOrder());
        assertEquals("pool5", c.outputName());
        assertEquals(OutputKind.FEATURE_MAP, c.outputKind());
        // p given as the integer 3 is normalised to 3.0, scales to doubles.
        assertEquals(Map.of("pooling", Map.of("type", "gem", "p", 3.0), "scales", List.of(1.0, 0.7071, 0.5), "whitening_id", "lw-r101"), c.recipe());
        // A fixed size resizes 1448 x 1024 by exactly one half in each direction.
        assertArrayEquals(new int[] { 724, 512 }, c.size().toResizePolicy().outputSize(1448, 1024));
    }

    public void testDefaultsAndLongestSideNeverEnlarges() {
        ModelConfig c = ModelConfig.parse(json("""
            {"input": {"size": {"longest_side": 1024}}, "output": {"kind": "vector"}}"""));
        assertNull(c.description());
        assertNull(c.outputName());
        assertEquals(OutputKind.VECTOR, c.outputKind());
        assertArrayEquals(new float[] { 0.485f, 0.456f, 0.406f }, c.mean(), 0f);
        assertArrayEquals(new float[] { 0.229f, 0.224f, 0.225f }, c.std(), 0f);
        assertEquals(TensorLayout.ChannelOrder.RGB, c.channelOrder());
        assertEquals(Map.of(), c.recipe());
        assertArrayEquals(new int[] { 1024, 512 }, c.size().toResizePolicy().outputSize(2048, 1024));
        assertArrayEquals(new int[] { 500, 300 }, c.size().toResizePolicy().outputSize(500, 300));
    }

    public void testXContentRoundTripWritesTheDocumentedShape() throws Exception {
        ModelConfig c = ModelConfig.parse(json(FULL));
        String written = Strings.toString(c);
        assertEquals(
            "{\"description\":\"ResNet-101 GeM\","
                + "\"input\":{\"size\":{\"fixed\":[724,512]},\"mean\":[103.5,116.25,123.75],\"std\":[1.0,1.0,1.0],\"channel_order\":\"bgr\",\"layout\":\"nchw\"},"
                + "\"output\":{\"name\":\"pool5\",\"kind\":\"feature_map\"},"
                + "\"recipe\":{\"pooling\":{\"type\":\"gem\",\"p\":3.0},\"scales\":[1.0,0.7071,0.5],\"whitening_id\":\"lw-r101\"}}",
            written
        );
        assertEquals(c, ModelConfig.parse(json(written)));
        // ImageNet floats print as their decimal form and read back to the same floats.
        ModelConfig defaults = ModelConfig.parse(json("""
            {"input": {"size": {"longest_side": 800}}, "output": {"kind": "feature_map"}, "recipe": {"pooling": {"type": "rmac", "levels": 3}}}"""));
        String defaultsJson = Strings.toString(defaults);
        assertTrue(defaultsJson, defaultsJson.contains("\"mean\":[0.485,0.456,0.406]"));
        assertEquals(defaults, ModelConfig.parse(json(defaultsJson)));
    }

    /** {@code input.min_side}: absent means 1 (the graph's minimum alone) and is not written; given, it is kept on every path. */
    public void testMinSideIsOptionalAndRoundTrips() throws Exception {
        ModelConfig absent = ModelConfig.parse(json("""
            {"input": {"size": {"longest_side": 512}}, "output": {"kind": "feature_map"}}"""));
        assertEquals(1, absent.minSide());
        assertFalse(Strings.toString(absent), Strings.toString(absent).contains("min_side"));
        ModelConfig given = ModelConfig.parse(json("""
            {"input": {"size": {"longest_side": 512}, "min_side": 64}, "output": {"kind": "feature_map"}}"""));
        assertEquals(64, given.minSide());
        String written = Strings.toString(given);
        assertTrue(written, written.contains("\"layout\":\"nchw\",\"min_side\":64},"));
        assertEquals(given, ModelConfig.parse(json(written)));
        assertNotEquals(absent, given);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            given.writeTo(out);
            assertEquals(64, ModelConfig.readFrom(out.bytes().streamInput()).minSide());
        }
        assertEquals(1, ModelConfig.builtInDefault().minSide()); // the built-ins rely on their graphs
    }

    public void testTransportRoundTrip() throws Exception {
        ModelConfig c = ModelConfig.parse(json(FULL));
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            c.writeTo(out);
            assertEquals(c, ModelConfig.readFrom(out.bytes().streamInput()));
        }
    }

    public void testBuiltInDefaultIsTheInceptionTrunkWithTheValidatedRecipe() {
        ModelConfig c = ModelConfig.builtInDefault();
        assertEquals("features", c.outputName());
        assertEquals(OutputKind.FEATURE_MAP, c.outputKind());
        // nsfwjs feeds pixels / 255: mean 0, std 1; longest side 160, GeM p 3, one scale (docs/benchmarks.md, test2)
        assertArrayEquals(new float[] { 0, 0, 0 }, c.mean(), 0f);
        assertArrayEquals(new float[] { 1, 1, 1 }, c.std(), 0f);
        assertEquals(160, c.size().longestSide());
        assertEquals(List.of(1.0), c.recipe().get("scales"));
        assertEquals(Map.of("type", "gem", "p", 3.0), c.recipe().get("pooling"));
    }

    public void testBuiltInFilterBankDescribesTheFilterBank() {
        ModelConfig c = ModelConfig.builtInFilterBank();
        assertEquals(DefaultModel.OUTPUT, c.outputName());
        assertEquals(OutputKind.FEATURE_MAP, c.outputKind());
        assertArrayEquals(DefaultModel.MEAN, c.mean(), 0f);
        assertArrayEquals(DefaultModel.STD, c.std(), 0f);
        assertEquals(1024, c.size().longestSide());
    }

    public void testBuiltInNsfwjsDescribesTheTrunk() {
        ModelConfig c = ModelConfig.builtInNsfwjs();
        assertEquals("features", c.outputName());
        assertEquals(OutputKind.FEATURE_MAP, c.outputKind());
        // nsfwjs feeds pixels / 255: mean 0, std 1
        assertArrayEquals(new float[] { 0, 0, 0 }, c.mean(), 0f);
        assertArrayEquals(new float[] { 1, 1, 1 }, c.std(), 0f);
        assertEquals(224, c.size().longestSide());
    }

    private void assertRefused(String body, String expectedMessage) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json(body)));
        assertEquals(body, expectedMessage, e.getMessage());
    }

    private static String withInput(String input) {
        return "{\"input\": " + input + ", \"output\": {\"kind\": \"feature_map\"}}";
    }

    private static String withRecipe(String kind, String recipe) {
        return "{\"input\": {\"size\": {\"longest_side\": 1024}}, \"output\": {\"kind\": \"" + kind + "\"}, \"recipe\": " + recipe + "}";
    }

    public void testErrorsNameTheField() {
        assertRefused("{\"output\": {\"kind\": \"vector\"}}", "[input] is required");
        assertRefused("{\"input\": {\"size\": {\"longest_side\": 9}}}", "[output] is required");
        assertRefused("{\"inputs\": {}}", "unknown field [inputs], expected one of [description, input, output, recipe]");
        assertRefused(withInput("{}"), "[input.size] is required");
        assertRefused(withInput("{\"size\": {\"fixed\": [2, 2], \"longest_side\": 9}}"), "[input.size] needs exactly one of [fixed] or [longest_side]");
        assertRefused(withInput("{\"size\": {}}"), "[input.size] needs exactly one of [fixed] or [longest_side]");
        assertRefused(withInput("{\"size\": {\"fixed\": [0, 10]}}"), "[input.size.fixed] must be in [1, 8192], got 0");
        assertRefused(withInput("{\"size\": {\"fixed\": [10]}}"), "[input.size.fixed] must be [width, height], got [10]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 1.5}}"), "[input.size.longest_side] must be an integer, got 1.5");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9000}}"), "[input.size.longest_side] must be in [1, 8192], got 9000");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"mean\": [1, 2]}"), "[input.mean] must be a list of 3 numbers, got [1, 2]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"std\": [1, 0, 1]}"), "[input.std] values must be positive, got [1, 0, 1]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"std\": [1, \"a\", 1]}"), "[input.std] must be a finite number, got a");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"channel_order\": \"rgba\"}"), "[input.channel_order] must be [rgb] or [bgr], got [rgba]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"layout\": \"nhwc\"}"), "[input.layout] must be [nchw] (the only layout supported), got [nhwc]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"dtype\": \"f16\"}"),
            "unknown field [input.dtype], expected one of [channel_order, layout, mean, min_side, size, std]");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"min_side\": 0}"), "[input.min_side] must be in [1, 8192], got 0");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"min_side\": 8193}"), "[input.min_side] must be in [1, 8192], got 8193");
        assertRefused(withInput("{\"size\": {\"longest_side\": 9}, \"min_side\": 2.5}"), "[input.min_side] must be an integer, got 2.5");
        assertRefused("{\"input\": {\"size\": {\"longest_side\": 9}}, \"output\": {\"kind\": \"map\"}}", "[output.kind] must be [feature_map] or [vector], got [map]");
        assertRefused("{\"input\": {\"size\": {\"longest_side\": 9}}, \"output\": {}}", "[output.kind] is required");
        assertRefused("{\"input\": {\"size\": {\"longest_side\": 9}}, \"output\": {\"kind\": \"vector\", \"name\": \"\"}}", "[output.name] must not be empty");
    }

    public void testRecipeErrorsNameTheField() {
        assertRefused(withRecipe("feature_map", "[]"), "[recipe] must be an object");
        assertRefused(withRecipe("feature_map", "{\"pool\": {}}"), "unknown field [recipe.pool], expected one of [pooling, scales, whitening_id]");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {}}"), "[recipe.pooling.type] is required, one of [none, mac, spoc, gem, rmac, grid]");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"avg\"}}"),
            "[recipe.pooling.type] must be one of [none, mac, spoc, gem, rmac, grid], got [avg]");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"gem\", \"p\": 0}}"), "[recipe.pooling.p] must be between 1 and 100 but was [0.0]");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"mac\", \"p\": 3}}"), "[recipe.pooling.p] is not a parameter of pooling [mac] (it takes none)");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"rmac\", \"levels\": 8}}"), "[recipe.pooling.levels] must be between 1 and 7 but was [8]");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"spoc\", \"centre_prior\": \"yes\"}}"),
            "[recipe.pooling.centre_prior] must be true or false, got yes");
        assertRefused(withRecipe("feature_map", "{\"pooling\": {\"type\": \"none\"}}"),
            "[recipe.pooling.type] none needs [output.kind] vector; a feature_map must be pooled");
        assertRefused(withRecipe("vector", "{\"pooling\": {\"type\": \"gem\"}}"),
            "[recipe.pooling.type] must be [none] for [output.kind] vector (there is no feature map to pool), got [gem]");
        assertRefused(withRecipe("feature_map", "{\"scales\": []}"), "[recipe.scales] must hold 1 to 8 values but was []");
        assertRefused(withRecipe("feature_map", "{\"scales\": [1, -0.5]}"), "[recipe.scales] values must be in (0, 2.0] but got [-0.5]");
        assertRefused(withRecipe("feature_map", "{\"whitening_id\": \"Lw\"}"),
            "[recipe.whitening_id] must be 1 to 64 characters of lowercase letters, digits, '-' and '_', got [Lw]");
        // Each documented parameter is accepted where it belongs.
        ModelConfig ok = ModelConfig.parse(json(withRecipe("feature_map",
            "{\"pooling\": {\"type\": \"rmac\", \"levels\": 3, \"include_global\": false}}")));
        assertEquals(Map.of("type", "rmac", "levels", 3, "include_global", false), ok.recipe().get("pooling"));
        ok = ModelConfig.parse(json(withRecipe("feature_map", "{\"pooling\": {\"type\": \"spoc\", \"centre_prior\": true}}")));
        assertEquals(Map.of("type", "spoc", "centre_prior", true), ok.recipe().get("pooling"));
        ok = ModelConfig.parse(json(withRecipe("vector", "{\"pooling\": {\"type\": \"none\"}}")));
        assertEquals(Map.of("type", "none"), ok.recipe().get("pooling"));
    }
}
