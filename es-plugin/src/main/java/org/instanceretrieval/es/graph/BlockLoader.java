package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.core.Tuple;
import org.instanceretrieval.es.vectors.ShardVectorsByIdAction;
import org.instanceretrieval.graph.VectorBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Reads the vectors of a range of ordinals of a {@link CollectionIds} from the shards holding them, one
 * {@link ShardVectorsByIdAction} per shard (in parallel), and assembles them as a {@link VectorBlock} in ordinal order. A document
 * deleted since its id was gathered (or that lost its vector) is left out of the block. Immutable.
 */
final class BlockLoader {

    private final Client client;
    private final String index;
    private final String field;
    private final CollectionIds ids;

    /** @param client the job's client (the caller's privileges, the task as parent) */
    BlockLoader(Client client, String index, String field, CollectionIds ids) {
        this.client = client;
        this.index = index;
        this.field = field;
        this.ids = ids;
    }

    /** The bytes a block of {@code rows} rows holds while loaded: the shard answers and the block's own copy. */
    static long bytes(int rows, int dims) {
        return (long) rows * (8L * dims + 24L);
    }

    /**
     * Rows read for a block: row r is the vector of ordinal {@code ordinals[r]} ({@code dims} floats from {@code r * dims}),
     * ordinals ascending. Arrays not copied.
     */
    record Loaded(float[] vectors, int[] ordinals, int dims) {
        /** The rows as a block of the blocked build (a copy). */
        VectorBlock toBlock() {
            return new VectorBlock(vectors, dims, ordinals);
        }
    }

    /** Block of ordinals {@code [from, to)}; null when none of them is found any more. */
    void load(int from, int to, ActionListener<Loaded> listener) {
        List<List<Integer>> byShard = new ArrayList<>();
        for (int o = from; o < to; o++) {
            int shard = ids.shard(o);
            while (byShard.size() <= shard) {
                byShard.add(new ArrayList<>());
            }
            byShard.get(shard).add(o);
        }
        List<Integer> shards = new ArrayList<>();
        for (int s = 0; s < byShard.size(); s++) {
            if (byShard.get(s).isEmpty() == false) {
                shards.add(s);
            }
        }
        GroupedActionListener<Tuple<int[], ShardVectorsByIdAction.Result>> group = new GroupedActionListener<>(shards.size(),
            listener.map(this::assemble));
        for (int s : shards) {
            int[] ordinals = byShard.get(s).stream().mapToInt(Integer::intValue).toArray();
            String[] requested = new String[ordinals.length];
            for (int i = 0; i < ordinals.length; i++) {
                requested[i] = ids.id(ordinals[i]);
            }
            ShardVectorsByIdAction.INSTANCE.execute(client, index, s, field, new ShardVectorsByIdAction.Params(requested),
                group.map(r -> Tuple.tuple(ordinals, r)));
        }
    }

    /** Rows in ordinal order: each shard answered its found ids in request order, i.e. ascending ordinal. */
    private Loaded assemble(Collection<Tuple<int[], ShardVectorsByIdAction.Result>> answers) {
        int dims = ids.dims();
        int found = 0;
        for (Tuple<int[], ShardVectorsByIdAction.Result> a : answers) {
            found += a.v2().found().length;
            if (a.v2().found().length > 0 && a.v2().dims() != dims) {
                throw new IllegalStateException("shard answered vectors of dimension [" + a.v2().dims() + "] for [" + field
                    + "], expected [" + dims + "]");
            }
        }
        if (found == 0) {
            return null;
        }
        long[] keys = new long[found]; // ordinal << 32 | row among all answers' rows
        float[][] answered = new float[answers.size()][];
        int[] firstRow = new int[answers.size()];
        int at = 0;
        int answer = 0;
        for (Tuple<int[], ShardVectorsByIdAction.Result> a : answers) {
            int[] ordinals = a.v1();
            String[] hits = a.v2().found();
            firstRow[answer] = at;
            answered[answer++] = a.v2().vectors();
            int next = 0;
            for (String hit : hits) {
                while (ids.id(ordinals[next]).equals(hit) == false) {
                    next++;
                }
                keys[at] = ((long) ordinals[next] << 32) | at;
                at++;
            }
        }
        Arrays.sort(keys);
        float[] rows = new float[found * dims];
        int[] ordinals = new int[found];
        for (int r = 0; r < found; r++) {
            ordinals[r] = (int) (keys[r] >>> 32);
            int row = (int) keys[r];
            int from = 0;
            while (from + 1 < firstRow.length && firstRow[from + 1] <= row) {
                from++;
            }
            System.arraycopy(answered[from], (row - firstRow[from]) * dims, rows, r * dims, dims);
        }
        return new Loaded(rows, ordinals, dims);
    }
}
