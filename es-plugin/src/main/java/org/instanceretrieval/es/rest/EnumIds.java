package org.instanceretrieval.es.rest;

import java.util.Locale;
import java.util.function.Function;

/**
 * The names by which the plugin's enums appear in requests, responses and stored documents: the constant's name in lower case
 * ({@code pca}, {@code ready}, {@code window}), matched exactly (case-sensitive) when read back.
 */
public final class EnumIds {

    private EnumIds() {}

    /** The id of {@code value}: its name in lower case. */
    public static String id(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} whose {@link #id} is {@code id}.
     *
     * @param unknown the error for an id that names no constant, given the id
     */
    public static <E extends Enum<E>> E fromId(Class<E> type, String id, Function<String, IllegalArgumentException> unknown) {
        for (E value : type.getEnumConstants()) {
            if (id(value).equals(id)) {
                return value;
            }
        }
        throw unknown.apply(id);
    }
}
