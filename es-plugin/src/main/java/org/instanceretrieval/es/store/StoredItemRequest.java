package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * A request naming one stored item (a model, a whitening, a ground truth; or an index) by its id, or none where the endpoint lists
 * every item, with the endpoint's other parameters as one record ({@link RequestParams}, written after the id). The id must
 * follow {@link ModelIds}' rules; how an endpoint names it is its {@link Id}, which also builds and reads its requests.
 * Immutable.
 *
 * @param <P> the endpoint's other parameters
 */
public final class StoredItemRequest<P extends RequestParams> extends ActionRequest {

    /**
     * How an endpoint names its item.
     *
     * @param parameter the REST parameter naming the id, for messages ({@code model_id}, {@code whitening_id})
     * @param allowsAll whether a request may name no item, meaning all of them (a listing)
     */
    public record Id(String parameter, boolean allowsAll) {

        /** A request for item {@code id} (null: every item, where allowed). */
        public <P extends RequestParams> StoredItemRequest<P> request(String id, P params) {
            return new StoredItemRequest<>(this, id, params);
        }

        /** Reads a request whose parameters {@code params} reads. */
        public <P extends RequestParams> Writeable.Reader<StoredItemRequest<P>> reader(Writeable.Reader<P> params) {
            return in -> new StoredItemRequest<>(this, in, params);
        }
    }

    private final Id rule;
    private final String id;
    private final P params;

    private StoredItemRequest(Id rule, String id, P params) {
        this.rule = rule;
        this.id = id;
        this.params = params;
    }

    private StoredItemRequest(Id rule, StreamInput in, Writeable.Reader<P> params) throws IOException {
        super(in);
        this.rule = rule;
        this.id = in.readOptionalString();
        this.params = params.read(in);
    }

    /** The item's id, or null for every item. */
    public String id() {
        return id;
    }

    /** The endpoint's other parameters. */
    public P params() {
        return params;
    }

    /** The id follows the rules (or is absent where allowed), then the parameters' own checks. */
    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (id == null) {
            e = rule.allowsAll() ? null : addValidationError("[" + rule.parameter() + "] is required", null);
        } else if (ModelIds.isValid(id) == false) {
            e = addValidationError("invalid [" + rule.parameter() + "] [" + id + "]", null);
        }
        return params.validate(e);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(id);
        params.writeTo(out);
    }
}
