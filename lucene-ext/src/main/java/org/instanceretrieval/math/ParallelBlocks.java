package org.instanceretrieval.math;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

    private ParallelBlocks() {}

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
