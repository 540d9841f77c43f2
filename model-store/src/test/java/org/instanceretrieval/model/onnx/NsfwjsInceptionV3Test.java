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

/** The committed nsfwjs InceptionV3 trunk (the built-in {@code default}): the bytes the script pins, and its shapes. */
public class NsfwjsInceptionV3Test {

    /**
     * The smallest input height and width with an output pixel after mixed5, found empirically (42 leaves none, and ONNX
     * Runtime aborts on 20 x 20); the guard computes it from the graph ({@link MinimumInputSide}, checked in its test).
     */
    static final int MIN_SIDE = 43;

    /** SHA-256 pinned in scripts/nsfwjs-inception-onnx.sh (mixed5, as_dequantised, from npm pack nsfwjs@4.4.0). */
    static final String SHA256 = "6ffedba015b112bf2eb2dd646e4b500effc24a388b9082783c0652486d904578";

    @Test
    public void committedBytesAreTheRegeneratedOnes() throws Exception {
        byte[] onnx = NsfwjsInceptionV3.onnx();
        assertEquals(onnx.length, NsfwjsInceptionV3.length());
        assertEquals(SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
    }

    /** Keras InceptionV3 up to mixed5: a 'valid' 3x3 s2 conv, a 'valid' 3x3 conv, a 'same' conv, a 'valid' 3x3 s2 max pool,
     *  a 1x1 conv, a 'valid' 3x3 conv, a 'valid' 3x3 s2 max pool (mixed0-2 keep the size), mixed3's 'valid' 3x3 s2 reduction. */
    static int side(int n) {
        int a = (n - 3) / 2 + 1;
        int b = a - 2;
        int d = (b - 3) / 2 + 1;
        int f = d - 2;
        int g = (f - 3) / 2 + 1;
        return Math.floorDiv(g - 3, 2) + 1;
    }

    @Test
    public void anyLargeEnoughInputGivesA768ChannelMapOfReLUValues() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(NsfwjsInceptionV3.onnx(), new OrtSession.SessionOptions())) {
            // MIN_SIDE x MIN_SIDE is the smallest input with an output pixel (one side less aborts ONNX Runtime's process)
            for (int[] hw : new int[][] { { 120, 160 }, { 75, 75 }, { 160, 97 },
                { MIN_SIDE, MIN_SIDE } }) {
                float[] x = new float[3 * hw[0] * hw[1]];
                Random r = new Random(hw[0]);
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat();
                }
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] { 1, 3, hw[0], hw[1] });
                     OrtSession.Result result = session.run(Map.of(NsfwjsInceptionV3.INPUT, in))) {
                    OnnxTensor out = (OnnxTensor) result.get(NsfwjsInceptionV3.OUTPUT).orElseThrow();
                    assertArrayEquals(new long[] { 1, 768, side(hw[0]), side(hw[1]) }, out.getInfo().getShape());
                    assertEquals(768, NsfwjsInceptionV3.CHANNELS);
                    FloatBuffer values = out.getFloatBuffer();
                    float max = 0;
                    while (values.hasRemaining()) {
                        float v = values.get();
                        assertTrue("ReLU output " + v, v >= 0f);
                        max = Math.max(max, v);
                    }
                    assertTrue("some channel responds", max > 0.5f);
                }
            }
        }
    }
}
