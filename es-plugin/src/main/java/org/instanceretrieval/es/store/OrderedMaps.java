package org.instanceretrieval.es.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The maps the plugin stores as JSON (stored items' metadata, the job markers of an index's {@code _meta}), written from
 * key / value pairs in the order given, so a class lists its stored keys once.
 */
public final class OrderedMaps {

    private OrderedMaps() {}

    /**
     * A mutable map of {@code keysAndValues} ({@code key1, value1, key2, value2, ...}), in that order, null values kept.
     *
     * @throws IllegalArgumentException when the count is odd or a key is not a string
     */
    public static Map<String, Object> of(Object... keysAndValues) {
        return put(new LinkedHashMap<>(), true, keysAndValues);
    }

    /** Like {@link #of}, but the keys whose value is null are left out. */
    public static Map<String, Object> withoutNulls(Object... keysAndValues) {
        return put(new LinkedHashMap<>(), false, keysAndValues);
    }

    private static Map<String, Object> put(Map<String, Object> m, boolean keepNulls, Object[] keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs, got [" + keysAndValues.length + "] items");
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i] instanceof String == false) {
                throw new IllegalArgumentException("key [" + i / 2 + "] is not a string: [" + keysAndValues[i] + "]");
            }
            if (keepNulls || keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }
}
