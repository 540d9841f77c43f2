package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;

/**
 * Internal shard-level action of the evaluation: reads, from one shard's current point in time,
 * the name of every live document (its {@code _id}, or the value of a keyword {@code id_field})
 * and, when a field is given, the raw float vector of every document that has one (Lucene's
 * {@code FloatVectorValues}, binary, never through {@code _source}). The coordinator of
 * {@code _retrieval_eval} calls it once per shard. An {@code indices:} action: the caller needs
 * {@code read} on the index.
 */
public final class ShardVectorsAction {

    public static final String NAME = "indices:data/read/retrieval/eval/shard_vectors";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardVectorsAction() {}

    /** Read shard {@code shard} of {@code index}: names through {@code idField}, vectors of {@code field} (null: names only). */
    public static final class Request extends ShardReadRequest<Request> {
        private final String idField;

        public Request(String index, int shard, String idField, String field) {
            super(index, shard, field);
            this.idField = idField;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.idField = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(idField);
        }

        public String idField() {
            return idField;
        }
    }

    /**
     * One shard's documents: {@code names[i]} and {@code ids[i]} ({@code _id}) of document i in
     * Lucene order; the documents with a vector are {@code vectorDocs} (ascending indices into
     * the names), their vectors the rows of {@code vectors} ({@code dims} floats each).
     * {@code similarity} is the Lucene similarity function of the field (null without a field or
     * when no segment holds a vector).
     */
    public static final class Response extends ActionResponse {
        private final String[] names;
        private final String[] ids;
        private final int[] vectorDocs;
        private final float[] vectors;
        private final int dims;
        private final String similarity;

        public Response(String[] names, String[] ids, int[] vectorDocs, float[] vectors, int dims, String similarity) {
            this.names = names;
            this.ids = ids;
            this.vectorDocs = vectorDocs;
            this.vectors = vectors;
            this.dims = dims;
            this.similarity = similarity;
        }

        public Response(StreamInput in) throws IOException {
            this.names = in.readStringArray();
            this.ids = in.readStringArray();
            this.vectorDocs = in.readVIntArray();
            this.vectors = in.readFloatArray();
            this.dims = in.readVInt();
            this.similarity = in.readOptionalString();
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

        public String[] names() {
            return names;
        }

        public String[] ids() {
            return ids;
        }

        public int[] vectorDocs() {
            return vectorDocs;
        }

        public float[] vectors() {
            return vectors;
        }

        public int dims() {
            return dims;
        }

        public String similarity() {
            return similarity;
        }
    }
}
