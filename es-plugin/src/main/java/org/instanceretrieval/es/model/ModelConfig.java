package org.instanceretrieval.es.model;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.ingest.RecipeJson;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ModelDefinition;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.NsfwjsInceptionV3;
import org.instanceretrieval.model.onnx.NsfwjsMobileNetV2;
import org.instanceretrieval.model.onnx.OutputKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration a user gives with {@code PUT _retrieval/model/{id}}: how images become the
 * network's input, what its output is, and the default descriptor recipe. Immutable; parsed
 * and validated from the request body's map by {@link #parse(Map)} and written back by
 * {@link #toXContent} in the same shape ({@code parse(toMap(c)).equals(c)}).
 * <pre>
 * {
 *   "description": "ResNet-101 GeM, cirtorch export",            (optional)
 *   "input": {
 *     "size": {"fixed": [724, 724]} | {"longest_side": 1024},     (required; longest_side never enlarges)
 *     "mean": [0.485, 0.456, 0.406],                              (default: ImageNet, in the network's channel order)
 *     "std":  [0.229, 0.224, 0.225],                              (default: ImageNet; each &gt; 0)
 *     "channel_order": "rgb" | "bgr",                             (default rgb)
 *     "layout": "nchw",                                           (default and only value)
 *     "min_side": 64                                              (optional; can only raise the minimum computed from the graph)
 *   },
 *   "output": {"name": "features", "kind": "feature_map" | "vector"},   (kind required; name optional: the first output)
 *   "recipe": { ... }                                             (optional; see {@link RecipeJson})
 * }
 * </pre>
 * Errors are {@link IllegalArgumentException}s (400) naming the field by its dotted path.
 */
public final class ModelConfig implements ToXContentObject, Writeable {

    /** Largest accepted image side, for both size policies. */
    public static final int MAX_SIDE = 8192;
    static final float[] IMAGENET_MEAN = { 0.485f, 0.456f, 0.406f };
    static final float[] IMAGENET_STD = { 0.229f, 0.224f, 0.225f };

    /** How the image is sized: exactly one of fixed (width, height) or longest side. */
    public record Size(int fixedWidth, int fixedHeight, int longestSide) {
        public boolean isFixed() {
            return longestSide == 0;
        }

        /** The model-store policy this size stands for. */
        public ResizePolicy toResizePolicy() {
            return isFixed() ? ResizePolicy.fixed(fixedWidth, fixedHeight) : ResizePolicy.longestSide(longestSide);
        }

        /** The JSON form {@link #parse} reads. */
        public Map<String, Object> toMap() {
            return isFixed() ? Map.of("fixed", List.of(fixedWidth, fixedHeight)) : Map.of("longest_side", longestSide);
        }

        /**
         * Parses {@code {"fixed": [w, h]}} or {@code {"longest_side": n}} (sides 1 to {@value #MAX_SIDE}).
         *
         * @param path the JSON path of the object, named in errors
         * @throws IllegalArgumentException (400) naming the field
         */
        public static Size parse(String path, Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) map;
            return parseSize(new ConfigFields(path, typed, Set.of("fixed", "longest_side")));
        }
    }

    private final String description;
    private final Size size;
    private final float[] mean;
    private final float[] std;
    private final TensorLayout.ChannelOrder channelOrder;
    private final String outputName;
    private final OutputKind outputKind;
    private final RecipeJson recipe;
    private final Integer minSide;

    private ModelConfig(
        String description,
        Size size,
        float[] mean,
        float[] std,
        TensorLayout.ChannelOrder channelOrder,
        String outputName,
        OutputKind outputKind,
        RecipeJson recipe,
        Integer minSide
    ) {
        this.description = description;
        this.size = size;
        this.mean = mean.clone();
        this.std = std.clone();
        this.channelOrder = channelOrder;
        this.outputName = outputName;
        this.outputKind = outputKind;
        this.recipe = recipe;
        this.minSide = minSide;
    }

    /**
     * The configuration of the built-in model {@code default} (see {@link NsfwjsInceptionV3}): longest side 160, pixels / 255
     * (mean 0, std 1), GeM p = 3 at one scale, as chosen on the validation split and confirmed on the pre-registered test
     * split in docs/benchmarks.md.
     */
    public static ModelConfig builtInDefault() {
        return builtInFeatureMap("Built-in pretrained InceptionV3 trunk of nsfwjs 4.4.0 (MIT), cut after mixed5 (768 channels, stride about 17)",
            NsfwjsInceptionV3.LONGEST_SIDE, NsfwjsInceptionV3.MEAN, NsfwjsInceptionV3.STD, NsfwjsInceptionV3.OUTPUT);
    }

    /** The configuration of the built-in model {@code filter_bank} (see {@link DefaultModel}): longest side 1024, ImageNet mean/std. */
    public static ModelConfig builtInFilterBank() {
        return builtInFeatureMap("Built-in untrained early-vision feature extractor (colour-opponent channels, Gabor/DoG bank, rectification, "
                + "pooling): works with no network at all; a pretrained network (such as [default]) is far better on real photos.",
            1024, DefaultModel.MEAN, DefaultModel.STD, DefaultModel.OUTPUT);
    }

    /**
     * The configuration of the built-in model {@code nsfwjs_mobilenet_v2} (see {@link NsfwjsMobileNetV2}): longest side 224,
     * pixels / 255 (mean 0, std 1), GeM p = 3 at one scale, as chosen on the validation split in docs/benchmarks.md.
     */
    public static ModelConfig builtInNsfwjs() {
        return builtInFeatureMap("Built-in pretrained MobileNetV2 trunk of nsfwjs 4.4.0 (MIT), cut after block_13_expand_relu (576 channels, stride 16)",
            NsfwjsMobileNetV2.LONGEST_SIDE, NsfwjsMobileNetV2.MEAN, NsfwjsMobileNetV2.STD, NsfwjsMobileNetV2.OUTPUT);
    }

    /** A built-in feature-map model: RGB, the longest side bounded, GeM p = 3 at one scale. */
    private static ModelConfig builtInFeatureMap(String description, int longestSide, float[] mean, float[] std, String output) {
        return new ModelConfig(description, new Size(0, 0, longestSide), mean, std, TensorLayout.ChannelOrder.RGB, output,
            OutputKind.FEATURE_MAP, RecipeJson.parse("recipe.", Map.of("pooling", Map.of("type", "gem", "p", 3.0), "scales", List.of(1.0)),
                RecipeJson.MODEL_FIELDS, OutputKind.FEATURE_MAP), null);
    }

    /**
     * Parses and validates a configuration.
     *
     * @throws IllegalArgumentException (400) naming the offending field
     */
    public static ModelConfig parse(Map<String, ?> body) {
        ConfigFields top = new ConfigFields("", body, Set.of("description", "input", "output", "recipe"));
        String description = top.optionalString("description");
        ConfigFields input = top.requiredObject("input", Set.of("size", "mean", "std", "channel_order", "layout", "min_side"));
        Size size = parseSize(input.requiredObject("size", Set.of("fixed", "longest_side")));
        float[] mean = input.has("mean") ? input.floats3("mean", false) : IMAGENET_MEAN;
        float[] std = input.has("std") ? input.floats3("std", true) : IMAGENET_STD;
        TensorLayout.ChannelOrder order = TensorLayout.ChannelOrder.RGB;
        String orderName = input.optionalString("channel_order");
        if (orderName != null) {
            order = switch (orderName) {
                case "rgb" -> TensorLayout.ChannelOrder.RGB;
                case "bgr" -> TensorLayout.ChannelOrder.BGR;
                default -> throw new IllegalArgumentException("[input.channel_order] must be [rgb] or [bgr], got [" + orderName + "]");
            };
        }
        String layout = input.optionalString("layout");
        if (layout != null && layout.equals("nchw") == false) {
            throw new IllegalArgumentException("[input.layout] must be [nchw] (the only layout supported), got [" + layout + "]");
        }
        Integer minSide = input.has("min_side") ? input.intInRange("min_side", 1, MAX_SIDE) : null;
        ConfigFields output = top.requiredObject("output", Set.of("name", "kind"));
        String outputName = output.optionalString("name");
        if (outputName != null && outputName.isEmpty()) {
            throw new IllegalArgumentException("[output.name] must not be empty");
        }
        String kindName = output.requiredString("kind");
        OutputKind kind = switch (kindName) {
            case "feature_map" -> OutputKind.FEATURE_MAP;
            case "vector" -> OutputKind.VECTOR;
            default -> throw new IllegalArgumentException("[output.kind] must be [feature_map] or [vector], got [" + kindName + "]");
        };
        Object recipeValue = top.raw("recipe");
        RecipeJson recipe;
        if (recipeValue == null) {
            recipe = RecipeJson.empty();
        } else if (recipeValue instanceof Map<?, ?> m) {
            recipe = RecipeJson.parse("recipe.", m, RecipeJson.MODEL_FIELDS, kind);
        } else {
            throw new IllegalArgumentException("[recipe] must be an object");
        }
        return new ModelConfig(description, size, mean, std, order, outputName, kind, recipe, minSide);
    }

    private static Size parseSize(ConfigFields size) {
        boolean fixed = size.has("fixed"), longest = size.has("longest_side");
        if (fixed == longest) {
            throw new IllegalArgumentException("[" + size.path() + "] needs exactly one of [fixed] or [longest_side]");
        }
        if (longest) {
            return new Size(0, 0, size.intInRange("longest_side", 1, MAX_SIDE));
        }
        Object value = size.raw("fixed");
        if (value instanceof List<?> list && list.size() == 2) {
            int w = ConfigFields.intInRange(size.qualify("fixed"), list.get(0), 1, MAX_SIDE);
            int h = ConfigFields.intInRange(size.qualify("fixed"), list.get(1), 1, MAX_SIDE);
            return new Size(w, h, 0);
        }
        throw new IllegalArgumentException("[" + size.qualify("fixed") + "] must be [width, height], got " + value);
    }

    /** Reads what {@link #writeTo} wrote (the map of {@link #toMap()}, validated again). */
    public static ModelConfig readFrom(StreamInput in) throws IOException {
        return parse(in.readGenericMap());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeGenericMap(toMap());
    }

    /** Optional free text; null when absent. */
    public String description() {
        return description;
    }

    public Size size() {
        return size;
    }

    /** Per-channel mean, in the network's channel order. */
    public float[] mean() {
        return mean.clone();
    }

    /** Per-channel std, in the network's channel order. */
    public float[] std() {
        return std.clone();
    }

    public TensorLayout.ChannelOrder channelOrder() {
        return channelOrder;
    }

    /** The model-store tensor layout (NCHW, mean/std, channel order) of this configuration. */
    public TensorLayout tensorLayout() {
        return new TensorLayout(mean, std, channelOrder);
    }

    /** Name of the output tensor; null means the network's first output. */
    public String outputName() {
        return outputName;
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /**
     * The smallest input height and width the user asks for ({@code input.min_side}), 1 when absent. The model is run on
     * inputs of at least the larger of this and the minimum its graph needs ({@code MinimumInputSide}): the option can only
     * raise the guard, for a network whose strided layers the graph analysis cannot follow.
     */
    public int minSide() {
        return minSide == null ? 1 : minSide;
    }

    /** The definition a node loads for these {@code onnx} bytes: this configuration's output and {@link #minSide}. */
    public ModelDefinition definition(byte[] onnx) {
        return new ModelDefinition(onnx, outputName, outputKind, minSide());
    }

    /** The validated default recipe as JSON (unmodifiable; may be empty), field names as in {@link RecipeJson}. */
    public Map<String, Object> recipe() {
        return recipe.toMap();
    }

    /** The validated default recipe. */
    public RecipeJson recipeJson() {
        return recipe;
    }

    /**
     * The model's default descriptor recipe without its whitening: model-store's defaults, the
     * size of {@code input.size}, then the values of {@code recipe}. Vector models get pooling
     * {@code none} and the single scale 1 unless their recipe says otherwise.
     */
    public DescriptorRecipe.Builder recipeBuilder() {
        DescriptorRecipe.Builder builder = DescriptorRecipe.builder().resizePolicy(size.toResizePolicy());
        if (outputKind == OutputKind.VECTOR) {
            builder.pooling(PoolingSpec.none()).scales(List.of(1.0));
        }
        return recipe.applyTo(builder);
    }

    /** The configuration as the map {@link #parse} reads (every default filled in). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (description != null) {
            map.put("description", description);
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("size", size.toMap());
        input.put("mean", floatList(mean));
        input.put("std", floatList(std));
        input.put("channel_order", channelOrder.name().toLowerCase(Locale.ROOT));
        input.put("layout", "nchw");
        if (minSide != null) {
            input.put("min_side", minSide);
        }
        map.put("input", input);
        Map<String, Object> output = new LinkedHashMap<>();
        if (outputName != null) {
            output.put("name", outputName);
        }
        output.put("kind", outputKind.name().toLowerCase(Locale.ROOT));
        map.put("output", output);
        map.put("recipe", recipe.toMap());
        return map;
    }

    /** Writes the fields of {@link #toMap()} into the current object. */
    public XContentBuilder innerToXContent(XContentBuilder builder) throws IOException {
        for (Map.Entry<String, Object> e : toMap().entrySet()) {
            builder.field(e.getKey(), e.getValue());
        }
        return builder;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        innerToXContent(builder);
        return builder.endObject();
    }

    private static List<Double> floatList(float[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (float v : values) {
            // Through the decimal string, so 0.485f prints as 0.485 and parses back to the same float.
            list.add(Double.parseDouble(Float.toString(v)));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig other
            && Objects.equals(description, other.description)
            && size.equals(other.size)
            && Arrays.equals(mean, other.mean)
            && Arrays.equals(std, other.std)
            && channelOrder == other.channelOrder
            && Objects.equals(outputName, other.outputName)
            && outputKind == other.outputKind
            && recipe.equals(other.recipe)
            && Objects.equals(minSide, other.minSide);
    }

    @Override
    public int hashCode() {
        return Objects.hash(description, size, Arrays.hashCode(mean), Arrays.hashCode(std), channelOrder, outputName, outputKind, recipe,
            minSide);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
