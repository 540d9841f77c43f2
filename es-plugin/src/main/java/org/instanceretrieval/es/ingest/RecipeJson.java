package org.instanceretrieval.es.ingest;

import org.instanceretrieval.es.model.ModelConfig;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.onnx.OutputKind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one JSON form of a descriptor recipe, shared by a model's default recipe
 * ({@code PUT _retrieval/model/{id}}, field {@code recipe}) and the overrides of the
 * {@code image_descriptor} ingest processor. It parses the JSON shape (objects, numbers, known
 * field names) and hands the values to model-store's {@link DescriptorRecipe.Builder} and
 * {@link PoolingSpec}, which own the limits; their errors are re-labelled with the field's
 * JSON path ({@code [recipe.pooling.p]} rather than {@code [pooling.p]}). Immutable.
 * <pre>
 * "pooling": {"type": "none" | "mac" | "spoc" | "gem" | "rmac" | "grid",
 *             "centre_prior": false,        (spoc only)
 *             "p": 3.0,                     (gem only)
 *             "levels": 3,                  (rmac only)
 *             "include_global": true},      (rmac only)
 * "scales": [1.0, 0.7071, 0.5],
 * "size": {"fixed": [724, 724]} | {"longest_side": 1024},   (processor only; a model has input.size)
 * "whitening_id": "my-lw",                  (a whitening id, same rule as model ids)
 * "patches": 3                              (processor only; multi-resolution levels 1 to 4)
 * </pre>
 * {@code none} is the only pooling for {@code vector} outputs and is refused for
 * {@code feature_map} outputs, when the output kind is known at parse time. Unknown fields
 * are errors (a typo must not silently change descriptors). A value that is absent leaves the
 * builder's value as it was (the model's default recipe, or model-store's defaults).
 */
public final class RecipeJson {

    /** Fields of a model's default recipe. */
    public static final Set<String> MODEL_FIELDS = Set.of("pooling", "scales", "whitening_id");
    /** Fields the ingest processor accepts as overrides. */
    public static final Set<String> OVERRIDE_FIELDS = Set.of("pooling", "scales", "size", "whitening_id", "patches");

    private static final Map<String, Set<String>> POOLING_PARAMS = Map.of(
        "none", Set.of(),
        "mac", Set.of(),
        "spoc", Set.of("centre_prior"),
        "gem", Set.of("p"),
        "rmac", Set.of("levels", "include_global"),
        "grid", Set.of()
    );
    private static final String POOLING_TYPES = "[none, mac, spoc, gem, rmac, grid]";

    private final Map<String, Object> normalised;
    private final PoolingSpec pooling;
    private final List<Double> scales;
    private final ModelConfig.Size size;
    private final String whiteningId;
    private final Integer patches;

    private RecipeJson(Map<String, Object> normalised, PoolingSpec pooling, List<Double> scales, ModelConfig.Size size,
                       String whiteningId, Integer patches) {
        this.normalised = normalised;
        this.pooling = pooling;
        this.scales = scales;
        this.size = size;
        this.whiteningId = whiteningId;
        this.patches = patches;
    }

    /** The empty recipe: changes nothing. */
    public static RecipeJson empty() {
        return new RecipeJson(Map.of(), null, null, null, null, null);
    }

