package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.elasticsearch.threadpool.ThreadPool;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.inference.Device;
import org.instanceretrieval.model.inference.InferenceService;
import org.instanceretrieval.model.inference.InferenceSettings;
import org.instanceretrieval.model.inference.ModelDefinition;
import org.instanceretrieval.model.inference.ModelSource;
import org.instanceretrieval.model.inference.ModelStats;

import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One node's inference: the {@link InferenceService} (ONNX sessions, micro-batching) loading
 * models from the {@link ModelStore}, the image decoder, and the two thread pools of the plugin.
 * Created once per node in {@code createComponents}; closed with the plugin.
 *
 * <p><b>Threads.</b> ONNX Runtime calls and session creation run on the fixed pool
 * {@value #INFERENCE_POOL} (size = allocated processors, bounded queue): its threads also wait
 * up to {@code max_wait} for a batch to fill. Decoding, resizing, tensor building and pooling
 * run on the fixed pool {@value #IMAGE_POOL} (same size, bounded queue), so a burst of large
 * images does not hold up the network and an inference thread never decodes. Both pools reject
 * when their queue is full; the document then fails with the rejection (429), nothing waits
 * forever. Tasks submitted to these pools carry the submitter's {@code ThreadContext}
 * (Elasticsearch's executors preserve it).
 *
 * <p><b>Settings</b> (node scope, static):
 * {@code thread_pool.instance_retrieval_inference.size|queue_size},
 * {@code thread_pool.instance_retrieval_image.size|queue_size} (registered by the pools),
 * {@code instance_retrieval.inference.device} ({@code auto}), {@code .max_batch_size} (8),
 * {@code .max_wait} (2ms), {@code .cache_size} (4 models), {@code .intra_op_threads} (1: the pool
 * already runs one call per core), {@code instance_retrieval.image.max_pixels} (64 Mi). The images queued for one CPU
 * batch are split into up to (inference pool size) batches run side by side ({@link InferenceSettings#cpuParallelism()}),
 * so a bulk's burst keeps every inference thread busy.
 */
public final class NodeInference implements Closeable {

    public static final String INFERENCE_POOL = "instance_retrieval_inference";
    public static final String IMAGE_POOL = "instance_retrieval_image";
    static final int DEFAULT_QUEUE_SIZE = 1000;

    public static final Setting<String> DEVICE = Setting.simpleString("instance_retrieval.inference.device", "auto", value -> Device.fromId(value),
        Setting.Property.NodeScope);
    public static final Setting<Integer> MAX_BATCH_SIZE = Setting.intSetting("instance_retrieval.inference.max_batch_size",
        InferenceSettings.DEFAULT_MAX_BATCH_SIZE, 1, InferenceSettings.MAX_BATCH_SIZE_LIMIT, Setting.Property.NodeScope);
    public static final Setting<TimeValue> MAX_WAIT = Setting.timeSetting("instance_retrieval.inference.max_wait",
        TimeValue.timeValueMillis(InferenceSettings.DEFAULT_MAX_WAIT.toMillis()), TimeValue.ZERO,
        TimeValue.timeValueMillis(InferenceSettings.MAX_WAIT_LIMIT.toMillis()), Setting.Property.NodeScope);
    public static final Setting<Integer> CACHE_SIZE = Setting.intSetting("instance_retrieval.inference.cache_size",
        InferenceSettings.DEFAULT_MAX_MODELS, 1, 1000, Setting.Property.NodeScope);
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.intSetting("instance_retrieval.inference.intra_op_threads", 1, 0, 1024,
        Setting.Property.NodeScope);
    public static final Setting<Long> MAX_PIXELS = Setting.longSetting("instance_retrieval.image.max_pixels", ImageDecoder.DEFAULT_MAX_PIXELS, 1,
        Setting.Property.NodeScope);

    private final InferenceSettings defaults;
    private final ModelSource source;
    private final Executor inferenceExecutor;
    /** One service per device a processor asked for; the node's default device is created first. */
    private final Map<Device, InferenceService> services = new ConcurrentHashMap<>();
    private final ImageDecoder decoder;
    private final Executor imageExecutor;
    private final MemoryBudget budget;
    private volatile boolean closed;

    private NodeInference(InferenceSettings defaults, ModelSource source, Executor inferenceExecutor, ImageDecoder decoder,
                          Executor imageExecutor, MemoryBudget budget) {
        this.budget = budget;
        this.defaults = defaults;
        this.source = source;
        this.inferenceExecutor = inferenceExecutor;
        this.decoder = decoder;
        this.imageExecutor = imageExecutor;
    }

    /** The plugin's settings (the pools register theirs through {@link #executorBuilders}). */
    public static List<Setting<?>> settings() {
        return List.of(DEVICE, MAX_BATCH_SIZE, MAX_WAIT, CACHE_SIZE, INTRA_OP_THREADS, MAX_PIXELS);
    }

    /** The two fixed pools, sized to the allocated processors, with bounded queues. */
    public static List<ExecutorBuilder<?>> executorBuilders(Settings settings) {
        int processors = EsExecutors.allocatedProcessors(settings);
        return List.of(
            new FixedExecutorBuilder(settings, INFERENCE_POOL, processors, DEFAULT_QUEUE_SIZE, "thread_pool." + INFERENCE_POOL,
                EsExecutors.TaskTrackingConfig.DO_NOT_TRACK),
            new FixedExecutorBuilder(settings, IMAGE_POOL, processors, DEFAULT_QUEUE_SIZE, "thread_pool." + IMAGE_POOL,
                EsExecutors.TaskTrackingConfig.DO_NOT_TRACK)
        );
    }

    /**
     * Creates the node's inference: the service loads definitions from {@code store}; the store's
     * invalidations (model deleted, feature reset) drop the sessions; {@code stats} reads the
     * service's counters; decoded images, tensors and model outputs are charged to {@code budget} (the
     * node's {@code retrieval} circuit breaker).
     */
    public static NodeInference create(Settings settings, ThreadPool threadPool, CachingModelStore store, ModelUsageStatsRegistry stats,
                                       MemoryBudget budget) {
        InferenceSettings inferenceSettings = new InferenceSettings(
            Device.fromId(DEVICE.get(settings)),
            CACHE_SIZE.get(settings),
            MAX_BATCH_SIZE.get(settings),
            Duration.ofMillis(MAX_WAIT.get(settings).millis()),
            INTRA_OP_THREADS.get(settings),
            threadPool.info(INFERENCE_POOL).getMax()
        );
        NodeInference inference = new NodeInference(inferenceSettings, storeSource(store), threadPool.executor(INFERENCE_POOL),
            new ImageDecoder(MAX_PIXELS.get(settings)), threadPool.executor(IMAGE_POOL), budget);
        store.addInvalidationListener(inference::invalidate);
        stats.setProvider(inference::usageStats);
        return inference;
    }

    /** Drops a model's sessions (all models for null) on every device. */
    void invalidate(String modelId) {
        for (InferenceService service : services.values()) {
            if (modelId == null) {
                service.cachedModelIds().forEach(service::invalidate);
            } else {
                service.invalidate(modelId);
            }
        }
    }

    /**
     * This node's use of a model over every device: loaded if a session is loaded on one (its
     * device reported; several joined by a comma), counts summed, latency weighted by batches.
     */
    ModelUsageStats usageStats(String modelId) {
        boolean loaded = false;
        StringBuilder devices = new StringBuilder();
        long images = 0, batches = 0;
        double latencySum = 0;
        Map<Integer, Long> sizes = new TreeMap<>();
        for (InferenceService service : services.values()) {
            ModelStats s = service.stats(modelId);
            if (s.loaded()) {
                loaded = true;
                devices.append(devices.length() == 0 ? "" : ",").append(s.device());
            }
            images += s.inferenceCount();
            batches += s.batchCount();
            latencySum += s.meanLatencyMillis() * s.batchCount();
            long[] counts = s.batchSizeCounts();
            for (int n = 1; n < counts.length; n++) {
                if (counts[n] > 0) {
                    sizes.merge(n, counts[n], Long::sum);
                }
            }
        }
        return ModelUsageStats.of(loaded, loaded ? devices.toString() : null, images, batches == 0 ? 0 : latencySum / batches, sizes);
    }

    /** Reads a model's configuration (output name and kind) and its whole verified definition from the store. */
    static ModelSource storeSource(ModelStore store) {
        return modelId -> {
            CompletableFuture<ModelDefinition> future = new CompletableFuture<>();
            store.getModel(modelId, ActionListener.wrap(
                model -> store.readDefinition(modelId, ActionListener.wrap(
                    bytes -> future.complete(model.config().definition(bytes)),
                    future::completeExceptionally
                )),
                future::completeExceptionally
            ));
            return future;
        };
    }

    /** The node's default device. */
    public Device defaultDevice() {
        return defaults.device();
    }

    /** The inference service of a device ({@code null}: the node's default), created on first use. */
    public InferenceService service(Device device) {
        Device d = device == null ? defaults.device() : device;
        if (closed) {
            throw new IllegalStateException("the node's inference is closed");
        }
        return services.computeIfAbsent(d, k -> new InferenceService(defaults.withDevice(k), source, inferenceExecutor, budget));
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** What decoding, tensors and model outputs are charged to: the node's {@code retrieval} breaker. */
    public MemoryBudget budget() {
        return budget;
    }

    /** Runs decoding, resizing and pooling. */
    public Executor imageExecutor() {
        return imageExecutor;
    }

    @Override
    public void close() {
        closed = true;
        services.values().forEach(InferenceService::close);
    }
}
