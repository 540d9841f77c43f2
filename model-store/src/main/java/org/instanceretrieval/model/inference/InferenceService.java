package org.instanceretrieval.model.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.model.onnx.OnnxModel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs ONNX models for one node: a bounded cache of loaded sessions and micro-batching of
 * concurrent requests. Thread-safe; one instance per node.
 *
 * <p><b>Cache.</b> Models are loaded lazily on first use through the caller's {@link ModelSource}
 * and kept in an LRU cache of at most {@link InferenceSettings#maxModels()} models. An evicted
 * or {@link #invalidate invalidated} model's session is closed as soon as the batches already
 * queued on it have run; requests arriving later load it again. A failed load is not cached:
 * the next request tries again (a model may become complete in the meantime).
 *
 * <p><b>Device.</b> {@code cpu} uses ONNX Runtime's CPU provider; {@code cuda} appends the CUDA
 * provider ({@code SessionOptions.addCUDA(0)}) and fails the load with a clear error when this
 * ONNX Runtime build or the machine has no CUDA; {@code auto} tries CUDA and falls back to the
 * CPU, logging exactly one warning per service through {@link System.Logger}.
 *
 * <p><b>Micro-batching.</b> Requests for the same model and the same input height and width
 * queue together. The first request of a batch submits a task to the inference executor; that
 * task waits until {@link InferenceSettings#maxBatchSize()} requests are queued or
 * {@link InferenceSettings#maxWait()} has passed since the first one arrived, then runs them
 * as one ONNX Runtime call and completes every request with its own slice of the output
 * (another task is submitted first if requests remain, so batches of one shape can run in
 * parallel on several threads). On the CPU the queued requests are split into up to {@link
 * InferenceSettings#cpuParallelism()} near-equal batches run side by side, so a burst keeps every inference thread busy. The wait happens on an inference thread, so no timer thread
 * is needed. A network exported with a fixed batch of 1 (PyTorch's export default) runs one
 * image per call; one with a fixed batch above 1 is refused at load; one with a fixed height
 * and width fails requests of another size with an error naming the size to configure.
 *
 * <p><b>Threads.</b> Model loading (session creation) and inference run on the caller-supplied
 * {@code inferenceExecutor} (in Elasticsearch a fixed pool of the plugin's own with a bounded
 * queue). When it rejects a task, the affected requests complete exceptionally with a
 * {@link RejectedExecutionException} saying the inference queue is full: nothing waits
 * forever. Result futures are completed on the inference thread; callers that do heavy work
 * in dependent stages should move it to their own executor ({@code thenApplyAsync}), as
 * {@link org.instanceretrieval.model.descriptor.DescriptorExtractor} does. Decoding and
 * resizing are not done here at all.
 *
 * <p><b>Memory.</b> A model whose declared output for one image is larger than the
 * {@link MemoryBudget}'s limit is refused at load ({@link ModelLoadCheck}). Each batch reserves, before
 * allocating, its packed input array and its output copies sized from the declared output shape
 * ({@link OnnxModel#outputCopyBytes}); after the run, before the output is copied onto the heap, the
 * reservation grows to the real output's size (dynamic dimensions). When a batch of several images does
 * not fit, its images run one by one; when one image does not fit, its request completes with the
 * budget's exception. The reservation is released when the batch's requests are completed.
 */
public final class InferenceService implements AutoCloseable {

    private static final System.Logger LOGGER = System.getLogger(InferenceService.class.getName());
    /** How often a request retries when its model is evicted between loading and queueing. */
    private static final int MAX_ATTEMPTS = 3;

    private final InferenceSettings settings;
    private final ModelSource source;
    private final Executor executor;
    private final long maxWaitNanos;
    private final MemoryBudget budget;

    private final Object cacheLock = new Object();
    /** Access-ordered: iteration starts at the least recently used model. Guarded by {@link #cacheLock}. */
    private final LinkedHashMap<String, CacheEntry> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final ConcurrentHashMap<String, ModelStatsCounter> stats = new ConcurrentHashMap<>();
    private final AtomicBoolean cpuFallbackWarned = new AtomicBoolean();
    private boolean closed; // guarded by cacheLock

    /**
     * @param settings          device, cache size and batching limits
     * @param source            fetches a model's definition when it is not loaded
     * @param inferenceExecutor runs session creation and inference; may reject (bounded queue)
     */
    public InferenceService(InferenceSettings settings, ModelSource source, Executor inferenceExecutor) {
        this(settings, source, inferenceExecutor, MemoryBudget.UNLIMITED);
    }

    /** @param budget charged for each batch's input and output arrays (see the class doc) */
    public InferenceService(InferenceSettings settings, ModelSource source, Executor inferenceExecutor, MemoryBudget budget) {
        if (settings == null || source == null || inferenceExecutor == null || budget == null) {
            throw new IllegalArgumentException("settings, model source, executor and memory budget are required");
        }
        this.budget = budget;
        this.settings = settings;
        this.source = source;
        this.executor = inferenceExecutor;
        this.maxWaitNanos = settings.maxWait().toNanos();
    }

    /** The settings this service was created with. */
    public InferenceSettings settings() {
        return settings;
    }

    /** The model {@code modelId} as an {@link ImageModel}; nothing is loaded until the first call. */
    public ImageModel model(String modelId) {
        return (chw, height, width) -> infer(modelId, chw, height, width);
    }

    /**
     * Runs one image through a model, batched with concurrent requests of the same shape.
     *
     * @param chw the {@code [3, height, width]} tensor; not modified
     * @return the model's output for this image; completes exceptionally when the model cannot be
     *     loaded, the executor rejects the work, or ONNX Runtime fails
     */
    public CompletableFuture<ModelOutput> infer(String modelId, float[] chw, int height, int width) {
        if (height < 1 || width < 1 || chw == null || chw.length != 3L * height * width) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("input tensor must hold 3 x " + height + " x " + width
                + " values but holds " + (chw == null ? 0 : chw.length)));
        }
        return infer(modelId, chw, height, width, 1);
    }

    private CompletableFuture<ModelOutput> infer(String modelId, float[] chw, int height, int width, int attempt) {
        return getOrLoad(modelId).thenCompose(model -> {
            if (model.retain() == false) {
                if (attempt >= MAX_ATTEMPTS) {
                    return CompletableFuture.failedFuture(new IllegalStateException("model [" + modelId + "] was evicted from the cache "
                        + attempt + " times before it could run; more models are in use than the cache holds (max_models="
                        + settings.maxModels() + ")"));
                }
                return infer(modelId, chw, height, width, attempt + 1);
            }
            String refused = model.inputSizeRefusal(height, width);
            if (refused != null) {
                model.release();
                return CompletableFuture.failedFuture(new IllegalArgumentException(refused));
            }
            LoadedModel.Pending pending = new LoadedModel.Pending(chw, System.nanoTime());
            model.queue(height, width).add(pending);
            return pending.future;
        });
    }

    /** Loads a model now (if it is not loaded) without running it. */
    public CompletableFuture<Void> load(String modelId) {
        return getOrLoad(modelId).thenApply(m -> null);
    }

    /** Closes and drops a model (deleted or replaced): its session closes once its queued batches ran; its stats are reset. */
    public void invalidate(String modelId) {
        CacheEntry entry;
        synchronized (cacheLock) {
            entry = cache.remove(modelId);
        }
        if (entry != null) {
            entry.evict();
        }
        stats.remove(modelId);
    }

    /** Ids of the models in the cache, least recently used first. */
    public List<String> cachedModelIds() {
        synchronized (cacheLock) {
            return List.copyOf(cache.keySet());
        }
    }

    /** This node's statistics for a model (all zero, not loaded, for a model never loaded here). */
    public ModelStats stats(String modelId) {
        ModelStatsCounter s = stats.get(modelId);
        if (s == null) {
            return new ModelStats(modelId, false, null, 0, 0, 0, new long[settings.maxBatchSize() + 1]);
        }
        return s.snapshot(modelId);
    }

    /** Evicts every model; later requests fail. */
    @Override
    public void close() {
        List<CacheEntry> entries;
        synchronized (cacheLock) {
            closed = true;
            entries = new ArrayList<>(cache.values());
            cache.clear();
        }
        entries.forEach(CacheEntry::evict);
    }

    /** The loaded session of a model, or {@code null}: for tests of eviction. */
    OnnxModel loadedSession(String modelId) {
        synchronized (cacheLock) {
            for (CacheEntry e : cache.values()) { // values() does not change the access order, get() would
                if (e.modelId.equals(modelId) && e.future.isDone() && e.future.isCompletedExceptionally() == false) {
                    return e.future.join().onnx;
                }
            }
        }
        return null;
    }

    // ---- cache ----

    private CompletableFuture<LoadedModel> getOrLoad(String modelId) {
        CacheEntry entry;
        boolean start = false;
        List<CacheEntry> evicted = new ArrayList<>();
        synchronized (cacheLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the inference service is closed"));
            }
            entry = cache.get(modelId);
            if (entry == null) {
                entry = new CacheEntry(modelId);
                cache.put(modelId, entry);
                start = true;
                Iterator<CacheEntry> lru = cache.values().iterator();
                while (cache.size() > settings.maxModels() && lru.hasNext()) {
                    CacheEntry candidate = lru.next();
                    if (candidate != entry) {
                        lru.remove();
                        evicted.add(candidate);
                    }
                }
            }
        }
        evicted.forEach(CacheEntry::evict);
        if (start) {
            startLoad(entry);
        }
        return entry.future;
    }

    private void startLoad(CacheEntry entry) {
        CompletableFuture<ModelDefinition> definition;
        try {
            definition = source.fetch(entry.modelId);
            if (definition == null) {
                throw new IllegalStateException("the model source returned no future for [" + entry.modelId + "]");
            }
        } catch (RuntimeException e) {
            definition = CompletableFuture.failedFuture(e);
        }
        definition.whenComplete((def, error) -> {
            if (error != null) {
                failLoad(entry, unwrap(error));
                return;
            }
            try {
                executor.execute(() -> {
                    try {
                        LoadedModel model = createModel(entry.modelId, def);
                        entry.future.complete(model);
                        if (entry.evicted) {
                            model.evict(); // evicted while loading: nobody will ask this entry again
                        }
                    } catch (RuntimeException e) {
                        failLoad(entry, e);
                    }
                });
            } catch (RejectedExecutionException e) {
                failLoad(entry, rejected("loading model [" + entry.modelId + "]", e));
            }
        });
    }

    private void failLoad(CacheEntry entry, Throwable error) {
        synchronized (cacheLock) {
            cache.remove(entry.modelId, entry);
        }
        entry.future.completeExceptionally(error);
    }

    private LoadedModel createModel(String modelId, ModelDefinition def) {
        OnnxModel onnx = null;
        String device = "cpu";
        if (settings.device() != Device.CPU) {
            try {
                onnx = createSession(def, true);
                device = "cuda";
            } catch (CudaUnavailableException e) {
                if (settings.device() == Device.CUDA) {
                    throw new IllegalArgumentException("model [" + modelId + "] cannot run on device [cuda]: " + e.getMessage()
                        + "; use device [auto] or [cpu], or install the GPU build of the plugin on a node with CUDA", e);
                }
                if (cpuFallbackWarned.compareAndSet(false, true)) {
                    LOGGER.log(System.Logger.Level.WARNING, "device [auto]: CUDA is not available (" + e.getMessage()
                        + "); running models on the CPU. This warning is logged once.");
                }
            }
        }
        if (onnx == null) {
            onnx = createSession(def, false);
        }
        int fixedBatch = onnx.fixedBatchSize();
        try {
            ModelLoadCheck.checkBatch(modelId, onnx);
            ModelLoadCheck.checkOutputFits(modelId, onnx, budget);
        } catch (RuntimeException e) {
            onnx.close();
            throw e;
        }
        ModelStatsCounter counter = stats.computeIfAbsent(modelId, id -> new ModelStatsCounter(settings.maxBatchSize()));
        return new LoadedModel(modelId, onnx, device, counter, fixedBatch == 1 ? 1 : settings.maxBatchSize(), executor, maxWaitNanos,
            "cuda".equals(device) ? 1 : settings.cpuParallelism(), def.minInputSide(), budget);
    }

    private OnnxModel createSession(ModelDefinition def, boolean cuda) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (cuda) {
                try {
                    options.addCUDA(0);
                } catch (OrtException | RuntimeException | LinkageError e) {
                    throw new CudaUnavailableException(e.getMessage(), e);
                }
                try {
                    return new OnnxModel(def.onnx(), def.outputName(), def.outputKind(), options);
                } catch (IllegalArgumentException e) {
                    // The GPU build accepts addCUDA on a machine without a GPU and fails here instead.
                    if (String.valueOf(e.getMessage()).contains("CUDA")) {
                        throw new CudaUnavailableException(e.getMessage(), e);
                    }
                    throw e;
                }
            }
            return new OnnxModel(def.onnx(), def.outputName(), def.outputKind(), options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot configure an ONNX Runtime session: " + e.getMessage(), e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static RejectedExecutionException rejected(String what, RejectedExecutionException cause) {
        return new RejectedExecutionException(what + " was rejected: the inference thread pool is busy and its queue is full ("
            + cause.getMessage() + ")", cause);
    }

    /** The CUDA execution provider cannot be used here. */
    private static final class CudaUnavailableException extends RuntimeException {
        CudaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A cache slot: the model's load, shared by every request that arrives while it runs. */
    private static final class CacheEntry {
        final String modelId;
        final CompletableFuture<LoadedModel> future = new CompletableFuture<>();
        volatile boolean evicted;

        CacheEntry(String modelId) {
            this.modelId = modelId;
        }

        /** Marks the slot evicted and evicts its model if loaded; the loader evicts it otherwise (both may: idempotent). */
        void evict() {
            evicted = true;
            if (future.isDone() && future.isCompletedExceptionally() == false) {
                future.join().evict();
            }
        }
    }

}
