package org.instanceretrieval.model.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one model; cheap and lock-free on the inference path. */
final class ModelStatsCounter {
    private final LongAdder images = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final AtomicLongArray batchSizes;
    private final AtomicInteger loadedSessions = new AtomicInteger();
    private volatile String device;

    ModelStatsCounter(int maxBatchSize) {
        this.batchSizes = new AtomicLongArray(maxBatchSize + 1);
    }

    void loaded(String onDevice) {
        device = onDevice;
        loadedSessions.incrementAndGet();
    }

    void unloaded() {
        loadedSessions.decrementAndGet();
    }

    void record(int batchSize, long elapsedNanos) {
        images.add(batchSize);
        batches.increment();
        nanos.add(elapsedNanos);
        batchSizes.incrementAndGet(batchSize);
    }

    ModelStats snapshot(String modelId) {
        long b = batches.sum();
        long[] sizes = new long[batchSizes.length()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = batchSizes.get(i);
        }
        return new ModelStats(modelId, loadedSessions.get() > 0, device, images.sum(), b, b == 0 ? 0 : nanos.sum() / 1e6 / b, sizes);
    }
}