    /**
     * Parses and validates a recipe given as the top-level fields of {@code map} (the processor's
     * configuration, whose other options the caller removed) or as a {@code recipe} object.
     *
     * @param prefix  the JSON path of the map, with a trailing dot ({@code "recipe."}), or {@code ""}
     * @param map     the JSON object
     * @param allowed the field names accepted here ({@link #MODEL_FIELDS} or {@link #OVERRIDE_FIELDS})
     * @param kind    the model's output kind, or null when not known yet (pooling is then checked at inference)
     * @throws IllegalArgumentException (400) naming the field by its JSON path
     */
    public static RecipeJson parse(String prefix, Map<?, ?> map, Set<String> allowed, OutputKind kind) {
        Map<String, Object> out = new LinkedHashMap<>();
        PoolingSpec pooling = null;
        List<Double> scales = null;
        ModelConfig.Size size = null;
        String whiteningId = null;
        Integer patches = null;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (allowed.contains(key) == false) {
                throw new IllegalArgumentException("unknown field [" + prefix + key + "], expected one of " + new TreeSet<>(allowed));
            }
            switch (key) {
                case "pooling" -> {
                    Map<String, Object> normalisedPooling = new LinkedHashMap<>();
                    pooling = pooling(prefix + key, value, kind, normalisedPooling);
                    out.put(key, Collections.unmodifiableMap(normalisedPooling));
                }
                case "scales" -> {
                    scales = scales(prefix + key, value);
                    out.put(key, scales);
                }
                case "size" -> {
                    if (value instanceof Map<?, ?> m) {
                        size = ModelConfig.Size.parse(prefix + key, m);
                        out.put(key, size.toMap());
                    } else {
                        throw new IllegalArgumentException("[" + prefix + key + "] must be an object, got " + value);
                    }
                }
                case "whitening_id" -> {
                    if (value instanceof String s) {
                        whiteningId = ModelIds.validate(prefix + key, s);
                        out.put(key, whiteningId);
                    } else {
                        throw new IllegalArgumentException("[" + prefix + key + "] must be a string, got " + value);
                    }
                }
                case "patches" -> {
                    patches = integer(prefix + key, value);
                    out.put(key, patches);
                }
                default -> throw new AssertionError(key);
            }
        }
        RecipeJson recipe = new RecipeJson(Collections.unmodifiableMap(out), pooling, scales, size, whiteningId, patches);
        recipe.applyTo(prefix, DescriptorRecipe.builder()); // model-store's limits
        return recipe;
    }

    /** The recipe as JSON, every number normalised ({@code Double} or {@code Integer}); it parses back to an equal recipe. */
    public Map<String, Object> toMap() {
        return normalised;
    }

    /** The whitening to apply, or null when this recipe does not name one. */
    public String whiteningId() {
        return whiteningId;
    }

    /** Patch levels, or null when not given. */
    public Integer patches() {
        return patches;
    }

    /** The pooling, or null when not given. */
    public PoolingSpec pooling() {
        return pooling;
    }

    /**
     * Sets the values this recipe gives on {@code builder} (the whitening excepted: it must be
     * fetched by {@link #whiteningId()} first).
     *
     * @throws IllegalArgumentException when model-store refuses a value (cannot happen for a parsed recipe)
     */
    public DescriptorRecipe.Builder applyTo(DescriptorRecipe.Builder builder) {
        return applyTo("", builder);
    }

    private DescriptorRecipe.Builder applyTo(String prefix, DescriptorRecipe.Builder builder) {
        try {
            if (pooling != null) {
                builder.pooling(pooling);
            }
            if (scales != null) {
                builder.scales(scales);
            }
            if (size != null) {
                builder.resizePolicy(size.toResizePolicy());
            }
            if (patches != null) {
                builder.patchLevels(patches);
            }
            return builder;
        } catch (IllegalArgumentException e) {
            throw relabel(prefix, e);
        }
    }

    private static PoolingSpec pooling(String path, Object value, OutputKind kind, Map<String, Object> out) {
        if (value instanceof Map<?, ?> == false) {
            throw new IllegalArgumentException("[" + path + "] must be an object, got " + value);
        }
        Map<?, ?> map = (Map<?, ?>) value;
        if (map.get("type") instanceof String == false) {
            throw new IllegalArgumentException("[" + path + ".type] is required, one of " + POOLING_TYPES);
        }
        String type = (String) map.get("type");
        Set<String> allowed = POOLING_PARAMS.get(type);
        if (allowed == null) {
            throw new IllegalArgumentException("[" + path + ".type] must be one of " + POOLING_TYPES + ", got [" + type + "]");
        }
        if (kind == OutputKind.VECTOR && type.equals("none") == false) {
            throw new IllegalArgumentException("[" + path + ".type] must be [none] for [output.kind] vector (there is no feature map to pool), got ["
                + type + "]");
        }
        if (kind == OutputKind.FEATURE_MAP && type.equals("none")) {
            throw new IllegalArgumentException("[" + path + ".type] none needs [output.kind] vector; a feature_map must be pooled");
        }
        out.put("type", type);
        Double p = null;
        Integer levels = null;
        boolean centrePrior = false, includeGlobal = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String param = String.valueOf(e.getKey());
            if (param.equals("type")) {
                continue;
            }
            String field = path + "." + param;
            if (allowed.contains(param) == false) {
                throw new IllegalArgumentException("[" + field + "] is not a parameter of pooling [" + type + "]"
                    + (allowed.isEmpty() ? " (it takes none)" : ", expected one of " + new TreeSet<>(allowed)));
            }
            Object v = e.getValue();
            switch (param) {
                case "p" -> {
                    p = number(field, v);
                    out.put(param, p);
                }
                case "levels" -> {
                    levels = integer(field, v);
                    out.put(param, levels);
                }
                case "centre_prior", "include_global" -> {
                    if (v instanceof Boolean b == false) {
                        throw new IllegalArgumentException("[" + field + "] must be true or false, got " + v);
                    }
                    out.put(param, v);
                    if (param.equals("centre_prior")) {
                        centrePrior = (Boolean) v;
                    } else {
                        includeGlobal = (Boolean) v;
                    }
                }
                default -> throw new AssertionError(param);
            }
        }
        try {
            return switch (type) {
                case "none" -> PoolingSpec.none();
                case "mac" -> PoolingSpec.mac();
                case "spoc" -> PoolingSpec.spoc(centrePrior);
                case "gem" -> p == null ? PoolingSpec.gem() : PoolingSpec.gem(p);
                case "rmac" -> PoolingSpec.rmac(levels == null ? PoolingSpec.rmac().levels() : levels, includeGlobal);
                case "grid" -> PoolingSpec.grid();
                default -> throw new AssertionError(type);
            };
        } catch (IllegalArgumentException e) {
            throw relabel(path.substring(0, path.length() - "pooling".length()), e);
        }
    }

    private static List<Double> scales(String path, Object value) {
        if (value instanceof List<?> list) {
            List<Double> out = new ArrayList<>(list.size());
            for (Object v : list) {
                out.add(number(path, v));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("[" + path + "] must be a list of numbers, got " + value);
    }

    private static double number(String field, Object v) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("[" + field + "] must be a finite number, got " + v);
    }

    private static int integer(String field, Object v) {
        if ((v instanceof Integer || v instanceof Long || v instanceof Short)
            && ((Number) v).longValue() >= Integer.MIN_VALUE && ((Number) v).longValue() <= Integer.MAX_VALUE) {
            return ((Number) v).intValue();
        }
        throw new IllegalArgumentException("[" + field + "] must be an integer, got " + v);
    }

    /**
     * Model-store names options without their JSON prefix ({@code [pooling.p]}); puts the prefix
     * in front of the first bracketed option name so the error names the full path.
     */
    static IllegalArgumentException relabel(String prefix, IllegalArgumentException e) {
        if (prefix.isEmpty()) {
            return e;
        }
        String message = String.valueOf(e.getMessage());
        String relabelled = message.replaceFirst("\\[(pooling|scales|size|whitening_id|patches)", "[" + prefix + "$1");
        return new IllegalArgumentException(relabelled, e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecipeJson r && normalised.equals(r.normalised);
    }

    @Override
    public int hashCode() {
        return normalised.hashCode();
    }

    @Override
    public String toString() {
        return normalised.toString();
    }
}
