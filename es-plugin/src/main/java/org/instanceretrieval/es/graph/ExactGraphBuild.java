package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.support.SubscribableListener;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.graph.BlockedKnnGraph;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.VectorBlock;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.concurrent.Executor;

/**
 * The {@code exact} build: blocked brute force over the collection, never held whole. For each query block of
 * {@code block_size} ordinals, every collection block (itself included) is read from the shards ({@link BlockLoader}) and scored
 * against it with {@link BlockedKnnGraph} (the calling generic thread plus helpers of the {@link GraphPool}); while one block is
 * scored the next is already being read. The block's lists are then written ({@link GraphListWriter}) while the next query
 * block is computed (one block's writes at a time: a block's write starts when the previous one has ended). Lists rank by similarity (float dot product) descending, then ordinal (= {@code _id}) ascending, so they do not
 * depend on the shard layout or on {@code block_size}. {@code numBlocks^2} block reads; {@code O(N^2 d)} compute.
 * <p>
 * Memory held on this node ({@link #bytes}), for blocks of B rows of d floats, k neighbours, T threads and ids of up to L chars:
 * the query block and its lists, the lists of the previous block being written, the collection block being scored and its
 * prepared copy, the next one being read, and one score buffer per thread: {@code B (40 d + 48 + 2 k (40 + 4 L)) + 256 B T}.
 */
final class ExactGraphBuild {

    private final JobTask task;
    private final BlockLoader loader;
    private final GraphListWriter writer;
    private final CollectionIds ids;
    private final BlockedKnnGraph graph;
    private final int blockSize;
    private final Executor generic;
    /** The failure of a block's write, seen by the computation of the blocks after it. */
    private volatile Exception writeFailure;

    ExactGraphBuild(JobTask task, BlockLoader loader, GraphListWriter writer, CollectionIds ids, int k, int blockSize, Executor generic,
        Executor helpers, int parallelism) {
        this.task = task;
        this.loader = loader;
        this.writer = writer;
        this.ids = ids;
        this.graph = new BlockedKnnGraph(k, ScoreKernels.best(), helpers, parallelism);
        this.blockSize = blockSize;
        this.generic = generic;
    }

    /** The bytes charged for the blocks (see the class comment). */
    static long bytes(int blockSize, int dims, int k, int maxIdLength, int threads) {
        return (long) blockSize * (40L * dims + 48L + 2L * k * (40L + 4L * maxIdLength)) + 256L * blockSize * threads;
    }

    private int numBlocks() {
        return (ids.size() + blockSize - 1) / blockSize;
    }

    /** Builds and writes every list; completes when the last block is written. */
    void run(ActionListener<Void> listener) {
        task.count("blocks_total", numBlocks());
        queryBlock(0, SubscribableListener.newSucceeded(null), listener);
    }

    /**
     * Computes query block {@code qb} while {@code previousWrite} (the writes of the block before) goes on, then chains the block's
     * own write after it and goes on with the next block; completes when the last write has ended (or the first failure).
     */
    private void queryBlock(int qb, SubscribableListener<Void> previousWrite, ActionListener<Void> listener) {
        if (qb >= numBlocks()) {
            previousWrite.addListener(listener);
            return;
        }
        if (writeFailure != null) {
            listener.onFailure(writeFailure); // a block's write failed: compute no more
            return;
        }
        task.checkCancelled();
        load(qb, listener.delegateFailureAndWrap((l, queries) -> {
            if (queries == null) {
                task.count("blocks_done", qb + 1);
                queryBlock(qb + 1, previousWrite, l);
                return;
            }
            BlockedKnnGraph.Rows rows = graph.start(queries);
            collectionBlock(qb, 0, queries, rows, null, l.delegateFailureAndWrap((l2, v) -> {
                task.checkCancelled();
                Neighbours[] computed = rows.finish();
                NeighbourList[] lists = new NeighbourList[computed.length];
                for (int r = 0; r < computed.length; r++) {
                    lists[r] = writer.toList(computed[r]);
                }
                SubscribableListener<Void> write = previousWrite.andThen((l3, ignored) ->
                    writer.write(queries.ordinals(), lists, task::isCancelled, l3.map(w -> {
                        task.checkCancelled();
                        task.count("lists_written", writer.written());
                        return null;
                    })));
                write.addListener(ActionListener.wrap(ok -> {}, e -> writeFailure = e));
                task.count("blocks_done", qb + 1);
                queryBlock(qb + 1, write, l2);
            }));
        }));
    }

