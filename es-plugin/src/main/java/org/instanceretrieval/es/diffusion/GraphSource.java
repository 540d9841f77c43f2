package org.instanceretrieval.es.diffusion;

import java.util.Locale;

/**
 * Which graph the {@code diffusion} rescorer diffuses on (its {@code graph} option): the index's stored neighbour graph
 * restricted to the window ({@link #STORED}), a kNN graph rebuilt from the window's vectors ({@link #WINDOW}), or the stored
 * one when the shard's index has a usable one ({@link #AUTO}, the default). See {@link StoredGraphCheck} for what is usable.
 */
public enum GraphSource {
    /** The stored graph; an index without a usable one is an error (400, or 409 while it is being built). */
    STORED,
    /** The kNN graph of the window's vectors, rebuilt per query. */
    WINDOW,
    /** The stored graph when the index has a {@code done} one for the field with k at least the request's, else the window's. */
    AUTO;

    /**
     * @throws IllegalArgumentException (400) naming the value and the accepted ones
     */
    public static GraphSource parse(String owner, String value) {
        return switch (value) {
            case "stored" -> STORED;
            case "window" -> WINDOW;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("[" + owner + "] [graph] must be one of [stored, window, auto] but was ["
                + value + "]");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
