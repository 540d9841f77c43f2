package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.support.single.shard.SingleShardRequest;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * The request of every internal shard-level read ({@link ShardRead}, {@link TransportShardReadAction}): the index, the number of
 * the shard read, the field read (null where the read needs none) and the read's own {@link RequestParams}, written after
 * them on the wire. Built by {@link ShardRead#request}. Immutable.
 *
 * @param <P> the read's parameters
 */
public final class ShardReadRequest<P extends RequestParams> extends SingleShardRequest<ShardReadRequest<P>> {

    private final int shard;
    private final String field;
    private final P params;

    ShardReadRequest(String index, int shard, String field, P params) {
        super(index);
        this.shard = shard;
        this.field = field;
        this.params = params;
    }

    ShardReadRequest(StreamInput in, Writeable.Reader<P> paramsReader) throws IOException {
        super(in);
        this.shard = in.readVInt();
        this.field = in.readOptionalString();
        this.params = paramsReader.read(in);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeVInt(shard);
        out.writeOptionalString(field);
        params.writeTo(out);
    }

    /** The number of the shard read. */
    public int shard() {
        return shard;
    }

    /** The field read, or null. */
    public String field() {
        return field;
    }

    /** The read's own parameters. */
    public P params() {
        return params;
    }

    /** The index is set, the shard number is not negative, and the parameters are valid ({@link RequestParams#validate}). */
    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = validateNonNullIndex();
        if (shard < 0) {
            e = addValidationError("[shard] must be >= 0 but was [" + shard + "]", e);
        }
        return params.validate(e);
    }
}
