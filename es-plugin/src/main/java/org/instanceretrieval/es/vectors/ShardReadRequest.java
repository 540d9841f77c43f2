package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.support.single.shard.SingleShardRequest;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * The part every internal shard-level read request shares ({@link TransportShardReadAction}): the index, the number of the
 * shard read, and the field read (null where the action reads no field). Subclasses add their own fields after these on the
 * wire and call {@link #validate} of this class first. Immutable.
 */
public abstract class ShardReadRequest<R extends ShardReadRequest<R>> extends SingleShardRequest<R> {

    private final int shard;
    private final String field;

    protected ShardReadRequest(String index, int shard, String field) {
        super(index);
        this.shard = shard;
        this.field = field;
    }

    protected ShardReadRequest(StreamInput in) throws IOException {
        super(in);
        this.shard = in.readVInt();
        this.field = in.readOptionalString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeVInt(shard);
        out.writeOptionalString(field);
    }

    /** The number of the shard read. */
    public final int shard() {
        return shard;
    }

    /** The field read, or null. */
    public final String field() {
        return field;
    }

    /** The index is set and the shard number is not negative. */
    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = validateNonNullIndex();
        if (shard < 0) {
            e = addValidationError("[shard] must be >= 0 but was [" + shard + "]", e);
        }
        return e;
    }
}
