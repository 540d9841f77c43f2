package org.instanceretrieval.es.query;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.index.query.QueryBuilder;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.vectors.ShardRead;

import java.io.IOException;

/**
 * Internal shard-level action: the first round of {@code query_set} expansion on one shard ({@link TransportFirstRoundShardAction}).
 * It runs the first-round query (a {@code retrieval_knn} without expansion, its filter already rewritten) on the shard's current
 * searcher for the shard's own top {@code size} and answers, per hit in the shard's rank order (score descending, ties by Lucene
 * document order, as a search's query phase ranks them), its score and its {@code _seq_no}, and for the first {@code pool} of them
 * the vector of the field as the shard indexed it (Lucene's {@code FloatVectorValues}). No fetch phase, no stored field, no
 * {@code _id}. An {@code indices:data/read} action: the caller needs {@code read} on the index.
 */
public final class FirstRoundShardAction {

    public static final String NAME = "indices:data/read/retrieval/query_set_first_round";
    public static final ShardRead<Params, Result> INSTANCE = new ShardRead<>(NAME, true, Params::new, Result::new);

    private FirstRoundShardAction() {}

    /**
     * @param query the first-round query, rewritten on the coordinating node (no pending asynchronous step)
     * @param size  the number of top hits of the shard answered, {@code >= 1}
     * @param pool  how many of them come with their vector, {@code 1..size}
     */
    public record Params(QueryBuilder query, int size, int pool) implements RequestParams {
        Params(StreamInput in) throws IOException {
            this(in.readNamedWriteable(QueryBuilder.class), in.readVInt(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeNamedWriteable(query);
            out.writeVInt(size);
            out.writeVInt(pool);
        }
    }

    /**
     * The shard's top hits in its rank order: {@code scores[j]} and {@code seqNos[j]} of hit {@code j}; hit {@code j < vectors}
     * has its vector at {@code vectorData[j * dims, (j + 1) * dims)}. {@code complete} is false when one of those first
     * {@code vectors} hits has no vector in the index (not expected for an indexed field); the vectors are then not sent
     * ({@code vectors = dims = 0}). {@code indexUuid} names the index instance read. Arrays not copied.
     */
    public record Result(String indexUuid, float[] scores, long[] seqNos, int vectors, int dims, float[] vectorData, boolean complete)
        implements Writeable {

        public Result {
            if (scores.length != seqNos.length || vectors > scores.length || (long) vectors * dims != vectorData.length) {
                throw new IllegalArgumentException("[" + scores.length + "] scores, [" + seqNos.length + "] seq_nos, [" + vectors
                    + "] vectors of [" + dims + "] dims and [" + vectorData.length + "] values do not fit");
            }
        }

        Result(StreamInput in) throws IOException {
            this(in.readString(), in.readFloatArray(), in.readLongArray(), in.readVInt(), in.readVInt(), in.readFloatArray(),
                in.readBoolean());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(indexUuid);
            out.writeFloatArray(scores);
            out.writeLongArray(seqNos);
            out.writeVInt(vectors);
            out.writeVInt(dims);
            out.writeFloatArray(vectorData);
            out.writeBoolean(complete);
        }

        /** The number of hits. */
        public int size() {
            return scores.length;
        }
    }
}
