package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.rest.EnumIds;

/** What the diffusion ranks: the inner retriever's window, or every document of the index's stored graph. */
public enum DiffusionScope {
    WINDOW,
    INDEX;

    static DiffusionScope parse(String value) {
        return EnumIds.fromId(DiffusionScope.class, value, unknown -> new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME
            + "] [scope] must be window or index but was [" + unknown + "]"));
    }

    @Override
    public String toString() {
        return EnumIds.id(this);
    }
}
