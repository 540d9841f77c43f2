package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Objects;

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
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardVectorsByIdAction() {}

    /** Read the vectors of {@code field} of documents {@code ids} from shard {@code shard} of {@code index}. */
    public static final class Request extends ShardReadRequest<Request> {
        private final String[] ids;

        public Request(String index, int shard, String field, String[] ids) {
            super(index, shard, Objects.requireNonNull(field, "field"));
            this.ids = ids.clone();
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.ids = in.readStringArray();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeStringArray(ids);
        }

        /** The requested ids (a copy). */
        public String[] ids() {
            return ids.clone();
        }

        String[] idsView() {
            return ids;
        }

        @Override
        public ActionRequestValidationException validate() {
            return super.validate();
        }
    }

    /**
     * The vectors found: {@code found[i]}'s vector is {@code vectors[i * dims, (i + 1) * dims)}; {@code missing} the other
     * requested ids. Both in request order. {@code dims} is 0 when nothing was found.
     */
    public static final class Response extends ActionResponse {
        private final String[] found;
        private final float[] vectors;
        private final int dims;
        private final String[] missing;

        public Response(String[] found, float[] vectors, int dims, String[] missing) {
            if ((long) found.length * dims != vectors.length) {
                throw new IllegalArgumentException("[" + found.length + "] ids of dimension [" + dims + "] need ["
                    + (long) found.length * dims + "] values but got [" + vectors.length + "]");
            }
            this.found = found;
            this.vectors = vectors;
            this.dims = dims;
            this.missing = missing;
        }

        public Response(StreamInput in) throws IOException {
            this.found = in.readStringArray();
            this.vectors = in.readFloatArray();
            this.dims = in.readVInt();
            this.missing = in.readStringArray();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(found);
            out.writeFloatArray(vectors);
            out.writeVInt(dims);
            out.writeStringArray(missing);
        }

        /** Ids found, in request order (not copied). */
        public String[] found() {
            return found;
        }

        /** Their vectors, row-major (not copied). */
        public float[] vectors() {
            return vectors;
        }

        public int dims() {
            return dims;
        }

        /** Ids requested but not found with a vector, in request order (not copied). */
        public String[] missing() {
            return missing;
        }
    }
}
