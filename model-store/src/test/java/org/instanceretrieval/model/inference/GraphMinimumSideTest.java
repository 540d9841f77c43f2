package org.instanceretrieval.model.inference;

import org.instanceretrieval.model.descriptor.TestImages;
import org.instanceretrieval.model.onnx.MinimumInputSideTest;
import org.instanceretrieval.model.onnx.OutputKind;
import org.junit.After;
import org.junit.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * A model source that gives no minimum side (as the store does for every model) still gets its network's minimum: the
 * stem graph of {@link MinimumInputSideTest#stemGraph()} (13 a side, worked out by hand there) runs on real ONNX Runtime
 * at 13 x 13 and one pixel less in either direction is refused before ONNX Runtime sees it (running it would risk
 * aborting this JVM, so it is never run).
 */
public class GraphMinimumSideTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private InferenceService service;

    @After
    public void close() throws InterruptedException {
        if (service != null) {
            service.close();
        }
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Partly guarded: some conv left unchecked (the reshaped graph, minimum 5) and no given minimum above the graph's. */
    @Test
    public void aDefinitionIsPartlyGuardedUntilAGivenMinimumRaisesTheGraphs() {
        byte[] reshaped = MinimumInputSideTest.reshapedGraph();
        assertTrue(new ModelDefinition(reshaped, null, OutputKind.FEATURE_MAP).partlyGuarded());
        assertTrue(new ModelDefinition(reshaped, null, OutputKind.FEATURE_MAP, 5).partlyGuarded());
        assertFalse(new ModelDefinition(reshaped, null, OutputKind.FEATURE_MAP, 6).partlyGuarded());
        assertFalse(new ModelDefinition(MinimumInputSideTest.stemGraph(), null, OutputKind.FEATURE_MAP).partlyGuarded());
    }

    @Test
    public void aSmallerInputThanTheGraphAllowsIsRefusedBeforeOnnxRuntime() throws Exception {
        byte[] stem = MinimumInputSideTest.stemGraph();
        assertEquals(13, new ModelDefinition(stem, null, OutputKind.FEATURE_MAP).minInputSide());
        // a larger given minimum raises it, a smaller one cannot lower it
        assertEquals(20, new ModelDefinition(stem, null, OutputKind.FEATURE_MAP, 20).minInputSide());
        assertEquals(13, new ModelDefinition(stem, null, OutputKind.FEATURE_MAP, 2).minInputSide());

        service = new InferenceService(new InferenceSettings(Device.CPU, 2, 4, Duration.ZERO, 1),
            id -> CompletableFuture.completedFuture(new ModelDefinition(stem, null, OutputKind.FEATURE_MAP)), pool);
        ModelOutput out = service.infer("stem", tensor(13, 13), 13, 13).get(30, TimeUnit.SECONDS);
        assertArrayEquals(new long[] { 2, 1, 1 }, out.shape()); // 13 -> 7 -> 3 -> 1, two channels
        for (int[] wh : new int[][] { { 13, 12 }, { 12, 13 }, { 12, 12 } }) {
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> service.infer("stem", tensor(wh[0], wh[1]), wh[1], wh[0]).get(30, TimeUnit.SECONDS));
            assertEquals("model [stem] needs inputs of at least 13x13 pixels but the image was sized " + wh[0] + "x" + wh[1]
                + " (width x height, after resizing and scaling); use a larger image or another model", e.getCause().getMessage());
        }
        assertEquals(1, service.stats("stem").batchCount());
        assertEquals(1, service.stats("stem").inferenceCount());
    }

    private static float[] tensor(int width, int height) {
        return TestImages.defaultModelTensor(TestImages.pixels(TestImages.textured(width, height, 7)));
    }
}
