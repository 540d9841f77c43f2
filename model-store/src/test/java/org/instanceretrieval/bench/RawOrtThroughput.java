package org.instanceretrieval.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.image.BilinearResize;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw ONNX Runtime baseline of the ingest throughput benchmark (docs/benchmarks.md, "Ingest throughput"):
 * the same ONNX Runtime jar as the plugin, a plain {@link OrtSession} per configuration, input tensors made
 * <em>before</em> timing (decoded and resized with the plugin's own classes, so they hold the same values the
 * plugin feeds), nothing else timed but {@code session.run}.
 *
 * <pre>
 * mvn -pl model-store test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.instanceretrieval.bench.RawOrtThroughput \
 *   -Dexec.args="model.onnx JPEG_DIR 724 724 IMAGES CONFIG..."
 * </pre>
 * A CONFIG is {@code intra=T,callers=P,batch=B[,warmup=W]}: one session with T intra-op threads (0: ONNX Runtime's
 * default), P threads calling {@code run} on it at once, B images per call. Per config it runs W warm-up images
 * (default: one call per caller), then IMAGES images, and prints one line {@code raw-ort intra=T callers=P batch=B images=N
 * seconds=S images_per_s=R cpu_seconds=C images_per_cpu_s=R'}: wall-clock throughput and throughput per CPU-second
 * of the process (the machine may be shared; CPU time is what the run itself consumed). It also prints the time to decode and resize one JPEG on one thread
 * ({@code decode-resize ms_per_image=...}), which the plugin spends on its image pool beside inference.
 */
public final class RawOrtThroughput {

    private RawOrtThroughput() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            throw new IllegalArgumentException("usage: model.onnx JPEG_DIR WIDTH HEIGHT IMAGES CONFIG...");
        }
        byte[] model = Files.readAllBytes(Path.of(args[0]));
        List<Path> jpegs;
        try (var files = Files.list(Path.of(args[1]))) {
            jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        int width = Integer.parseInt(args[2]), height = Integer.parseInt(args[3]), images = Integer.parseInt(args[4]);
        TensorLayout layout = new TensorLayout(new float[] { 0.485f, 0.456f, 0.406f }, new float[] { 0.229f, 0.224f, 0.225f },
            TensorLayout.ChannelOrder.RGB);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        List<float[]> tensors = new ArrayList<>();
        for (Path p : jpegs) {
            tensors.add(layout.toTensor(BilinearResize.resize(decoder.decode(Files.readAllBytes(p)), width, height)));
        }
        long t0 = System.nanoTime();
        int decodes = 3 * jpegs.size();
        for (int i = 0; i < decodes; i++) {
            RgbImage img = BilinearResize.resize(decoder.decode(Files.readAllBytes(jpegs.get(i % jpegs.size()))), width, height);
            layout.toTensor(img);
        }
        System.out.printf(Locale.ROOT, "decode-resize jpegs=%d ms_per_image=%.1f%n", jpegs.size(), (System.nanoTime() - t0) / 1e6 / decodes);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int c = 5; c < args.length; c++) {
            Map<String, Integer> config = parse(args[c]);
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                if (config.get("intra") > 0) {
                    options.setIntraOpNumThreads(config.get("intra"));
                }
                try (OrtSession session = env.createSession(model, options)) {
                    int warmup = config.getOrDefault("warmup", config.get("callers") * config.get("batch"));
                    run(env, session, tensors, width, height, warmup, config);
                    long start = System.nanoTime(), cpuStart = cpuNanos();
                    int done = run(env, session, tensors, width, height, images, config);
                    double seconds = (System.nanoTime() - start) / 1e9, cpu = (cpuNanos() - cpuStart) / 1e9;
                    System.out.printf(Locale.ROOT, "raw-ort intra=%d callers=%d batch=%d images=%d seconds=%.2f images_per_s=%.3f "
                        + "cpu_seconds=%.2f images_per_cpu_s=%.3f%n",
                        config.get("intra"), config.get("callers"), config.get("batch"), done, seconds, done / seconds, cpu, done / cpu);
                }
            }
        }
    }

    /** CPU time of the whole process (every thread, ONNX Runtime's native ones included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static Map<String, Integer> parse(String config) {
        Map<String, Integer> out = new java.util.HashMap<>(Map.of("intra", 1, "callers", 1, "batch", 1));
        for (String kv : config.split(",")) {
            String[] parts = kv.split("=");
            if ((out.containsKey(parts[0]) == false && parts[0].equals("warmup") == false) || parts.length != 2) {
                throw new IllegalArgumentException("bad config [" + config + "]: expected intra=T,callers=P,batch=B[,warmup=W]");
            }
            out.put(parts[0], Integer.parseInt(parts[1]));
        }
        return out;
    }

    /** Runs {@code images} images (rounded up to whole batches) on {@code callers} threads; returns the number run. */
    private static int run(OrtEnvironment env, OrtSession session, List<float[]> tensors, int width, int height, int images,
                           Map<String, Integer> config) throws Exception {
        int batch = config.get("batch"), callers = config.get("callers");
        int calls = (images + batch - 1) / batch;
        String input = session.getInputNames().iterator().next();
        int per = 3 * width * height;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                futures.add(pool.submit(() -> {
                    float[] packed = new float[batch * per];
                    for (int call; (call = next.getAndIncrement()) < calls;) {
                        for (int i = 0; i < batch; i++) {
                            System.arraycopy(tensors.get((call * batch + i) % tensors.size()), 0, packed, i * per, per);
                        }
                        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(packed), new long[] { batch, 3, height, width });
                             OrtSession.Result result = session.run(Map.of(input, tensor))) {
                            ((OnnxTensor) result.get(0)).getFloatBuffer(); // copy the output out, as the plugin does
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return calls * batch;
    }
}
