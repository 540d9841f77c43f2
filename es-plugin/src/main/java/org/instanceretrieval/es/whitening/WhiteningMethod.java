package org.instanceretrieval.es.whitening;

import org.instanceretrieval.es.rest.EnumIds;

/** How a stored whitening was learned. */
public enum WhiteningMethod {
    /** PCA whitening of a field's vectors ({@code PcaWhitening}). */
    PCA,
    /** Learned whitening "Lw" from matching pairs of documents ({@code LearnedWhitening}). */
    LW;

    /** The name used in requests and responses: {@code pca} or {@code lw}. */
    public String id() {
        return EnumIds.id(this);
    }

    /**
     * @throws IllegalArgumentException (400) naming the field and the accepted values
     */
    public static WhiteningMethod fromId(String id) {
        return EnumIds.fromId(WhiteningMethod.class, id,
            unknown -> new IllegalArgumentException("[method] must be [pca] or [lw], got [" + unknown + "]"));
    }
}
