package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;

import java.io.IOException;

/**
 * The response of an internal shard-level read ({@link ShardRead}): the read's result record, which writes itself. Immutable.
 *
 * @param <T> the read's result
 */
public final class ShardReadResponse<T extends Writeable> extends ActionResponse {

    private final T result;

    public ShardReadResponse(T result) {
        this.result = result;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        result.writeTo(out);
    }

    /** The read's result. */
    public T result() {
        return result;
    }
}
