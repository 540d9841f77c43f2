package org.instanceretrieval.es.rest;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;

/**
 * The parameters of a request, as one immutable record that writes itself (after the fields of the request carrying it) and
 * checks itself: an endpoint or an internal read declares only its record, and the generic request that carries it
 * ({@link RecordRequest}, {@code StoredItemRequest}, {@code ShardReadRequest}) does the rest.
 */
public interface RequestParams extends Writeable {

    /** The parameters of a request that needs none. */
    record None() implements RequestParams {
        @Override
        public void writeTo(StreamOutput out) {}
    }

    /** The one {@link None}. */
    None NONE = new None();

    /** Reads {@link #NONE}: it has nothing on the wire. */
    static None readNone(StreamInput in) {
        return NONE;
    }

    /** Adds the errors of these parameters to {@code e} (none by default) and returns it. */
    default ActionRequestValidationException validate(ActionRequestValidationException e) {
        return e;
    }
}
