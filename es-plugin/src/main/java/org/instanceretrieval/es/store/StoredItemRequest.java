package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * A request naming one stored item (a model, a whitening) by its id, or none where the
 * endpoint lists every item. The id must follow {@link ModelIds}' rules.
 */
public abstract class StoredItemRequest extends ActionRequest {

    private final String id;

    /** @param id the item, or null for every item (only where {@link #allowsAll()}) */
    protected StoredItemRequest(String id) {
        this.id = id;
    }

    protected StoredItemRequest(StreamInput in) throws IOException {
        super(in);
        this.id = in.readOptionalString();
    }

    /** The REST parameter naming the id, for messages ({@code model_id}, {@code whitening_id}). */
    protected abstract String idParameter();

    /** Whether the request may name no item, meaning all of them (a listing). */
    protected boolean allowsAll() {
        return false;
    }

    /** The item's id, or null for every item. */
    public String id() {
        return id;
    }

    @Override
    public ActionRequestValidationException validate() {
        if (id == null) {
            return allowsAll() ? null : addValidationError("[" + idParameter() + "] is required", null);
        }
        return ModelIds.isValid(id) ? null : addValidationError("invalid [" + idParameter() + "] [" + id + "]", null);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(id);
    }
}
