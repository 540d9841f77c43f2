package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.vectors.ShardRead;
import org.instanceretrieval.es.rest.RequestParams;

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
    public static final ShardRead<Params, Result> INSTANCE = new ShardRead<>(NAME, false, Params::new, Result::new);

    private ShardKnnNeighboursAction() {}

    /** Queries {@code queryIds[q]} with vectors {@code queries[q * dims, (q + 1) * dims)}. Arrays not copied. */
    public record Params(int k, int numCandidates, String[] queryIds, float[] queries, int dims) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readVInt(), in.readVInt(), in.readStringArray(), in.readFloatArray(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(k);
            out.writeVInt(numCandidates);
            out.writeStringArray(queryIds);
            out.writeFloatArray(queries);
            out.writeVInt(dims);
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            if (k < 1 || numCandidates < k || dims < 1 || (long) queryIds.length * dims != queries.length) {
                e = addValidationError("malformed shard kNN request: k [" + k + "], num_candidates [" + numCandidates + "], dims [" + dims
                    + "], [" + queryIds.length + "] queries with [" + queries.length + "] values", e);
            }
            return e;
        }
    }

    /** Query q's neighbours are entries {@code [offsets[q], offsets[q + 1])} of {@code ids} and {@code similarities}, ranked. */
    public record Result(int[] offsets, String[] ids, float[] similarities) implements Writeable {
        Result(StreamInput in) throws IOException {
            this(in.readVIntArray(), in.readStringArray(), in.readFloatArray());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVIntArray(offsets);
            out.writeStringArray(ids);
            out.writeFloatArray(similarities);
        }
    }
}
