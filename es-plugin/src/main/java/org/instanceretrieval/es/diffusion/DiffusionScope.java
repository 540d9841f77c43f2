package org.instanceretrieval.es.diffusion;

import java.util.Locale;

/** What the diffusion ranks: the inner retriever's window, or every document of the index's stored graph. */
public enum DiffusionScope {
    WINDOW,
    INDEX;

    static DiffusionScope parse(String value) {
        return switch (value) {
            case "window" -> WINDOW;
            case "index" -> INDEX;
            default -> throw new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] [scope] must be window or index but was [" + value + "]");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
