package org.instanceretrieval.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/** The written bytes must be a model that the real ONNX Runtime loads and runs correctly. */
public class OnnxGraphWriterTest {

    @Test
    public void convolutionAndReluRunInOnnxRuntime() throws Exception {
        // y = Relu(Conv(x, w) + b) for a 1 x 1 x 2 x 3 input and a 1 x 1 x 1 x 2 kernel [1, -1], bias 0.5.
        byte[] model = new OnnxGraphWriter("test")
            .input("x", 1L, 1L, 2L, null)
            .output("y", 1L, 1L, 2L, null)
            .initializer("w", new long[] { 1, 1, 1, 2 }, new float[] { 1, -1 })
            .initializer("b", new long[] { 1 }, new float[] { 0.5f })
            .node("Conv", List.of("x", "w", "b"), List.of("c"), OnnxGraphWriter.intsAttr("kernel_shape", 1, 2))
            .node("Relu", List.of("c"), List.of("y"))
            .build("instance-retrieval-test", "a unit-test graph");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] { 1, 3, 2, 5, 1, 4 }), new long[] { 1, 1, 2, 3 });
             OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][][][] y = (float[][][][]) result.get(0).getValue();
            // Row 1: 1-3+0.5 = -1.5 -> 0; 3-2+0.5 = 1.5. Row 2: 5-1+0.5 = 4.5; 1-4+0.5 = -2.5 -> 0.
            assertArrayEquals(new float[] { 0f, 1.5f }, y[0][0][0], 1e-6f);
            assertArrayEquals(new float[] { 4.5f, 0f }, y[0][0][1], 1e-6f);
            assertEquals(List.of("x"), List.copyOf(session.getInputNames()));
        }
    }
}
