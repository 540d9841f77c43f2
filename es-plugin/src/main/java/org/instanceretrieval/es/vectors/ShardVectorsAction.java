package org.instanceretrieval.es.vectors;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

/**
 * Internal shard-level action of the evaluation: reads, from one shard's current point in time,
 * the name of every live document (its {@code _id}, or the value of a keyword {@code id_field})
 * and, when a field is given, the raw float vector of every document that has one (Lucene's
 * {@code FloatVectorValues}, binary, never through {@code _source}). The coordinator of
 * {@code _retrieval_eval} calls it once per shard (field null: names only). An {@code indices:} action: the caller needs
 * {@code read} on the index.
 */
public final class ShardVectorsAction {

    public static final String NAME = "indices:data/read/retrieval/eval/shard_vectors";
    public static final ShardRead<Params, Result> INSTANCE = new ShardRead<>(NAME, false, Params::new, Result::new);

    private ShardVectorsAction() {}

    /** The names are read through {@code idField}. */
    public record Params(String idField) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(idField);
        }
    }

    /**
     * One shard's documents: {@code names[i]} and {@code ids[i]} ({@code _id}) of document i in
     * Lucene order; the documents with a vector are {@code vectorDocs} (ascending indices into
     * the names), their vectors the rows of {@code vectors} ({@code dims} floats each).
     * {@code similarity} is the Lucene similarity function of the field (null without a field or
     * when no segment holds a vector). Arrays not copied.
     */
    public record Result(String[] names, String[] ids, int[] vectorDocs, float[] vectors, int dims, String similarity)
        implements Writeable {

        Result(StreamInput in) throws IOException {
            this(in.readStringArray(), in.readStringArray(), in.readVIntArray(), in.readFloatArray(), in.readVInt(),
                in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(names);
            out.writeStringArray(ids);
            out.writeVIntArray(vectorDocs);
            out.writeFloatArray(vectors);
            out.writeVInt(dims);
            out.writeOptionalString(similarity);
        }
    }
}
