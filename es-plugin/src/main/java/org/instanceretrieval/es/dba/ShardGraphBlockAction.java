package org.instanceretrieval.es.dba;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.vectors.ShardReadRequest;

import java.io.IOException;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * Internal shard-level action of the DBA job on the stored graph: one block of a shard's documents that have a vector in
 * {@code field}, each with its {@code _id}, custom routing (null when none), raw float vector (Lucene's {@code FloatVectorValues},
 * never {@code _source}) and stored neighbour list (the bytes of {@code NeighbourListCodec}, read from the binary doc values of
 * {@code listField}). Documents are visited in the order of their {@code _id} terms, starting after the term of {@code after}
 * (null: from the first), at most {@code size} terms per call; {@code next} of the response continues, null once the shard's terms
 * are exhausted. The cursor is an {@code _id}, not a Lucene document number, so it stays valid across refreshes and merges
 * between calls (each call reads the shard's current searcher). A document with a vector but no list is a 400 naming it.
 * An {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class ShardGraphBlockAction {

    public static final String NAME = "indices:data/read/retrieval/dba/graph_block";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardGraphBlockAction() {}

    /** Read up to {@code size} documents of shard {@code shard} after the id {@code after}. */
    public static final class Request extends ShardReadRequest<Request> {
        private final String listField;
        private final String after;
        private final int size;

        public Request(String index, int shard, String field, String listField, String after, int size) {
            super(index, shard, Objects.requireNonNull(field, "field"));
            this.listField = Objects.requireNonNull(listField, "listField");
            this.after = after;
            this.size = size;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.listField = in.readString();
            this.after = in.readOptionalString();
            this.size = in.readVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(listField);
            out.writeOptionalString(after);
            out.writeVInt(size);
        }

        public String listField() {
            return listField;
        }

        /** The {@code _id} after whose term the block starts, null for the first block. */
        public String after() {
            return after;
        }

        public int size() {
            return size;
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = super.validate();
            if (size < 1) {
                e = addValidationError("[size] must be >= 1 but was [" + size + "]", e);
            }
            return e;
        }
    }

    /**
     * One block: document {@code i} is {@code ids[i]} with routing {@code routings[i]} (null: none), vector
     * {@code vectors[i * dims, (i + 1) * dims)} and encoded list {@code lists[i]}; {@code next} is the cursor of the next block,
     * null when this was the shard's last. Immutable by convention (arrays are not copied).
     */
    public static final class Response extends ActionResponse {
        private final String[] ids;
        private final String[] routings;
        private final float[] vectors;
        private final int dims;
        private final byte[][] lists;
        private final String next;

        public Response(String[] ids, String[] routings, float[] vectors, int dims, byte[][] lists, String next) {
            if (routings.length != ids.length || lists.length != ids.length || (long) ids.length * dims != vectors.length) {
                throw new IllegalArgumentException("inconsistent block: [" + ids.length + "] ids, [" + routings.length + "] routings, ["
                    + lists.length + "] lists, [" + vectors.length + "] values of dimension [" + dims + "]");
            }
            this.ids = ids;
            this.routings = routings;
            this.vectors = vectors;
            this.dims = dims;
            this.lists = lists;
            this.next = next;
        }

        public Response(StreamInput in) throws IOException {
            this.ids = in.readStringArray();
            this.routings = in.readArray(StreamInput::readOptionalString, String[]::new);
            this.vectors = in.readFloatArray();
            this.dims = in.readVInt();
            this.lists = in.readArray(StreamInput::readByteArray, byte[][]::new);
            this.next = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
            out.writeArray(StreamOutput::writeOptionalString, routings);
            out.writeFloatArray(vectors);
            out.writeVInt(dims);
            out.writeArray(StreamOutput::writeByteArray, lists);
            out.writeOptionalString(next);
        }

        public int size() {
            return ids.length;
        }

        public String id(int i) {
            return ids[i];
        }

        public String routing(int i) {
            return routings[i];
        }

        /** Document {@code i}'s vector, a copy. */
        public float[] vector(int i) {
            float[] v = new float[dims];
            System.arraycopy(vectors, i * dims, v, 0, dims);
            return v;
        }

        public int dims() {
            return dims;
        }

        /** Document {@code i}'s encoded list (not copied). */
        public byte[] list(int i) {
            return lists[i];
        }

        /** The cursor of the next block, null when the shard has no more documents. */
        public String next() {
            return next;
        }
    }
}
