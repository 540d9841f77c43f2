package org.instanceretrieval.es.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to one JSON object of a {@link ModelConfig} body: unknown keys are refused on
 * construction, and every error is an {@link IllegalArgumentException} (400) naming the field by
 * its dotted path.
 */
final class ConfigFields {
    private final String path;
    private final Map<String, ?> map;

    ConfigFields(String path, Map<String, ?> map, Set<String> allowed) {
        this.path = path;
        this.map = map;
        for (String key : map.keySet()) {
            if (allowed.contains(key) == false) {
                throw new IllegalArgumentException("unknown field [" + qualify(key) + "], expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    /** The dotted path of this object ({@code input.size}); empty for the body itself. */
    String path() {
        return path;
    }

    String qualify(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    ConfigFields requiredObject(String key, Set<String> allowed) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException("[" + qualify(key) + "] is required");
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) m;
            return new ConfigFields(qualify(key), typed, allowed);
        }
        throw new IllegalArgumentException("[" + qualify(key) + "] must be an object, got " + v);
    }

    String optionalString(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("[" + qualify(key) + "] must be a string, got " + v);
    }

    String requiredString(String key) {
        String s = optionalString(key);
        if (s == null) {
            throw new IllegalArgumentException("[" + qualify(key) + "] is required");
        }
        return s;
    }

    int intInRange(String key, int min, int max) {
        return intInRange(qualify(key), map.get(key), min, max);
    }

    static int intInRange(String field, Object v, int min, int max) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            long n = ((Number) v).longValue();
            if (n >= min && n <= max) {
                return (int) n;
            }
            throw new IllegalArgumentException("[" + field + "] must be in [" + min + ", " + max + "], got " + n);
        }
        throw new IllegalArgumentException("[" + field + "] must be an integer, got " + v);
    }

    static double finiteNumber(String field, Object v) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("[" + field + "] must be a finite number, got " + v);
    }

    float[] floats3(String key, boolean positive) {
        Object v = map.get(key);
        if (v instanceof List<?> list && list.size() == 3) {
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                double d = finiteNumber(qualify(key), list.get(i));
                if (positive && d <= 0) {
                    throw new IllegalArgumentException("[" + qualify(key) + "] values must be positive, got " + list);
                }
                out[i] = (float) d;
            }
            return out;
        }
        throw new IllegalArgumentException("[" + qualify(key) + "] must be a list of 3 numbers, got " + v);
    }
}
