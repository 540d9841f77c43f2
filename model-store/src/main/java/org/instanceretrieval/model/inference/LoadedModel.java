package org.instanceretrieval.model.inference;

import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.model.onnx.OnnxModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A loaded session, reference-counted: every queued request holds a reference, so an
 * evicted session is closed only when its last queued request has run.
 */
final class LoadedModel {
    final String modelId;
    final OnnxModel onnx;
    /** Inputs with a smaller height or width are refused before they reach ONNX Runtime ({@link ModelDefinition#minInputSide}). */
    final int minInputSide;
    final ModelStatsCounter stats;
    private final Executor executor;
    private final long maxWaitNanos;
    private final MemoryBudget budget;
    final Map<Shape, BatchQueue> queues = new ConcurrentHashMap<>();
    /** The settings' maximum, or 1 for a network exported with a fixed batch of 1. */
    final int batchLimit;
    /** Into how many batches, run on as many threads, one drain splits the queued requests. */
    private final int spread;
    private int references; // guarded by this
    private boolean evicted; // guarded by this

    /**
     * @param executor runs the batches (see {@link InferenceService}'s threads)
     * @param maxWaitNanos how long a batch waits for more requests after its first one
     * @param spread at least 1: the requests a drain takes are split into up to this many batches run side by side
     *               (see {@link BatchQueue#drain})
     * @param budget charged for each batch's input and output arrays
     */
    LoadedModel(String modelId, OnnxModel onnx, String device, ModelStatsCounter stats, int batchLimit, Executor executor, long maxWaitNanos,
        int spread, int minInputSide, MemoryBudget budget) {
        this.modelId = modelId;
        this.executor = executor;
        this.maxWaitNanos = maxWaitNanos;
        this.budget = budget;
        this.onnx = onnx;
        this.minInputSide = minInputSide;
        this.stats = stats;
        this.batchLimit = batchLimit;
        this.spread = spread;
        stats.loaded(device);
    }

    /**
     * Why this model cannot run on a {@code height x width} input, or null when it can: a size other than the network's fixed
     * one, or a side below {@link #minInputSide} (refused before ONNX Runtime, which can abort the process on such inputs).
     */
    String inputSizeRefusal(int height, int width) {
        int[] fixed = onnx.fixedInputSize();
        if ((fixed[0] > 0 && fixed[0] != height) || (fixed[1] > 0 && fixed[1] != width)) {
            return "model [" + modelId + "] takes a fixed input of " + dim(fixed[1]) + "x" + dim(fixed[0])
                + " (width x height) but the image was sized " + width + "x" + height + "; set the recipe's [size] to that fixed size";
        }
        if (height < minInputSide || width < minInputSide) {
            return "model [" + modelId + "] needs inputs of at least " + minInputSide + "x" + minInputSide + " pixels but the image was "
                + "sized " + width + "x" + height + " (width x height, after resizing and scaling); use a larger image or another model";
        }
        return null;
    }

    private static String dim(int d) {
        return d > 0 ? Integer.toString(d) : "any";
    }

    synchronized boolean retain() {
        if (evicted) {
            return false;
        }
        references++;
        return true;
    }

    void release() {
        boolean close;
        synchronized (this) {
            references--;
            close = evicted && references == 0;
        }
        if (close) {
            onnx.close();
        }
    }

    void evict() {
        boolean close;
        synchronized (this) {
            if (evicted) {
                return;
            }
            evicted = true;
            close = references == 0;
        }
        stats.unloaded();
        if (close) {
            onnx.close();
        }
    }

    BatchQueue queue(int height, int width) {
        return queues.computeIfAbsent(new Shape(height, width), s -> new BatchQueue(s.height(), s.width()));
    }

    /** A request waiting for its batch. */
    static final class Pending {
        final float[] input;
        final long enqueuedNanos;
        final CompletableFuture<ModelOutput> future = new CompletableFuture<>();

