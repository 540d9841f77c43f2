package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Objects;

/**
 * Internal shard-level action of the neighbour-graph build: the {@code _id} (and custom routing, if any) of every live document
 * of one shard that has a vector in {@code field}, sorted by {@code _id} ({@link String#compareTo}), read from Lucene (the
 * {@code _id} and {@code _routing} terms, the field's {@code FloatVectorValues}), never the vectors themselves. Charged to the
 * {@code retrieval} breaker while read. An {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class ShardVectorIdsAction {

    public static final String NAME = "indices:data/read/retrieval/shard_vector_ids";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardVectorIdsAction() {}

    /** The ids of the documents of shard {@code shard} of {@code index} with a vector in {@code field}. */
    public static final class Request extends ShardReadRequest<Request> {

        public Request(String index, int shard, String field) {
            super(index, shard, Objects.requireNonNull(field, "field"));
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }
    }

    /**
     * {@code ids} sorted ascending, {@code routings[i]} the custom routing of {@code ids[i]} (null without one), {@code dims} the
     * field's dimension in the shard (0 when no document has a vector). Arrays not copied.
     */
    public static final class Response extends ActionResponse {
        private final String[] ids;
        private final String[] routings;
        private final int dims;

        public Response(String[] ids, String[] routings, int dims) {
            if (ids.length != routings.length) {
                throw new IllegalArgumentException("[" + ids.length + "] ids but [" + routings.length + "] routings");
            }
            this.ids = ids;
            this.routings = routings;
            this.dims = dims;
        }

        public Response(StreamInput in) throws IOException {
            this.ids = in.readStringArray();
            this.routings = new String[ids.length];
            for (int i = 0; i < ids.length; i++) {
                routings[i] = in.readOptionalString();
            }
            this.dims = in.readVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
            for (String routing : routings) {
                out.writeOptionalString(routing);
            }
            out.writeVInt(dims);
        }

        public String[] ids() {
            return ids;
        }

        public String[] routings() {
            return routings;
        }

        public int dims() {
            return dims;
        }
    }
}
