package org.instanceretrieval.math;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs independent blocks of work (e.g. blocks of query rows scored by a {@link ScoreKernel})
 * on several threads. Each thread takes the next unprocessed block from a shared counter, so
 * uneven blocks balance; each thread gets its own worker state (score buffers) once. The
 * blocks must write disjoint outputs: then the result does not depend on the schedule.
 */
public final class ParallelBlocks {

    /** Thread count meaning "the common fork-join pool plus the calling thread". */
    public static final int COMMON_POOL = 0;

    /**
     * Cap on one thread's score buffer (2^22 floats, 16 MiB): with large collections a block of
     * score rows shrinks (to 1 row at the least) instead of the heap running out.
     */
    public static final int MAX_BLOCK_SCORES = 1 << 22;

    private ParallelBlocks() {}

    /**
     * Rows per block when each row holds {@code rowLength} scores: {@code preferred}, lowered so
     * that a block's scores stay within {@link #MAX_BLOCK_SCORES}, at least 1.
     *
     * @param preferred preferred rows per block, at least 1
     * @param rowLength scores per row (the collection size), at least 0
     * @return the rows per block
     */
    public static int rowsPerBlock(int preferred, int rowLength) {
        return Math.max(1, Math.min(preferred, MAX_BLOCK_SCORES / Math.max(1, rowLength)));
    }

    /** Receives the scores of one query against every collection row. */
    @FunctionalInterface
    public interface ScoreRowConsumer {
        /**
         * @param query index of the query
         * @param scores array holding the query's score row (reused for the next block: read it now)
         * @param offset start of the row: {@code scores[offset + r]} is the score of collection row {@code r}
         */
        void accept(int query, float[] scores, int offset);
    }

    /**
     * Scores every query against a prepared collection in blocks of query rows (the blocked
     * {@link ScoreKernel#scoreBlock}, {@link #rowsPerBlock} queries per block, one score buffer
     * per thread), the blocks spread over threads as in {@link #run}, and hands each query's
     * score row to {@code consumer} (from the thread that scored it; consumers must write
     * disjoint outputs per query).
     *
     * @param kernel the kernel that prepared {@code collection}
     * @param queries query vectors, row-major, of the collection's dimension
     * @param numQueries number of queries, at least 0
     * @param collection the prepared collection
     * @param preferredBlock preferred queries per block, at least 1
     * @param threads {@link #COMMON_POOL} or the number of dedicated threads
     * @param threadName name of dedicated threads
     * @param consumer receives each score row
     */
    public static void scoreRows(ScoreKernel kernel, float[] queries, int numQueries, ScoreKernel.Prepared collection,
                                 int preferredBlock, int threads, String threadName, ScoreRowConsumer consumer) {
        int numItems = collection.numRows();
        int block = rowsPerBlock(preferredBlock, numItems);
        int numBlocks = (numQueries + block - 1) / block;
        run(numBlocks, threads, threadName, () -> {
            float[] scores = new float[Math.min(block, numQueries) * numItems];
            return b -> {
                int first = b * block;
                int count = Math.min(block, numQueries - first);
                kernel.scoreBlock(queries, first, count, collection, scores);
                for (int q = 0; q < count; q++) {
                    consumer.accept(first + q, scores, q * numItems);
                }
            };
        });
    }

    /**
     * Runs {@code worker.get().accept(b)} for every block {@code b} in {@code [0, numBlocks)}.
     *
     * @param numBlocks number of blocks, at least 0
     * @param threads {@link #COMMON_POOL}, or the number of dedicated threads to start (at
     *     most {@code numBlocks} are used; 1 runs everything in the calling thread)
     * @param threadName name of dedicated threads
     * @param worker called once per thread; the returned consumer processes one block index
     * @throws IllegalArgumentException if {@code threads < 0}
     * @throws RuntimeException the first exception a block threw (remaining blocks may not run)
     */
    public static void run(int numBlocks, int threads, String threadName, Supplier<IntConsumer> worker) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be at least 1, or " + COMMON_POOL + " for the common pool, got [" + threads + "]");
        }
        AtomicInteger nextBlock = new AtomicInteger();
        Runnable loop = () -> {
            IntConsumer block = worker.get();
            for (int b = nextBlock.getAndIncrement(); b < numBlocks; b = nextBlock.getAndIncrement()) {
                block.accept(b);
            }
        };
        if (threads == COMMON_POOL) {
            int workers = Math.min(numBlocks, Runtime.getRuntime().availableProcessors());
            IntStream.range(0, workers).parallel().forEach(w -> loop.run());
            return;
        }
        runOnThreads(loop, Math.min(threads, numBlocks), threadName);
    }

    /**
     * Runs {@code worker.get().accept(b)} for every block {@code b} in {@code [0, numBlocks)} on the calling thread and up to
     * {@code parallelism - 1} helpers submitted to {@code executor} (e.g. a thread pool of the host application, which starts
     * its own threads). The calling thread takes blocks too, so the call completes even when the executor runs no helper (busy
     * or rejecting); it then waits only for the helpers that started. After a block throws, no new block starts.
     *
     * @param parallelism the most threads working at once, at least 1
     * @throws IllegalArgumentException if {@code parallelism < 1} or {@code executor} is null
     * @throws RuntimeException the first exception a block threw
     */
    public static void run(int numBlocks, Executor executor, int parallelism, Supplier<IntConsumer> worker) {
        if (parallelism < 1 || executor == null) {
            throw new IllegalArgumentException("parallelism must be at least 1 with an executor, got [" + parallelism + "] and [" + executor + "]");
        }
        AtomicInteger nextBlock = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable loop = () -> {
            try {
                IntConsumer block = worker.get();
                for (int b = nextBlock.getAndIncrement(); b < numBlocks && failure.get() == null; b = nextBlock.getAndIncrement()) {
                    block.accept(b);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Object lock = new Object();
        int[] running = new int[1];
        boolean[] closed = new boolean[1];
        int helpers = Math.min(parallelism, numBlocks) - 1;
        for (int h = 0; h < helpers; h++) {
            try {
                executor.execute(() -> {
                    synchronized (lock) {
                        if (closed[0]) {
                            return;
                        }
                        running[0]++;
                    }
                    try {
                        loop.run();
                    } finally {
                        synchronized (lock) {
                            running[0]--;
                            lock.notifyAll();
                        }
                    }
                });
            } catch (RuntimeException rejected) {
                break; // the calling thread does the work
            }
        }
        loop.run();
        synchronized (lock) {
            closed[0] = true;
            boolean interrupted = false;
            while (running[0] > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static void runOnThreads(Runnable worker, int threads, String threadName) {
        if (threads <= 1) {
            worker.run();
            return;
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(worker));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + threadName, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } finally {
            executor.shutdownNow();
        }
    }
}
