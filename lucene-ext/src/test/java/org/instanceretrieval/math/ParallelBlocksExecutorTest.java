package org.instanceretrieval.math;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.Test;

/** {@link ParallelBlocks#run(int, java.util.concurrent.Executor, int, java.util.function.Supplier)}: blocks on a host's pool. */
public class ParallelBlocksExecutorTest {

    private static AtomicIntegerArray runAll(int blocks, java.util.concurrent.Executor executor, int parallelism) {
        AtomicIntegerArray seen = new AtomicIntegerArray(blocks);
        ParallelBlocks.run(blocks, executor, parallelism, () -> seen::incrementAndGet);
        return seen;
    }

    @Test
    public void everyBlockRunsExactlyOnceOnThePoolAndTheCaller() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            ParallelBlocks.run(1000, pool, 4, () -> b -> {
                threads.add(Thread.currentThread());
                seen.incrementAndGet(b);
            });
            for (int b = 0; b < 1000; b++) {
                assertEquals(1, seen.get(b));
            }
            assertTrue(threads.size() >= 1 && threads.size() <= 4);
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    public void aRejectingExecutorLeavesTheWorkToTheCaller() {
        AtomicIntegerArray seen = runAll(50, r -> {
            throw new RejectedExecutionException("full");
        }, 8);
        for (int b = 0; b < 50; b++) {
            assertEquals(1, seen.get(b));
        }
    }

    @Test
    public void aHelperThatNeverStartsIsNotWaitedFor() {
        // an executor that queues and never runs: the caller does every block and returns
        AtomicIntegerArray seen = runAll(20, r -> { }, 4);
        for (int b = 0; b < 20; b++) {
            assertEquals(1, seen.get(b));
        }
    }

    @Test
    public void theFirstExceptionOfABlockIsRethrown() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            IllegalStateException boom = new IllegalStateException("block 7");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ParallelBlocks.run(100, pool, 3, () -> b -> {
                if (b == 7) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    public void parallelismBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ParallelBlocks.run(1, Runnable::run, 0, () -> b -> { }));
    }
}
