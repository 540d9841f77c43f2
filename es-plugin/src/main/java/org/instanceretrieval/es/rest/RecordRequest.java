package org.instanceretrieval.es.rest;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;

import java.io.IOException;

/**
 * The request of an endpoint whose parameters are one immutable record: the record writes itself after the request's own
 * fields and validates itself ({@link RequestParams}), so an endpoint declares only its record, read back with
 * {@link #reader(Writeable.Reader)}. Immutable.
 *
 * @param <P> the endpoint's parameters
 */
public final class RecordRequest<P extends RequestParams> extends ActionRequest {

    private final P params;

    public RecordRequest(P params) {
        this.params = params;
    }

    private RecordRequest(StreamInput in, Writeable.Reader<P> reader) throws IOException {
        super(in);
        this.params = reader.read(in);
    }

    /** Reads a request whose parameters {@code reader} reads. */
    public static <P extends RequestParams> Writeable.Reader<RecordRequest<P>> reader(Writeable.Reader<P> reader) {
        return in -> new RecordRequest<>(in, reader);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        params.writeTo(out);
    }

    /** The endpoint's parameters. */
    public P params() {
        return params;
    }

    @Override
    public ActionRequestValidationException validate() {
        return params.validate(null);
    }
}
