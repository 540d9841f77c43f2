package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.vectors.ShardReadRequest;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * Internal shard-level action of the {@code hnsw} graph build: for each query (a document's vector with its {@code _id}), the
 * shard's approximate top-{@code k} other documents by the field's HNSW search: Lucene's {@code KnnFloatVectorQuery} with
 * {@code num_candidates} on the shard's searcher, the candidates re-scored with the exact float dot product of the indexed
 * vectors, the query's own document left out, ranked by similarity descending then {@code _id} ascending. An
 * {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class ShardKnnNeighboursAction {

    public static final String NAME = "indices:data/read/retrieval/graph/shard_knn";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardKnnNeighboursAction() {}

    /** Queries {@code queryIds[q]} with vectors {@code queries[q * dims, (q + 1) * dims)}. */
    public static final class Request extends ShardReadRequest<Request> {
        private final int k;
        private final int numCandidates;
        private final String[] queryIds;
        private final float[] queries;
        private final int dims;

        public Request(String index, int shard, String field, int k, int numCandidates, String[] queryIds, float[] queries, int dims) {
            super(index, shard, field);
            this.k = k;
            this.numCandidates = numCandidates;
            this.queryIds = queryIds;
            this.queries = queries;
            this.dims = dims;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.k = in.readVInt();
            this.numCandidates = in.readVInt();
            this.queryIds = in.readStringArray();
            this.queries = in.readFloatArray();
            this.dims = in.readVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeVInt(k);
            out.writeVInt(numCandidates);
            out.writeStringArray(queryIds);
            out.writeFloatArray(queries);
            out.writeVInt(dims);
        }

        public int k() {
            return k;
        }

        public int numCandidates() {
            return numCandidates;
        }

        String[] queryIds() {
            return queryIds;
        }

        float[] queries() {
            return queries;
        }

        public int dims() {
            return dims;
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = super.validate();
            if (k < 1 || numCandidates < k || dims < 1 || (long) queryIds.length * dims != queries.length) {
                e = addValidationError("malformed shard kNN request: k [" + k + "], num_candidates [" + numCandidates + "], dims [" + dims
                    + "], [" + queryIds.length + "] queries with [" + queries.length + "] values", e);
            }
            return e;
        }
    }

    /** Query q's neighbours are entries {@code [offsets[q], offsets[q + 1])} of {@code ids} and {@code similarities}, ranked. */
    public static final class Response extends ActionResponse {
        private final int[] offsets;
        private final String[] ids;
        private final float[] similarities;

        public Response(int[] offsets, String[] ids, float[] similarities) {
            this.offsets = offsets;
            this.ids = ids;
            this.similarities = similarities;
        }

        public Response(StreamInput in) throws IOException {
            this.offsets = in.readVIntArray();
            this.ids = in.readStringArray();
            this.similarities = in.readFloatArray();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVIntArray(offsets);
            out.writeStringArray(ids);
            out.writeFloatArray(similarities);
        }

        /** {@code numQueries + 1} offsets (not copied). */
        public int[] offsets() {
            return offsets;
        }

        public String[] ids() {
            return ids;
        }

        public float[] similarities() {
            return similarities;
        }
    }
}
