package org.instanceretrieval.model.onnx;

import ai.onnxruntime.OrtSession;

import org.junit.Test;

import java.util.List;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertThrows;

public class OnnxModelTest {

    private static OrtSession.SessionOptions options() {
        return new OrtSession.SessionOptions();
    }

    @Test
    public void runsABatchOfTheDefaultModel() {
        try (OnnxModel model = new OnnxModel(DefaultModel.onnx(), null, OutputKind.FEATURE_MAP, options())) {
            float[] input = new float[2 * 3 * 32 * 40];
            for (int i = 0; i < input.length / 2; i++) {
                input[i] = (i % 17) / 17f; // first image textured, second flat zero
            }
            OnnxModel.Output out = model.run(input, 2, 32, 40);
            assertEquals(2, out.batch());
            assertArrayEquals(new long[] { DefaultModel.CHANNELS, 4, 5 }, out.shape());
            assertEquals(DefaultModel.CHANNELS * 4 * 5, out.values()[0].length);
            assertEquals(-1, model.fixedBatchSize()); // every dimension but the channels is symbolic
            assertArrayEquals(new int[] { -1, -1 }, model.fixedInputSize());
            assertFalse(model.isClosed());
        }
    }

    @Test
    public void closeIsIdempotentAndObservable() {
        OnnxModel model = new OnnxModel(DefaultModel.onnx(), null, OutputKind.FEATURE_MAP, options());
        model.close();
        assertTrue(model.isClosed());
        model.close(); // a second close (eviction racing shutdown) must not throw
        assertTrue(model.isClosed());
    }

    @Test
    public void outputThatDoesNotFitTheDeclaredKindIsRejectedAtLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new OnnxModel(DefaultModel.onnx(), null, OutputKind.VECTOR, options()));
        assertThat(e.getMessage(), containsString("model output [features] is"));
        assertThat(e.getMessage(), containsString("does not fit the declared kind VECTOR"));
        assertThat(assertThrows(IllegalArgumentException.class,
            () -> new OnnxModel(DefaultModel.onnx(), "logits", OutputKind.FEATURE_MAP, options())).getMessage(),
            containsString("the model has no output [logits]; its outputs are [features]"));
    }

    @Test
    public void bytesThatAreNotAModelAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new OnnxModel(new byte[] { 1, 2, 3, 4 }, null, OutputKind.FEATURE_MAP, options()));
        assertThat(e.getMessage(), containsString("ONNX Runtime cannot load the model"));
    }

    @Test
    public void inputMustBeAnImageTensor() {
        byte[] vectorIn = new OnnxGraphWriter("g").input("x", 1L, 8L).output("y", 1L, 8L)
            .node("Relu", List.of("x"), List.of("y")).build("test", "");
        assertThat(assertThrows(IllegalArgumentException.class,
            () -> new OnnxModel(vectorIn, null, OutputKind.VECTOR, options())).getMessage(),
            containsString("model input [x] must be a float [N, 3, H, W] tensor"));
    }
}
