package org.instanceretrieval.es.vectors;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

/**
 * Internal shard-level action: the raw float vectors of field {@code field} of the documents of one shard named by
 * {@code _id}, read from Lucene ({@code FloatVectorValues} of the shard's current searcher), never through {@code _source}.
 * The response lists the ids found, in request order, with their vectors as one row-major {@code float[]} of {@code dims}
 * floats each; the other requested ids (not in the shard, deleted, or without a vector in the field) are listed as missing,
 * also in request order. The memory of the read is charged to the {@code retrieval} breaker before it is allocated
 * (429 over the limit). An {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class ShardVectorsByIdAction {

    public static final String NAME = "indices:data/read/retrieval/shard_vectors_by_id";
    public static final ShardRead<Params, Result> INSTANCE = new ShardRead<>(NAME, true, Params::new, Result::new);

    private ShardVectorsByIdAction() {}

    /** The documents read, by {@code _id} (not copied: the caller hands the array over). */
    public record Params(String[] ids) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readStringArray());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
        }
    }

    /**
     * The vectors found: {@code found[i]}'s vector is {@code vectors[i * dims, (i + 1) * dims)}; {@code missing} the other
     * requested ids. Both in request order. {@code dims} is 0 when nothing was found. Arrays not copied.
     */
    public record Result(String[] found, float[] vectors, int dims, String[] missing) implements Writeable {
        public Result {
            if ((long) found.length * dims != vectors.length) {
                throw new IllegalArgumentException("[" + found.length + "] ids of dimension [" + dims + "] need ["
                    + (long) found.length * dims + "] values but got [" + vectors.length + "]");
            }
        }

        Result(StreamInput in) throws IOException {
            this(in.readStringArray(), in.readFloatArray(), in.readVInt(), in.readStringArray());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(found);
            out.writeFloatArray(vectors);
            out.writeVInt(dims);
            out.writeStringArray(missing);
        }
    }
}
