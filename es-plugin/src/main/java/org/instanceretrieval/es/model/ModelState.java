package org.instanceretrieval.es.model;

import org.instanceretrieval.es.rest.EnumIds;

/**
 * Life cycle of a stored model: {@code configured} (configuration stored, no part yet) ->
 * {@code uploading} (some parts stored) -> {@code ready} (every part stored, total length and
 * SHA-256 verified) or {@code failed} (verification failed; the reason is recorded). Only a
 * {@code ready} model can be used. {@code failed} is final: delete the model and upload it again.
 */
public enum ModelState {
    CONFIGURED, UPLOADING, READY, FAILED;

    /** The lower-case name used in JSON. */
    public String id() {
        return EnumIds.id(this);
    }

    public static ModelState fromId(String id) {
        return EnumIds.fromId(ModelState.class, id, unknown -> new IllegalArgumentException("unknown model state [" + unknown + "]"));
    }
}
