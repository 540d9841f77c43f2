package org.instanceretrieval.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.Test;

import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** The committed nsfwjs MobileNetV2 trunk: the bytes scripts/nsfwjs-onnx.sh produced, and a fully convolutional graph. */
public class NsfwjsMobileNetV2Test {

    /** SHA-256 of the file scripts/nsfwjs-onnx.sh regenerates from npm pack nsfwjs@4.4.0 (block_13_expand_relu, as_dequantised). */
    static final String SHA256 = "44e59e962d61fb7828f176d82ddd2c2ceb7c624d6f4c2f98a9fb49f7b480b3fc";

    @Test
    public void committedBytesAreTheRegeneratedOnes() throws Exception {
        byte[] onnx = NsfwjsMobileNetV2.onnx();
        assertEquals(onnx.length, NsfwjsMobileNetV2.length());
        assertEquals(SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
    }

    @Test
    public void anyInputSizeGivesAStride16MapOfReLU6Values() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(NsfwjsMobileNetV2.onnx(), new OrtSession.SessionOptions())) {
            for (int[] hw : new int[][] { { 37, 50 }, { 64, 64 }, { 224, 161 } }) {
                float[] x = new float[3 * hw[0] * hw[1]];
                Random r = new Random(hw[0]);
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat();
                }
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] { 1, 3, hw[0], hw[1] });
                     OrtSession.Result result = session.run(Map.of(NsfwjsMobileNetV2.INPUT, in))) {
                    OnnxTensor out = (OnnxTensor) result.get(NsfwjsMobileNetV2.OUTPUT).orElseThrow();
                    // four stride-2 stages, each a ZeroPadding2D (0 before, 1 after, fixed for 224 in the Keras model) and a 3x3
                    // 'valid' convolution: floor((n + 1 - 3) / 2) + 1 = floor(n / 2) each, floor(n / 16) in all
                    assertArrayEquals(new long[] { 1, NsfwjsMobileNetV2.CHANNELS, hw[0] / 16, hw[1] / 16 },
                        out.getInfo().getShape());
                    FloatBuffer values = out.getFloatBuffer();
                    float max = 0;
                    while (values.hasRemaining()) {
                        float v = values.get();
                        assertTrue("ReLU6 output " + v, v >= 0f && v <= 6f);
                        max = Math.max(max, v);
                    }
                    assertTrue("some channel responds", max > 0.5f);
                }
            }
        }
    }
}