    /** The collection block scored at step {@code p} of query block {@code qb}: the query block itself first, then the others in order. */
    private static int blockAt(int qb, int p) {
        return p == 0 ? qb : (p - 1 < qb ? p - 1 : p);
    }

    private void load(int b, ActionListener<VectorBlock> listener) {
        loader.load(b * blockSize, Math.min(ids.size(), (b + 1) * blockSize), listener.map(l -> l == null ? null : l.toBlock()));
    }

    /**
     * Scores the collection block of step {@code p} into {@code rows} (on the generic pool) while the block of step {@code p + 1}
     * is read; {@code loaded} is the block of step {@code p} when it was read ahead (null: read it now, or the query block).
     */
    private void collectionBlock(int qb, int p, VectorBlock queries, BlockedKnnGraph.Rows rows, VectorBlock loaded,
        ActionListener<Void> listener) {
        if (p >= numBlocks()) {
            listener.onResponse(null);
            return;
        }
        task.checkCancelled();
        if (p == 0) {
            score(qb, p, rows, queries, listener);
        } else if (loaded != null) {
            score(qb, p, rows, loaded, listener);
        } else {
            load(blockAt(qb, p), listener.delegateFailureAndWrap((l, block) -> {
                if (block == null) {
                    collectionBlock(qb, p + 1, queries, rows, null, l); // every document of the block was deleted meanwhile
                } else {
                    score(qb, p, rows, block, l);
                }
            }));
        }
    }

    /** Scores {@code block} into {@code rows}, reading the block of step {@code p + 1} meanwhile. */
    private void score(int qb, int p, BlockedKnnGraph.Rows rows, VectorBlock block, ActionListener<Void> listener) {
        boolean readAhead = p + 1 < numBlocks();
        ScoredAndRead both = new ScoredAndRead(readAhead, listener.delegateFailureAndWrap((l, nextBlock) -> {
            if (readAhead && nextBlock == null) {
                collectionBlock(qb, p + 2, null, rows, null, l); // every document of the next block was deleted meanwhile
            } else {
                collectionBlock(qb, p + 1, null, rows, nextBlock, l);
            }
        }));
        generic.execute(ActionRunnable.run(both.scored(), () -> rows.add(block)));
        if (readAhead) {
            load(blockAt(qb, p + 1), both.read());
        }
    }

    /** Joins the scoring of a block and the read of the next one; completes with the block read (null when none). */
    private static final class ScoredAndRead {
        private final ActionListener<VectorBlock> done;
        private int pending;
        private VectorBlock read;
        private Exception failure;

        ScoredAndRead(boolean reading, ActionListener<VectorBlock> done) {
            this.done = done;
            this.pending = reading ? 2 : 1;
        }

        ActionListener<Void> scored() {
            return ActionListener.wrap(v -> arrive(null, null), e -> arrive(null, e));
        }

        ActionListener<VectorBlock> read() {
            return ActionListener.wrap(b -> arrive(b, null), e -> arrive(null, e));
        }

        private void arrive(VectorBlock block, Exception e) {
            boolean last;
            synchronized (this) {
                if (block != null) {
                    read = block;
                }
                if (e != null && failure == null) {
                    failure = e;
                }
                last = --pending == 0;
            }
            if (last) {
                if (failure != null) {
                    done.onFailure(failure);
                } else {
                    done.onResponse(read);
                }
            }
        }
    }
}
