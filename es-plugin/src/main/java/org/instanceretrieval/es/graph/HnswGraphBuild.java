package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.graph.BlockedKnnGraph;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.Arrays;

/**
 * The {@code hnsw} build: each document's neighbours from the field's own HNSW graphs. For each block of {@code block_size}
 * documents, their vectors are read ({@link BlockLoader}) and sent as queries to every shard ({@link ShardKnnNeighboursAction}:
 * {@code num_candidates} candidates per shard by HNSW, re-scored exactly, self left out, top k); the shards' lists are merged
 * per document as they arrive ({@link BlockedKnnGraph.Rows#merge}: similarity descending, then ordinal = {@code _id} ascending)
 * and written ({@link GraphListWriter}). Approximate: a list may miss true neighbours the HNSW search did not reach
 * ({@code num_candidates} trades time for recall); documents added after the ids were gathered are never listed.
 * <p>
 * Memory held on this node ({@link #bytes}), for blocks of B rows of d floats, k neighbours, C candidates, S shards answering at
 * once and ids of up to L chars: the block, its request copy, the merged lists and the lists being written, and the shards'
 * answers: {@code B (12 d + 32 + k (48 + 4 L)) + S B k (8 + 2 L)} (S is charged as 1 here: each shard's node charges its own
 * candidates, {@code B C 16 + B k 24} and the candidate ids).
 */
final class HnswGraphBuild {

    private final JobTask task;
    private final Client client;
    private final String index;
    private final GraphBuildAction.Options options;
    private final BlockLoader loader;
    private final GraphListWriter writer;
    private final CollectionIds ids;
    private final BlockedKnnGraph merger;
    private final int numShards;

    HnswGraphBuild(JobTask task, Client client, String index, GraphBuildAction.Options options, BlockLoader loader,
        GraphListWriter writer, CollectionIds ids, int numShards) {
        this.task = task;
        this.client = client;
        this.index = index;
        this.options = options;
        this.loader = loader;
        this.writer = writer;
        this.ids = ids;
        this.merger = new BlockedKnnGraph(options.k(), ScoreKernels.scalar(), 1);
        this.numShards = numShards;
    }

    /** The bytes charged on this node (see the class comment). */
    static long bytes(int blockSize, int dims, int k, int numCandidates, int maxIdLength) {
        return (long) blockSize * (12L * dims + 32L + (long) k * (48L + 4L * maxIdLength)) + (long) blockSize * k * (8L + 2L * maxIdLength);
    }

    private int numBlocks() {
        return (ids.size() + options.blockSize() - 1) / options.blockSize();
    }

    void run(ActionListener<Void> listener) {
        task.count("blocks_total", numBlocks());
        block(0, listener);
    }

    private void block(int b, ActionListener<Void> listener) {
        if (b >= numBlocks()) {
            listener.onResponse(null);
            return;
        }
        task.checkCancelled();
        int from = b * options.blockSize();
        loader.load(from, Math.min(ids.size(), from + options.blockSize()), listener.delegateFailureAndWrap((l, loaded) -> {
            if (loaded == null) {
                task.count("blocks_done", b + 1);
                block(b + 1, l);
                return;
            }
            BlockedKnnGraph.Rows rows = merger.start(loaded.toBlock());
            String[] queryIds = new String[loaded.ordinals().length];
            for (int r = 0; r < queryIds.length; r++) {
                queryIds[r] = ids.id(loaded.ordinals()[r]);
            }
            GroupedActionListener<Void> shards = new GroupedActionListener<>(numShards, l.delegateFailureAndWrap((l2, all) -> {
                task.checkCancelled();
                Neighbours[] merged = rows.finish();
                NeighbourList[] lists = new NeighbourList[merged.length];
                for (int r = 0; r < merged.length; r++) {
                    lists[r] = writer.toList(merged[r]);
                }
                writer.write(loaded.ordinals(), lists, task::isCancelled, l2.delegateFailureAndWrap((l3, w) -> {
                    task.checkCancelled();
                    task.count("lists_written", writer.written());
                    task.count("blocks_done", b + 1);
                    block(b + 1, l3);
                }));
            }));
            for (int s = 0; s < numShards; s++) {
                var params = new ShardKnnNeighboursAction.Params(options.k(), options.numCandidates(), queryIds, loaded.vectors(),
                    loaded.dims());
                ShardKnnNeighboursAction.INSTANCE.execute(client, index, s, options.field(), params, shards.map(answer -> {
                    merge(rows, answer);
                    return null;
                }));
            }
        }));
    }

    /** Merges one shard's lists into the block's rows; ids not among the build's documents (added since) are left out. */
    private void merge(BlockedKnnGraph.Rows rows, ShardKnnNeighboursAction.Result answer) {
        int[] offsets = answer.offsets();
        for (int r = 0; r + 1 < offsets.length; r++) {
            int[] ordinals = new int[offsets[r + 1] - offsets[r]];
            float[] sims = new float[ordinals.length];
            int m = 0;
            for (int t = offsets[r]; t < offsets[r + 1]; t++) {
                int ordinal = ids.ordinal(answer.ids()[t]);
                if (ordinal >= 0) {
                    ordinals[m] = ordinal;
                    sims[m++] = answer.similarities()[t];
                }
            }
            Neighbours partial = new Neighbours(Arrays.copyOf(ordinals, m), Arrays.copyOf(sims, m));
            synchronized (rows) {
                rows.merge(r, partial);
            }
        }
    }
}
