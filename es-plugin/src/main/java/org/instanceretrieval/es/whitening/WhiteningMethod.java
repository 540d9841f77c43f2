package org.instanceretrieval.es.whitening;

import java.util.Locale;

/** How a stored whitening was learned. */
public enum WhiteningMethod {
    /** PCA whitening of a field's vectors ({@code PcaWhitening}). */
    PCA,
    /** Learned whitening "Lw" from matching pairs of documents ({@code LearnedWhitening}). */
    LW;

    /** The name used in requests and responses: {@code pca} or {@code lw}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException (400) naming the field and the accepted values
     */
    public static WhiteningMethod fromId(String id) {
        for (WhiteningMethod m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("[method] must be [pca] or [lw], got [" + id + "]");
    }
}
