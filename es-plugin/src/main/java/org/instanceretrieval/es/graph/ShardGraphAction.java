package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.vectors.ShardReadRequest;

import java.io.IOException;

/**
 * Internal shard-level action: reads, from one shard's current searcher, the {@code _id} and the value of a {@code binary}
 * doc-values field ({@link GraphFields#neighbours} or {@link GraphFields#offlineRows}) of every live document that has one,
 * straight from doc values (never through {@code _source}). The {@link StoredGraphCache} calls it once per shard when it loads
 * a graph. An {@code indices:} action: the caller needs {@code read} on the index.
 */
public final class ShardGraphAction {

    public static final String NAME = "indices:data/read/retrieval/graph/shard_lists";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private ShardGraphAction() {}

    /** Read shard {@code shard} of {@code index}: the values of the binary field {@code binaryField}. */
    public static final class Request extends ShardReadRequest<Request> {

        public Request(String index, int shard, String binaryField) {
            super(index, shard, binaryField);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }
    }

    /**
     * One shard's values: document {@code ids[i]} holds the bytes {@code data[offsets[i] .. offsets[i + 1])} (one
     * {@code NeighbourListCodec} list), in Lucene order. Documents without a value are not listed.
     */
    public static final class Response extends ActionResponse {
        private final String[] ids;
        private final int[] offsets;
        private final byte[] data;

        public Response(String[] ids, int[] offsets, byte[] data) {
            if (offsets.length != ids.length + 1) {
                throw new IllegalArgumentException("[" + ids.length + "] ids need [" + (ids.length + 1) + "] offsets");
            }
            this.ids = ids;
            this.offsets = offsets;
            this.data = data;
        }

        public Response(StreamInput in) throws IOException {
            this.ids = in.readStringArray();
            this.offsets = in.readVIntArray();
            this.data = in.readByteArray();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
            out.writeVIntArray(offsets);
            out.writeByteArray(data);
        }

        public int size() {
            return ids.length;
        }

        public String id(int i) {
            return ids[i];
        }

        public int offset(int i) {
            return offsets[i];
        }

        public int length(int i) {
            return offsets[i + 1] - offsets[i];
        }

        /** The bytes of every value (not copied). */
        public byte[] data() {
            return data;
        }

        /** Heap the response holds: its ids (about 56 bytes plus the id's length each), offsets and data. */
        public long bytes() {
            long b = 64L + data.length + 4L * offsets.length;
            for (String id : ids) {
                b += 64L + id.length();
            }
            return b;
        }
    }
}
