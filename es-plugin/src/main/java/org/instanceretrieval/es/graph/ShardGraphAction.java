package org.instanceretrieval.es.graph;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.vectors.ShardRead;
import org.instanceretrieval.graph.ShardLists;

import java.io.IOException;

/**
 * Internal shard-level action: reads, from one shard's current searcher, the {@code _id}, the custom {@code _routing} and the
 * value of a {@code binary} doc-values field (the request's field: {@link GraphFields#neighbours} or
 * {@link GraphFields#offlineRows}) of every live document that has one, straight from doc values (never through
 * {@code _source}). The {@link StoredGraphCache} calls it once per shard when it loads a graph. An {@code indices:} action: the
 * caller needs {@code read} on the index.
 */
public final class ShardGraphAction {

    public static final String NAME = "indices:data/read/retrieval/graph/shard_lists";
    public static final ShardRead<RequestParams.None, Result> INSTANCE = new ShardRead<>(NAME, false, RequestParams::readNone, Result::new);

    private ShardGraphAction() {}

    /**
     * One shard's values: document {@code ids[i]}, with the custom routing {@code routings[i]} (null without one), holds the
     * bytes {@code data[offsets[i] .. offsets[i + 1])} (one {@code NeighbourListCodec} list), in Lucene order. Documents without
     * a value are not listed. Arrays not copied.
     */
    public record Result(String[] ids, String[] routings, int[] offsets, byte[] data) implements Writeable, ShardLists {
        public Result {
            if (offsets.length != ids.length + 1 || routings.length != ids.length) {
                throw new IllegalArgumentException("[" + ids.length + "] ids need [" + ids.length + "] routings and [" + (ids.length + 1)
                    + "] offsets");
            }
        }

        Result(StreamInput in) throws IOException {
            this(in.readStringArray(), in.readArray(StreamInput::readOptionalString, String[]::new), in.readVIntArray(),
                in.readByteArray());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringArray(ids);
            out.writeArray(StreamOutput::writeOptionalString, routings);
            out.writeVIntArray(offsets);
            out.writeByteArray(data);
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public String id(int i) {
            return ids[i];
        }

        @Override
        public int offset(int i) {
            return offsets[i];
        }

        @Override
        public int length(int i) {
            return offsets[i + 1] - offsets[i];
        }

        @Override
        public String routing(int i) {
            return routings[i];
        }

        /** Heap the result holds: its ids and routings (about 56 bytes plus the length each), offsets and data. */
        public long bytes() {
            long b = 64L + data.length + 4L * offsets.length + 8L * routings.length;
            for (int i = 0; i < ids.length; i++) {
                b += 64L + ids[i].length() + (routings[i] == null ? 0 : 56L + routings[i].length());
            }
            return b;
        }
    }
}