        Pending(float[] input, long enqueuedNanos) {
            this.input = input;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    private record Shape(int height, int width) {}

    /** The requests of one model and one input shape that wait to be batched. */
    final class BatchQueue {
        private final LoadedModel model = LoadedModel.this;
        private final int height;
        private final int width;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by this
        private boolean drainScheduled; // guarded by this

        BatchQueue(int height, int width) {
            this.height = height;
            this.width = width;
        }

        void add(Pending p) {
            boolean schedule;
            synchronized (this) {
                pending.addLast(p);
                schedule = drainScheduled == false;
                drainScheduled = true;
                if (schedule == false && pending.size() >= model.batchLimit) {
                    notifyAll(); // the waiting drain task can run a full batch now
                }
            }
            if (schedule) {
                scheduleDrain();
            }
        }

        private void scheduleDrain() {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                List<Pending> failed;
                synchronized (this) {
                    failed = new ArrayList<>(pending);
                    pending.clear();
                    drainScheduled = false;
                }
                failRejected(failed, e);
            }
        }

        /**
         * Waits up to max_wait for a full batch, then takes up to {@code batchLimit x spread} queued requests and splits
         * them into at most {@code spread} batches of near-equal size (first ones one larger), run side by side: this
         * thread runs the first, the others are submitted. Requests left over are drained by the next task.
         */
        private void drain() {
            List<List<Pending>> batches;
            boolean more;
            synchronized (this) {
                if (pending.isEmpty()) {
                    drainScheduled = false;
                    return;
                }
                long deadline = pending.peekFirst().enqueuedNanos + maxWaitNanos;
                long remaining;
                while (pending.size() < model.batchLimit && (remaining = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, remaining);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break; // run what we have
                    }
                }
                int take = Math.min(pending.size(), model.batchLimit * model.spread);
                int parts = Math.min(model.spread, take);
                batches = new ArrayList<>(parts);
                for (int b = 0; b < parts; b++) {
                    int n = take / parts + (b < take % parts ? 1 : 0);
                    List<Pending> batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        batch.add(pending.pollFirst());
                    }
                    batches.add(batch);
                }
                more = pending.isEmpty() == false;
                drainScheduled = more;
            }
            if (more) {
                scheduleDrain();
            }
            for (int b = 1; b < batches.size(); b++) {
                submit(batches.get(b));
            }
            run(batches.get(0));
        }

        /** Runs a batch on another inference thread; a rejection fails its requests. */
        private void submit(List<Pending> batch) {
            try {
                executor.execute(() -> run(batch));
            } catch (RejectedExecutionException e) {
                failRejected(batch, e);
            }
        }

        private void failRejected(List<Pending> requests, RejectedExecutionException e) {
            RejectedExecutionException error = InferenceService.rejected("inference of model [" + model.modelId + "]", e);
            for (Pending p : requests) {
                p.future.completeExceptionally(error);
                model.release();
            }
        }

        private void run(List<Pending> batch) {
            try {
                runWithinBudget(batch);
            } finally {
                for (int i = 0; i < batch.size(); i++) {
                    model.release();
                }
            }
        }

        /** Runs a batch whose memory fits, or its images one by one, or fails each with the budget's refusal. */
        private void runWithinBudget(List<Pending> batch) {
            int n = batch.size();
            try {
                runBatch(batch);
            } catch (BudgetRefusal refusal) {
                if (n > 1) {
                    batch.forEach(p -> runWithinBudget(List.of(p)));
                } else {
                    batch.get(0).future.completeExceptionally(refusal.getCause());
                }
            } catch (RuntimeException e) {
                batch.forEach(p -> p.future.completeExceptionally(e));
            } catch (OutOfMemoryError e) {
                RuntimeException error = new IllegalStateException("not enough memory for a batch of " + n + " images of "
                    + height + "x" + width, e);
                batch.forEach(p -> p.future.completeExceptionally(error));
            }
        }

        private void runBatch(List<Pending> batch) {
            int n = batch.size();
            int per = 3 * height * width;
            long inputBytes = 4L * n * per;
            long declared = model.onnx.staticOutputValuesPerImage();
            long estimate = inputBytes + (declared < 0 ? 0 : OnnxModel.outputCopyBytes(declared > Long.MAX_VALUE / n ? Long.MAX_VALUE
                : declared * n, n));
            String label = "a batch of " + n + " inputs of 3x" + height + "x" + width + " and its output, model [" + model.modelId + "]";
            Reservation reservation;
            try {
                reservation = budget.reserve(Math.max(0, estimate), label);
            } catch (RuntimeException e) {
                throw new BudgetRefusal(e);
            }
            OnnxModel.Output out;
            try (reservation) {
                float[] input = new float[n * per];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(batch.get(i).input, 0, input, i * per, per);
                }
                long start = System.nanoTime();
                out = model.onnx.run(input, n, height, width, copy -> {
                    long more = inputBytes > Long.MAX_VALUE - copy ? Long.MAX_VALUE : inputBytes + copy - reservation.bytes();
                    if (more > 0) {
                        try {
                            reservation.grow(more, "the output of " + label);
                        } catch (RuntimeException e) {
                            throw new BudgetRefusal(e);
                        }
                    }
                });
                model.stats.record(n, System.nanoTime() - start);
            }
            // released before completing: what callers do next is theirs to account
            for (int i = 0; i < n; i++) {
                batch.get(i).future.complete(new ModelOutput(out.shape(), out.values()[i]));
            }
        }
    }

    /** The memory budget refused a batch's arrays (the cause is the budget's own exception). */
    private static final class BudgetRefusal extends RuntimeException {
        BudgetRefusal(RuntimeException cause) {
            super(cause);
        }
    }
}
