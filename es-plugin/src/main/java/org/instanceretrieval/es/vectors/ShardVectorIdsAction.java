package org.instanceretrieval.es.vectors;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

/**
 * Internal shard-level action of the neighbour-graph build: the {@code _id} (and custom routing, if any) of every live document
 * of one shard that has a vector in {@code field}, sorted by {@code _id} ({@link String#compareTo}), read from Lucene (the
 * {@code _id} and {@code _routing} terms, the field's {@code FloatVectorValues}), never the vectors themselves. Charged to the
 * {@code retrieval} breaker while read. An {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class ShardVectorIdsAction {

    public static final String NAME = "indices:data/read/retrieval/shard_vector_ids";
    public static final ShardRead<RequestParams.None, Result> INSTANCE = new ShardRead<>(NAME, true, RequestParams::readNone, Result::new);

    private ShardVectorIdsAction() {}

    /**
     * {@code ids} sorted ascending, {@code routings[i]} the custom routing of {@code ids[i]} (null without one), {@code dims} the
     * field's dimension in the shard (0 when no document has a vector). Arrays not copied.
     */
    public record Result(String[] ids, String[] routings, int dims) implements Writeable {
        public Result {
            if (ids.length != routings.length) {
                throw new IllegalArgumentException("[" + ids.length + "] ids but [" + routings.length + "] routings");
            }
        }

        Result(StreamInput in) throws IOException {
            this(in.readStringArray(), in.readArray(StreamInput::readOptionalString, String[]::new), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
            out.writeArray(StreamOutput::writeOptionalString, routings);
            out.writeVInt(dims);
        }
    }
}
