package org.instanceretrieval.es.dba;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.vectors.ShardRead;
import org.instanceretrieval.es.rest.RequestParams;

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
    public static final ShardRead<Params, Result> INSTANCE = new ShardRead<>(NAME, true, Params::new, Result::new);

    private ShardGraphBlockAction() {}

    /** Read up to {@code size} documents after the id {@code after} (null for the first block), with their lists of {@code listField}. */
    public record Params(String listField, String after, int size) implements RequestParams {
        public Params {
            Objects.requireNonNull(listField, "listField");
        }

        Params(StreamInput in) throws IOException {
            this(in.readString(), in.readOptionalString(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(listField);
            out.writeOptionalString(after);
            out.writeVInt(size);
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            return size < 1 ? addValidationError("[size] must be >= 1 but was [" + size + "]", e) : e;
        }
    }

    /**
     * One block: document {@code i} is {@code ids[i]} with routing {@code routings[i]} (null: none), vector
     * {@code vectors[i * dims, (i + 1) * dims)} and encoded list {@code lists[i]}; {@code next} is the cursor of the next block,
     * null when this was the shard's last. Immutable by convention (arrays are not copied).
     */
    public record Result(String[] ids, String[] routings, float[] vectors, int dims, byte[][] lists, String next) implements Writeable {
        public Result {
            if (routings.length != ids.length || lists.length != ids.length || (long) ids.length * dims != vectors.length) {
                throw new IllegalArgumentException("inconsistent block: [" + ids.length + "] ids, [" + routings.length + "] routings, ["
                    + lists.length + "] lists, [" + vectors.length + "] values of dimension [" + dims + "]");
            }
        }

        /** The empty block that ends a shard. */
        static final Result EMPTY = new Result(new String[0], new String[0], new float[0], 0, new byte[0][], null);

        Result(StreamInput in) throws IOException {
            this(in.readStringArray(), in.readArray(StreamInput::readOptionalString, String[]::new), in.readFloatArray(), in.readVInt(),
                in.readArray(StreamInput::readByteArray, byte[][]::new), in.readOptionalString());
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

        /** Document {@code i}'s encoded list (not copied). */
        public byte[] list(int i) {
            return lists[i];
        }
    }
}
