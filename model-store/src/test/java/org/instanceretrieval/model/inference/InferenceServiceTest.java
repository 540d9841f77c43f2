package org.instanceretrieval.model.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.descriptor.DescriptorExtractor;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.ImageDescriptors;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.descriptor.TestImages;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.instanceOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** The service with real ONNX Runtime sessions of the built-in model and real thread pools. */
public class InferenceServiceTest {

    private static final byte[] DEFAULT_ONNX = DefaultModel.onnx();

    /** Serves the built-in model under any known id and counts fetches. */
    private static final class CountingSource implements ModelSource {
        final List<String> known;
        final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

        CountingSource(String... known) {
            this.known = List.of(known);
        }

        @Override
        public CompletableFuture<ModelDefinition> fetch(String modelId) {
            fetches.computeIfAbsent(modelId, id -> new AtomicInteger()).incrementAndGet();
            if (known.contains(modelId) == false) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown model [" + modelId + "]"));
            }
            // completed later on another thread, as a store read would be
            return CompletableFuture.supplyAsync(() -> new ModelDefinition(DEFAULT_ONNX, null, OutputKind.FEATURE_MAP));
        }

        int fetches(String modelId) {
            AtomicInteger n = fetches.get(modelId);
            return n == null ? 0 : n.get();
        }
    }

    private final List<ExecutorService> executors = new ArrayList<>();
    private final List<InferenceService> services = new ArrayList<>();

    @After
    public void shutdown() throws InterruptedException {
        services.forEach(InferenceService::close);
        for (ExecutorService e : executors) {
            e.shutdownNow();
            assertTrue(e.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private ExecutorService pool(int threads) {
        ExecutorService e = Executors.newFixedThreadPool(threads);
        executors.add(e);
        return e;
    }

    private InferenceService service(InferenceSettings settings, ModelSource source, java.util.concurrent.Executor executor) {
        InferenceService s = new InferenceService(settings, source, executor);
        services.add(s);
        return s;
    }

    private static InferenceSettings cpu(int maxModels, int maxBatch, Duration maxWait) {
        return new InferenceSettings(Device.CPU, maxModels, maxBatch, maxWait, 1);
    }

    private static Throwable failure(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        return failure(future, 30);
    }

    private static Throwable failure(CompletableFuture<?> future, int seconds) throws InterruptedException, TimeoutException {
        try {
            future.get(seconds, TimeUnit.SECONDS); // a hang fails the test instead of blocking it
        } catch (ExecutionException e) {
            return e.getCause();
        }
        fail("expected a failure");
        return null;
    }

    private static float[] tensor(int width, int height, int seed) {
        return TestImages.defaultModelTensor(TestImages.pixels(TestImages.textured(width, height, seed)));
    }

    private static void awaitClosed(OnnxModel model) throws InterruptedException {
        for (int i = 0; i < 500 && model.isClosed() == false; i++) {
            Thread.sleep(10);
        }
        assertTrue("session should be closed", model.isClosed());
    }

    @Test
    public void concurrentRequestsAreBatchedAndGetTheirOwnResults() throws Exception {
        InferenceService service = service(cpu(2, 4, Duration.ofMillis(500)), new CountingSource("default"), pool(2));
        service.load("default").get(30, TimeUnit.SECONDS);
        int n = 10;
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = tensor(48, 40, i);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<CompletableFuture<ModelOutput>>> submitted = new ArrayList<>();
        ExecutorService clients = pool(n);
        for (int i = 0; i < n; i++) {
            float[] input = inputs[i];
            submitted.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return service.infer("default", input, 40, 48);
            }, clients));
        }
        start.countDown();
        try (OnnxModel direct = new OnnxModel(DEFAULT_ONNX, null, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions())) {
            for (int i = 0; i < n; i++) {
                ModelOutput batched = submitted.get(i).get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
                OnnxModel.Output alone = direct.run(inputs[i], 1, 40, 48);
                assertArrayEquals(alone.shape(), batched.shape());
                assertArrayEquals("image " + i, alone.values()[0], batched.values(), 0f);
            }
        }
        ModelStats stats = service.stats("default");
        assertTrue(stats.loaded());
        assertEquals("cpu", stats.device());
        assertEquals(n, stats.inferenceCount());
        long images = 0, batches = 0, multi = 0;
        long[] sizes = stats.batchSizeCounts();
        assertEquals(5, sizes.length); // sizes 0..maxBatchSize
        for (int size = 1; size < sizes.length; size++) {
            images += size * sizes[size];
            batches += sizes[size];
            multi += size > 1 ? sizes[size] : 0;
        }
        assertEquals(n, images);
        assertEquals(stats.batchCount(), batches);
        assertTrue("some batches should hold more than one image: " + java.util.Arrays.toString(sizes), multi > 0);
        assertTrue(sizes[4] >= 1);
        assertTrue(stats.meanLatencyMillis() > 0);
    }

    @Test
    public void descriptorsThroughTheBatchingServiceEqualOneByOneDescriptors() throws Exception {
        InferenceService service = service(cpu(2, 4, Duration.ofMillis(500)), new CountingSource("default"), pool(2));
        TensorLayout layout = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        // a fixed size: every image has the same input shapes, so images share batches
        DescriptorRecipe recipe = DescriptorRecipe.builder().pooling(PoolingSpec.gem()).scales(List.of(1.0, 0.5))
            .resizePolicy(ResizePolicy.fixed(64, 48)).build();
        DescriptorExtractor batched = new DescriptorExtractor(service.model("default"), layout, decoder, pool(2));
        int n = 8;
        List<byte[]> images = new ArrayList<>();
        List<CompletableFuture<ImageDescriptors>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(i % 2 == 0 ? TestImages.png(80 + i, 60, i) : TestImages.jpeg(70, 50 + i, i));
            futures.add(batched.extract(images.get(i), null, recipe));
        }
        try (OnnxModel direct = new OnnxModel(DEFAULT_ONNX, null, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions())) {
            DescriptorExtractor oneByOne = new DescriptorExtractor(ImageModel.direct(direct), layout, decoder, Runnable::run);
            for (int i = 0; i < n; i++) {
                float[] expected = oneByOne.extract(images.get(i), null, recipe).join().descriptor();
                assertArrayEquals("image " + i, expected, futures.get(i).get(30, TimeUnit.SECONDS).descriptor(), 0f);
            }
        }
        ModelStats stats = service.stats("default");
        assertEquals(2 * n, stats.inferenceCount());
        long multi = 0;
        for (int size = 2; size < stats.batchSizeCounts().length; size++) {
            multi += stats.batchSizeCounts()[size];
        }
        assertTrue("batches of more than one image: " + java.util.Arrays.toString(stats.batchSizeCounts()), multi > 0);
    }

    @Test
    public void differentShapesNeverShareABatch() throws Exception {
        InferenceService service = service(cpu(2, 4, Duration.ofSeconds(1)), new CountingSource("default"), pool(2));
        service.load("default").get(30, TimeUnit.SECONDS);
        List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(service.infer("default", tensor(32, 32, i), 32, 32));
            futures.add(service.infer("default", tensor(48, 32, i), 32, 48));
        }
        for (int i = 0; i < 6; i++) {
            long[] shape = futures.get(i).get(30, TimeUnit.SECONDS).shape();
            assertArrayEquals(new long[] { DefaultModel.CHANNELS, 4, i % 2 == 0 ? 4 : 6 }, shape);
        }
        ModelStats stats = service.stats("default");
        assertEquals(2, stats.batchCount());
        assertEquals(2, stats.batchSizeCounts()[3]);
    }

    @Test
    public void aBurstIsSplitIntoOneBatchPerInferenceThreadOnTheCpu() throws Exception {
        // 6 requests queued within max_wait: with 2 inference threads they run as 2 batches of 3 side by side
        // (not one batch of 6 on one thread); with 1, as one batch of 6. Outputs are each image's own.
        for (int parallelism : new int[] { 2, 1 }) {
            InferenceService service = service(new InferenceSettings(Device.CPU, 2, 8, Duration.ofMillis(500), 1, parallelism),
                graph(null, null, null), pool(2));
            service.load("relu").get(30, TimeUnit.SECONDS);
            List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(service.infer("relu", tensor(8, 8, i), 8, 8));
            }
            for (int i = 0; i < 6; i++) {
                float[] input = tensor(8, 8, i);
                float[] out = futures.get(i).get(30, TimeUnit.SECONDS).values();
                for (int j = 0; j < input.length; j++) {
                    assertEquals(Math.max(0f, input[j]), out[j], 0f);
                }
            }
            long[] sizes = service.stats("relu").batchSizeCounts();
            if (parallelism == 2) {
                assertEquals(java.util.Arrays.toString(sizes), 2, sizes[3]);
                assertEquals(2, service.stats("relu").batchCount());
            } else {
                assertEquals(java.util.Arrays.toString(sizes), 1, sizes[6]);
                assertEquals(1, service.stats("relu").batchCount());
            }
        }
    }

    @Test
    public void inputsBelowTheDefinitionsMinimumSideAreRefusedBeforeOnnxRuntime() throws Exception {
        byte[] onnx = new org.instanceretrieval.model.onnx.OnnxGraphWriter("relu").input("x", null, 3L, null, null)
            .output("y", null, 3L, null, null).node("Relu", List.of("x"), List.of("y")).build("test", "");
        InferenceService service = service(cpu(2, 4, Duration.ZERO),
            id -> CompletableFuture.completedFuture(new ModelDefinition(onnx, null, OutputKind.FEATURE_MAP, 43)), pool(2));
        Throwable small = failure(service.infer("relu", tensor(24, 32, 0), 24, 32));
        assertEquals("model [relu] needs inputs of at least 43x43 pixels but the image was sized 32x24 (width x height, after "
            + "resizing and scaling); use a larger image or another model", small.getMessage());
        assertEquals(0, service.stats("relu").batchCount());
        assertEquals(3 * 43 * 43, service.infer("relu", tensor(43, 43, 1), 43, 43).get(30, TimeUnit.SECONDS).values().length);
        assertEquals("minimum input side must be at least 1 but was [0]", assertThrows(IllegalArgumentException.class,
            () -> new ModelDefinition(onnx, null, OutputKind.FEATURE_MAP, 0)).getMessage());
    }

    @Test
    public void cpuParallelismMustBePositive() {
        assertEquals("[cpu_parallelism] must be at least 1 but was [0]", assertThrows(IllegalArgumentException.class,
            () -> new InferenceSettings(Device.CPU, 1, 8, Duration.ZERO, 1, 0)).getMessage());
    }

    private static ModelSource graph(Long batch, Long height, Long width) {
        byte[] onnx = new org.instanceretrieval.model.onnx.OnnxGraphWriter("relu").input("x", batch, 3L, height, width)
            .output("y", batch, 3L, height, width).node("Relu", List.of("x"), List.of("y")).build("test", "");
        return id -> CompletableFuture.completedFuture(new ModelDefinition(onnx, null, OutputKind.FEATURE_MAP));
    }

    @Test
    public void networksExportedWithAFixedBatchOrSizeAreHandled() throws Exception {
        // batch fixed to 1 (torch.onnx.export without dynamic axes): concurrent requests run one by one
        InferenceService fixedOne = service(cpu(2, 4, Duration.ofMillis(300)), graph(1L, null, null), pool(2));
        List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(fixedOne.infer("relu", tensor(8, 8, i), 8, 8));
        }
        for (int i = 0; i < 4; i++) {
            float[] input = tensor(8, 8, i);
            float[] out = futures.get(i).get(30, TimeUnit.SECONDS).values();
            for (int j = 0; j < input.length; j++) {
                assertEquals(Math.max(0f, input[j]), out[j], 0f);
            }
        }
        assertEquals(4, fixedOne.stats("relu").batchSizeCounts()[1]);
        assertEquals(4, fixedOne.stats("relu").batchCount());

        Throwable e = failure(service(cpu(2, 4, Duration.ZERO), graph(2L, null, null), pool(1)).load("pairs"));
        assertEquals("model [pairs] has a fixed batch size of 2; export it with a dynamic batch axis (or a batch size of 1)", e.getMessage());

        InferenceService fixedSize = service(cpu(2, 4, Duration.ZERO), graph(null, 8L, 12L), pool(1));
        e = failure(fixedSize.infer("small", tensor(16, 16, 0), 16, 16));
        assertEquals("model [small] takes a fixed input of 12x8 (width x height) but the image was sized 16x16; "
            + "set the recipe's [size] to that fixed size", e.getMessage());
        assertArrayEquals(new long[] { 3, 8, 12 }, fixedSize.infer("small", tensor(12, 8, 0), 8, 12).get(30, TimeUnit.SECONDS).shape());
    }

    @Test
    public void leastRecentlyUsedModelIsEvictedAndItsSessionClosed() throws Exception {
        CountingSource source = new CountingSource("a", "b", "c");
        InferenceService service = service(cpu(2, 4, Duration.ZERO), source, pool(2));
        service.load("a").get(30, TimeUnit.SECONDS);
        service.load("b").get(30, TimeUnit.SECONDS);
        OnnxModel a = service.loadedSession("a");
        OnnxModel b = service.loadedSession("b");
        assertNotNull(a);
        assertNotNull(b);
        service.infer("a", tensor(16, 16, 1), 16, 16).get(30, TimeUnit.SECONDS); // a is now the most recently used
        service.load("c").get(30, TimeUnit.SECONDS);

        assertEquals(List.of("a", "c"), service.cachedModelIds());
        awaitClosed(b);
        assertFalse(a.isClosed());
        assertFalse(service.stats("b").loaded());
        assertTrue(service.stats("a").loaded());
        assertEquals(1, service.stats("a").inferenceCount());

        // b is loaded again on demand
        service.infer("b", tensor(16, 16, 2), 16, 16).get(30, TimeUnit.SECONDS);
        assertEquals(2, source.fetches("b"));
        assertEquals(List.of("c", "b"), service.cachedModelIds());
        awaitClosed(a);
    }

    @Test
    public void invalidateClosesAndDropsTheModelOnceItsQueuedRequestsRan() throws Exception {
        CountingSource source = new CountingSource("m");
        InferenceService service = service(cpu(4, 4, Duration.ofMillis(300)), source, pool(1));
        service.load("m").get(30, TimeUnit.SECONDS);
        OnnxModel session = service.loadedSession("m");
        CompletableFuture<ModelOutput> queued = service.infer("m", tensor(16, 16, 3), 16, 16); // waits up to 300 ms for a batch
        service.invalidate("m");
        assertEquals(List.of(), service.cachedModelIds());
        assertNull(service.loadedSession("m"));
        assertFalse("a queued request keeps the session open", session.isClosed());
        assertArrayEquals(new long[] { DefaultModel.CHANNELS, 2, 2 }, queued.get(30, TimeUnit.SECONDS).shape());
        awaitClosed(session);
        ModelStats stats = service.stats("m");
        assertFalse(stats.loaded());
        assertEquals(0, stats.inferenceCount()); // invalidation resets the stats

        service.infer("m", tensor(16, 16, 3), 16, 16).get(30, TimeUnit.SECONDS);
        assertEquals(2, source.fetches("m"));
    }

    @Test
    public void failedLoadsAreReportedAndNotCached() throws Exception {
        CountingSource source = new CountingSource("default");
        InferenceService service = service(cpu(2, 4, Duration.ZERO), source, pool(1));
        for (int attempt = 1; attempt <= 2; attempt++) {
            Throwable e = failure(service.infer("missing", tensor(16, 16, 0), 16, 16));
            assertEquals("unknown model [missing]", e.getMessage());
            assertEquals(attempt, source.fetches("missing"));
        }
        assertEquals(List.of(), service.cachedModelIds());
        assertFalse(service.stats("missing").loaded());

        ModelSource notAModel = id -> CompletableFuture.completedFuture(new ModelDefinition(new byte[] { 1, 2, 3 }, null, OutputKind.FEATURE_MAP));
        Throwable e = failure(service(cpu(2, 4, Duration.ZERO), notAModel, pool(1)).load("junk"));
        assertThat(e.getMessage(), containsString("ONNX Runtime cannot load the model"));
        ModelSource wrongKind = id -> CompletableFuture.completedFuture(new ModelDefinition(DEFAULT_ONNX, null, OutputKind.VECTOR));
        e = failure(service(cpu(2, 4, Duration.ZERO), wrongKind, pool(1)).load("v"));
        assertThat(e.getMessage(), containsString("does not fit the declared kind VECTOR"));
        assertThat(failure(service.infer("default", new float[5], 16, 16)).getMessage(),
            containsString("input tensor must hold 3 x 16 x 16 values but holds 5"));
    }

    /** How long a first CUDA attempt may take: the GPU build extracts its CUDA provider library (583 MB) first. */
    private static final int CUDA_FIRST_USE_SECONDS = 300;

    /**
     * Whether CUDA can really run here: the ONNX Runtime build has the provider ({@code -Pgpu}) and the
     * machine has an NVIDIA device. The GPU build lists CUDA among its providers on any machine, so the
     * provider list alone would skip the fallback tests exactly in the build that must run them.
     */
    private static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA) && java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidia0"));
    }

    @Test
    public void cudaWithoutAGpuIsAClearError() throws Exception {
        Assume.assumeFalse("this machine has CUDA", cudaAvailable());
        InferenceSettings settings = new InferenceSettings(Device.CUDA, 2, 4, Duration.ZERO, 1);
        InferenceService service = service(settings, new CountingSource("default"), pool(1));
        // The GPU build (-Pgpu) first extracts its 583 MB CUDA provider library from the jar: minutes on a loaded machine.
        Throwable e = failure(service.infer("default", tensor(16, 16, 0), 16, 16), CUDA_FIRST_USE_SECONDS);
        assertThat(e, instanceOf(IllegalArgumentException.class));
        assertThat(e.getMessage(), containsString("model [default] cannot run on device [cuda]: "));
        assertThat(e.getMessage(), containsString("CUDA"));
        assertThat(e.getMessage(), containsString("use device [auto] or [cpu], or install the GPU build of the plugin"));
        assertEquals(List.of(), service.cachedModelIds());
    }

    @Test
    public void autoFallsBackToTheCpuWithExactlyOneWarning() throws Exception {
        Assume.assumeFalse("this machine has CUDA", cudaAvailable());
        Logger logger = Logger.getLogger(InferenceService.class.getName());
        List<LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            InferenceSettings settings = InferenceSettings.defaults();
            assertEquals(Device.AUTO, settings.device());
            InferenceService service = service(settings, new CountingSource("a", "b"), pool(2));
            service.infer("a", tensor(16, 16, 0), 16, 16).get(CUDA_FIRST_USE_SECONDS, TimeUnit.SECONDS);
            service.infer("b", tensor(16, 16, 0), 16, 16).get(30, TimeUnit.SECONDS);
            assertEquals("cpu", service.stats("a").device());
            assertEquals("cpu", service.stats("b").device());
            assertEquals(1, warnings.size());
            assertThat(warnings.get(0).getMessage(), containsString("device [auto]: CUDA is not available ("));
            assertThat(warnings.get(0).getMessage(), containsString("running models on the CPU"));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    public void rejectedLoadIsAnErrorNotAHang() throws Exception {
        InferenceService service = service(cpu(2, 4, Duration.ZERO), new CountingSource("default"),
            r -> { throw new RejectedExecutionException("queue capacity 0"); });
        Throwable e = failure(service.infer("default", tensor(16, 16, 0), 16, 16));
        assertThat(e, instanceOf(RejectedExecutionException.class));
        assertEquals("loading model [default] was rejected: the inference thread pool is busy and its queue is full (queue capacity 0)",
            e.getMessage());
        assertEquals(List.of(), service.cachedModelIds());
    }

    @Test
    public void rejectedInferenceIsAnErrorAndTheServiceRecovers() throws Exception {
        ThreadPoolExecutor bounded = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
        executors.add(bounded);
        InferenceService service = service(cpu(2, 4, Duration.ZERO), new CountingSource("default"), bounded);
        service.load("default").get(30, TimeUnit.SECONDS);
        OnnxModel session = service.loadedSession("default");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bounded.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS)); // the only thread is busy (the load task has returned)
        bounded.execute(() -> {}); // the queue (capacity 1) is now full
        Throwable e = failure(service.infer("default", tensor(16, 16, 0), 16, 16));
        assertThat(e, instanceOf(RejectedExecutionException.class));
        assertThat(e.getMessage(), containsString("inference of model [default] was rejected: the inference thread pool is busy and its queue is full"));
        release.countDown();
        for (int i = 0; i < 3000 && bounded.getCompletedTaskCount() < 3; i++) { // load, blocker, filler
            Thread.sleep(10);
        }
        assertEquals(3, bounded.getCompletedTaskCount());

        assertArrayEquals(new long[] { DefaultModel.CHANNELS, 2, 2 },
            service.infer("default", tensor(16, 16, 0), 16, 16).get(30, TimeUnit.SECONDS).shape());
        assertEquals(1, service.stats("default").inferenceCount());
        service.invalidate("default");
        awaitClosed(session); // the rejected request released its hold on the session
    }

    @Test
    public void settingsAreValidatedNamingTheSetting() {
        assertEquals("[max_batch_size] must be between 1 and 256 but was [0]", assertThrows(IllegalArgumentException.class,
            () -> new InferenceSettings(Device.CPU, 1, 0, Duration.ZERO, 0)).getMessage());
        assertEquals("[max_models] must be at least 1 but was [0]", assertThrows(IllegalArgumentException.class,
            () -> new InferenceSettings(Device.CPU, 0, 8, Duration.ZERO, 0)).getMessage());
        assertThat(assertThrows(IllegalArgumentException.class,
            () -> new InferenceSettings(Device.CPU, 1, 8, Duration.ofSeconds(2), 0)).getMessage(), containsString("[max_wait]"));
        assertThat(assertThrows(IllegalArgumentException.class,
            () -> new InferenceSettings(Device.CPU, 1, 8, Duration.ZERO, -1)).getMessage(), containsString("[intra_op_threads]"));
        assertEquals("unknown [device] [gpu], expected one of [auto, cpu, cuda]",
            assertThrows(IllegalArgumentException.class, () -> Device.fromId("gpu")).getMessage());
        assertEquals(Device.CUDA, Device.fromId("cuda"));
        InferenceSettings d = InferenceSettings.defaults();
        assertEquals(8, d.maxBatchSize());
        assertEquals(Duration.ofMillis(2), d.maxWait());
    }

    @Test
    public void closedServiceRefusesWork() throws Exception {
        InferenceService service = service(cpu(2, 4, Duration.ZERO), new CountingSource("default"), pool(1));
        service.load("default").get(30, TimeUnit.SECONDS);
        OnnxModel session = service.loadedSession("default");
        service.close();
        awaitClosed(session);
        assertEquals("the inference service is closed", failure(service.infer("default", tensor(16, 16, 0), 16, 16)).getMessage());
    }
}
