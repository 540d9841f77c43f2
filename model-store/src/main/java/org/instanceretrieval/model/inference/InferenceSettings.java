package org.instanceretrieval.model.inference;

import java.time.Duration;

/**
 * Node-level inference settings. Immutable.
 *
 * @param device        where sessions run
 * @param maxModels     how many loaded models the cache keeps (least recently used are closed first)
 * @param maxBatchSize  most images of one model and one input shape run as one ONNX Runtime call
 * @param maxWait       how long the first image of a batch waits for others before the batch runs
 * @param intraOpThreads threads ONNX Runtime uses inside one call, 0 for its default (one per
 *                      core); with several inference threads, 1 avoids oversubscribing the cores
 * @param cpuParallelism the inference threads that run CPU batches side by side (the inference pool's size): the
 *                      images queued when a batch is formed are split into up to this many near-equal batches run
 *                      on as many threads, instead of one batch on one thread while the others idle (a batch of b
 *                      images on one thread takes about b times one image's time on the CPU). 1: one batch of up
 *                      to {@code maxBatchSize}. CUDA batches are never split.
 */
public record InferenceSettings(Device device, int maxModels, int maxBatchSize, Duration maxWait, int intraOpThreads,
                                int cpuParallelism) {

    /** Default cache size. */
    public static final int DEFAULT_MAX_MODELS = 4;
    /** Default largest batch. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /** Default wait for a batch to fill. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(2);
    /** Largest {@code max_batch_size} accepted, so a setting cannot ask for absurd memory. */
    public static final int MAX_BATCH_SIZE_LIMIT = 256;
    /** Longest {@code max_wait} accepted, so a setting cannot add absurd latency. */
    public static final Duration MAX_WAIT_LIMIT = Duration.ofSeconds(1);

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public InferenceSettings {
        if (device == null) {
            throw new IllegalArgumentException("[device] must be set");
        }
        if (maxModels < 1) {
            throw new IllegalArgumentException("[max_models] must be at least 1 but was [" + maxModels + "]");
        }
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
            throw new IllegalArgumentException("[max_batch_size] must be between 1 and " + MAX_BATCH_SIZE_LIMIT + " but was [" + maxBatchSize + "]");
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(MAX_WAIT_LIMIT) > 0) {
            throw new IllegalArgumentException("[max_wait] must be between 0 and " + MAX_WAIT_LIMIT.toMillis() + "ms but was [" + maxWait + "]");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("[intra_op_threads] must be 0 (ONNX Runtime's default) or positive but was [" + intraOpThreads + "]");
        }
        if (cpuParallelism < 1) {
            throw new IllegalArgumentException("[cpu_parallelism] must be at least 1 but was [" + cpuParallelism + "]");
        }
    }

    /** Settings whose CPU batches take up to {@code maxBatchSize} at once (one inference thread's view). */
    public InferenceSettings(Device device, int maxModels, int maxBatchSize, Duration maxWait, int intraOpThreads) {
        this(device, maxModels, maxBatchSize, maxWait, intraOpThreads, 1);
    }

    /** Device {@code auto}, 4 models, batches of up to 8 waiting at most 2 ms, ONNX Runtime's default threads. */
    public static InferenceSettings defaults() {
        return new InferenceSettings(Device.AUTO, DEFAULT_MAX_MODELS, DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_WAIT, 0);
    }

    /** A copy with another device. */
    public InferenceSettings withDevice(Device newDevice) {
        return new InferenceSettings(newDevice, maxModels, maxBatchSize, maxWait, intraOpThreads, cpuParallelism);
    }
}
