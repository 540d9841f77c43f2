package org.instanceretrieval.es.store;

import org.instanceretrieval.model.onnx.OutputKind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a descriptor recipe given as JSON and returns it normalised (numbers as
 * {@code Double} or {@code Integer}, unmodifiable), so that it round-trips through JSON
 * unchanged. The recipe stays a map here: the inference module owns the typed recipe and reads
 * these field names, which are part of the API and stable:
 * <pre>
 * "recipe": {
 *   "pooling": {"type": "none" | "mac" | "spoc" | "gem" | "rmac" | "grid",
 *               "centre_prior": false,        (spoc only)
 *               "p": 3.0,                     (gem only; in (0, 100])
 *               "levels": 3,                  (rmac only; 1 to 7)
 *               "include_global": true},      (rmac only)
 *   "scales": [1.0, 0.7071, 0.5],             (1 to 10 values in (0, 4])
 *   "whitening_id": "my-lw"                   (a whitening id, same rule as model ids)
 * }
 * </pre>
 * {@code none} is the only pooling for {@code vector} outputs and is refused for
 * {@code feature_map} outputs. Unknown fields are errors (a typo must not silently change
 * descriptors).
 */
public final class RecipeValidator {

    public static final int MAX_SCALES = 10;
    public static final double MAX_SCALE = 4.0;
    public static final int MAX_RMAC_LEVELS = 7;
    public static final double MAX_GEM_P = 100;

    private static final Map<String, Set<String>> POOLING_PARAMS = Map.of(
        "none", Set.of(),
        "mac", Set.of(),
        "spoc", Set.of("centre_prior"),
        "gem", Set.of("p"),
        "rmac", Set.of("levels", "include_global"),
        "grid", Set.of()
    );

    private RecipeValidator() {}

    /**
     * @param recipe the {@code recipe} object of a request
     * @param kind the model's output kind (pooling must fit it)
     * @return the normalised, unmodifiable recipe
     * @throws IllegalArgumentException (400) naming the field ({@code recipe.pooling.p} ...)
     */
    public static Map<String, Object> validate(Map<?, ?> recipe, OutputKind kind) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : recipe.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            switch (key) {
                case "pooling" -> out.put(key, pooling(value, kind));
                case "scales" -> out.put(key, scales(value));
                case "whitening_id" -> {
                    if (value instanceof String s) {
                        out.put(key, ModelIds.validate("recipe.whitening_id", s));
                    } else {
                        throw new IllegalArgumentException("[recipe.whitening_id] must be a string, got " + value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown field [recipe." + key + "], expected one of [pooling, scales, whitening_id]");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Object> pooling(Object value, OutputKind kind) {
        if (value instanceof Map<?, ?> == false) {
            throw new IllegalArgumentException("[recipe.pooling] must be an object, got " + value);
        }
        Map<?, ?> map = (Map<?, ?>) value;
        Object typeValue = map.get("type");
        if (typeValue instanceof String == false) {
            throw new IllegalArgumentException("[recipe.pooling.type] is required, one of [none, mac, spoc, gem, rmac, grid]");
        }
        String type = (String) typeValue;
        Set<String> allowed = POOLING_PARAMS.get(type);
        if (allowed == null) {
            throw new IllegalArgumentException("[recipe.pooling.type] must be one of [none, mac, spoc, gem, rmac, grid], got [" + type + "]");
        }
        if (kind == OutputKind.VECTOR && type.equals("none") == false) {
            throw new IllegalArgumentException("[recipe.pooling.type] must be [none] for [output.kind] vector (there is no feature map to pool), got ["
                + type + "]");
        }
        if (kind == OutputKind.FEATURE_MAP && type.equals("none")) {
            throw new IllegalArgumentException("[recipe.pooling.type] none needs [output.kind] vector; a feature_map must be pooled");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String param = String.valueOf(e.getKey());
            if (param.equals("type")) {
                continue;
            }
            String field = "recipe.pooling." + param;
            if (allowed.contains(param) == false) {
                throw new IllegalArgumentException("[" + field + "] is not a parameter of pooling [" + type + "]"
                    + (allowed.isEmpty() ? " (it takes none)" : ", expected one of " + new java.util.TreeSet<>(allowed)));
            }
            Object v = e.getValue();
            switch (param) {
                case "p" -> {
                    double p = ModelConfig.Fields.finiteNumber(field, v);
                    if (p <= 0 || p > MAX_GEM_P) {
                        throw new IllegalArgumentException("[" + field + "] must be in (0, " + (int) MAX_GEM_P + "], got " + p);
                    }
                    out.put(param, p);
                }
                case "levels" -> out.put(param, ModelConfig.Fields.intInRange(field, v, 1, MAX_RMAC_LEVELS));
                case "centre_prior", "include_global" -> {
                    if (v instanceof Boolean b) {
                        out.put(param, b);
                    } else {
                        throw new IllegalArgumentException("[" + field + "] must be true or false, got " + v);
                    }
                }
                default -> throw new AssertionError(param);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<Double> scales(Object value) {
        if (value instanceof List<?> == false || ((List<?>) value).isEmpty() || ((List<?>) value).size() > MAX_SCALES) {
            throw new IllegalArgumentException("[recipe.scales] must be a list of 1 to " + MAX_SCALES + " numbers, got " + value);
        }
        List<Double> out = new ArrayList<>();
        for (Object v : (List<?>) value) {
            double s = ModelConfig.Fields.finiteNumber("recipe.scales", v);
            if (s <= 0 || s > MAX_SCALE) {
                throw new IllegalArgumentException("[recipe.scales] values must be in (0, " + MAX_SCALE + "], got " + s);
            }
            out.add(s);
        }
        return Collections.unmodifiableList(out);
    }
}
