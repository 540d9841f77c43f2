package org.instanceretrieval.model.inference;

import org.instanceretrieval.model.LimitedBudget;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;
import org.instanceretrieval.model.onnx.OutputKind;
import org.junit.After;
import org.junit.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.CoreMatchers.instanceOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

/**
 * Model outputs are charged before they reach the heap. Sizes by hand: a [3, H, W] float tensor has
 * 12 H W bytes; a batch of one keeps ONNX Runtime's copy of the output, a batch of n copies it twice.
 */
public class InferenceServiceMemoryTest {

    private final List<ExecutorService> pools = new ArrayList<>();
    private final List<InferenceService> services = new ArrayList<>();

    @After
    public void close() {
        services.forEach(InferenceService::close);
        pools.forEach(ExecutorService::shutdownNow);
    }

    private InferenceService service(ModelSource source, LimitedBudget budget, int maxBatch, Duration maxWait) {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        pools.add(pool);
        InferenceService s = new InferenceService(new InferenceSettings(Device.CPU, 2, maxBatch, maxWait, 1), source, pool, budget);
        services.add(s);
        return s;
    }

    /** Nearest-neighbour upscaling by {@code factor}: input [N, 3, side, side] (null: dynamic), output declared likewise. */
    private static ModelSource upscale(Long side, float factor) {
        Long out = side == null ? null : (long) (side * factor);
        byte[] onnx = new OnnxGraphWriter("upscale").input("x", null, 3L, side, side).output("y", null, 3L, out, out)
            .initializer("scales", new long[] { 4 }, new float[] { 1, 1, factor, factor })
            .node("Resize", List.of("x", "", "scales"), List.of("y")).build("test", "");
        return id -> CompletableFuture.completedFuture(new ModelDefinition(onnx, null, OutputKind.FEATURE_MAP));
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        fail("expected a failure");
        return null;
    }

    @Test
    public void aModelWhoseDeclaredOutputCannotFitIsRefusedAtLoad() throws Exception {
        // [3, 8000, 8000] floats = 768,000,000 bytes for one image
        LimitedBudget budget = new LimitedBudget(100_000_000);
        Throwable e = failure(service(upscale(8L, 1000f), budget, 1, Duration.ZERO).load("big"));
        assertThat(e, instanceOf(IllegalArgumentException.class));
        assertEquals("model [big] output [y] has shape [-1, 3, 8000, 8000]: 768000000 bytes per image, more than the test budget of "
            + "100000000 bytes; raise the limit or export a model with a smaller output", e.getMessage());
        assertEquals(0, budget.used());
    }

    @Test
    public void aDynamicOutputIsChargedAtItsRealSizeBeforeItIsCopied() throws Exception {
        // 8x8 input (768 bytes) upscaled 50 times: [3, 400, 400] = 1,920,000 bytes
        LimitedBudget small = new LimitedBudget(768 + 1_920_000 - 1);
        Throwable e = failure(service(upscale(null, 50f), small, 1, Duration.ZERO).infer("dyn", new float[3 * 64], 8, 8));
        assertThat(e, instanceOf(LimitedBudget.Refused.class));
        assertEquals(0, small.used());

        LimitedBudget exact = new LimitedBudget(768 + 1_920_000);
        ModelOutput out = service(upscale(null, 50f), exact, 1, Duration.ZERO).infer("dyn", new float[3 * 64], 8, 8).get(60, TimeUnit.SECONDS);
        assertEquals(3 * 400 * 400, out.values().length);
        assertEquals(0, exact.used());
    }

    @Test
    public void aBatchThatDoesNotFitRunsItsImagesOneByOne() throws Exception {
        // identity-size model [3, 8, 8]: one image needs 768 input + 768 output bytes; a batch of 4 needs 4 * 768 * 3 = 9,216
        LimitedBudget budget = new LimitedBudget(5_000);
        InferenceService service = service(upscale(8L, 1f), budget, 4, Duration.ofMillis(500));
        List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(service.infer("same", new float[3 * 64], 8, 8));
        }
        for (CompletableFuture<ModelOutput> f : futures) {
            assertEquals(3 * 64, f.get(60, TimeUnit.SECONDS).values().length);
        }
        long[] sizes = service.stats("same").batchSizeCounts();
        assertEquals(4, sizes[1]);
        assertEquals(0, sizes[4]);
        assertEquals(0, budget.used());
    }
}
