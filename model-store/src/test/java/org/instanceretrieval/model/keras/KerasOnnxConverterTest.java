package org.instanceretrieval.model.keras;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.keras.KerasOnnxConverter.ZeroCodeVariance;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.instanceretrieval.model.keras.LayerRuns.assertMapEquals;
import static org.instanceretrieval.model.keras.LayerRuns.nchw;
import static org.instanceretrieval.model.keras.LayerRuns.randomImage;
import static org.instanceretrieval.model.keras.NhwcReference.add;
import static org.instanceretrieval.model.keras.NhwcReference.averagePool;
import static org.instanceretrieval.model.keras.NhwcReference.batchNorm;
import static org.instanceretrieval.model.keras.NhwcReference.conv;
import static org.instanceretrieval.model.keras.NhwcReference.denseSoftmax;
import static org.instanceretrieval.model.keras.NhwcReference.depthwise;
import static org.instanceretrieval.model.keras.NhwcReference.relu;
import static org.instanceretrieval.model.keras.NhwcReference.samePad;
import static org.instanceretrieval.model.keras.NhwcReference.zeroPad;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Every layer of a small MobileNetV2-like model (padding + strided conv, BN, ReLU6, depthwise
 * 'same', 1x1 projection, residual Add, a BN that cannot be folded, a strided 'same' conv with
 * relu, and the nsfwjs head: average pool, flatten, dense softmax), written as a quantised
 * nsfwjs-style bundle, converted up to that layer, run in ONNX Runtime on random inputs of
 * several sizes and compared with {@link NhwcReference}.
 */
public class KerasOnnxConverterTest {

    @ClassRule
    public static final TemporaryFolder DIR = new TemporaryFolder();

    private static final String BN = "{axis:-1,momentum:.999,epsilon:.001,center:!0,scale:!0,trainable:!1}";
    private static TinyBundle bundle;
    private static TfjsLayersModel model;

    @BeforeClass
    public static void writeBundle() throws Exception {
        bundle = new TinyBundle(42)
            .layer("input_1", "InputLayer", "{batch_input_shape:[null,224,224,3],dtype:\"float32\",sparse:!1,name:\"input_1\"}")
            .layer("pad", "ZeroPadding2D", "{padding:[[0,1],[0,1]],data_format:\"channels_last\"}", "input_1")
            .layer("conv_a", "Conv2D", "{filters:8,kernel_size:[3,3],strides:[2,2],padding:\"valid\",dilation_rate:[1,1],"
                + "activation:\"linear\",use_bias:!1,kernel_initializer:{class_name:\"VarianceScaling\",config:{seed:null}}}", "pad")
            .layer("bn_a", "BatchNormalization", BN, "conv_a")
            .layer("relu_a", "ReLU", "{max_value:6,negative_slope:0,threshold:0}", "bn_a")
            .layer("dw", "DepthwiseConv2D", "{kernel_size:[3,3],strides:[1,1],padding:\"same\",depth_multiplier:2,"
                + "dilation_rate:[1,1],activation:\"linear\",use_bias:!1}", "relu_a")
            .layer("bn_dw", "BatchNormalization", BN, "dw")
            .layer("relu_dw", "ReLU", "{max_value:null,negative_slope:0,threshold:0}", "bn_dw")
            .layer("proj", "Conv2D", "{filters:8,kernel_size:[1,1],strides:[1,1],padding:\"same\",activation:\"linear\",use_bias:!0}",
                "relu_dw")
            .layer("bn_p", "BatchNormalization", BN, "proj")
            .layer("add", "Add", "{}", "relu_a", "bn_p")
            .layer("bn_x", "BatchNormalization", BN, "add")
            .layer("conv_s", "Conv2D", "{filters:4,kernel_size:[3,3],strides:[2,2],padding:\"same\",activation:\"relu\",use_bias:!0}",
                "bn_x")
            .layer("pool", "AveragePooling2D", "{pool_size:[2,2],padding:\"valid\",strides:[2,2]}", "conv_s")
            .layer("flat", "Flatten", "{data_format:\"channels_last\"}", "pool")
            .layer("drop", "Dropout", "{rate:.5}", "flat")
            .layer("dense", "Dense", "{units:3,activation:\"softmax\",use_bias:!0}", "drop");
        bundle.weight("conv_a/kernel", -0.5, 0.5, 3, 3, 3, 8);
        batchNormWeights("bn_a", 8);
        bundle.weight("dw/depthwise_kernel", -0.5, 0.5, 3, 3, 8, 2);
        batchNormWeights("bn_dw", 16);
        bundle.weight("proj/kernel", -0.5, 0.5, 1, 1, 16, 8).weight("proj/bias", -0.2, 0.2, 8);
        batchNormWeights("bn_p", 8);
        batchNormWeights("bn_x", 8);
        bundle.weight("conv_s/kernel", -0.5, 0.5, 3, 3, 8, 4).weight("conv_s/bias", -0.2, 0.2, 4);
        bundle.weight("dense/kernel", -1, 1, 4, 3).weight("dense/bias", -0.2, 0.2, 3);
        model = TfjsLayersModel.load(bundle.write(DIR.getRoot().toPath()));
    }

    /** Channel 0's variance is stored as code 0 with min 0, the case nsfwjs's quantisation produces. */
    private static void batchNormWeights(String name, int c) {
        bundle.weight(name + "/gamma", 0.5, 1.5, c).weight(name + "/beta", -1, 1, c).weight(name + "/moving_mean", -0.5, 0.5, c);
        double[] var = new double[c];
        Random r = new Random(c + name.length());
        for (int i = 0; i < c; i++) {
            var[i] = i == 0 ? 0.003 : 0.2 + 2 * r.nextDouble();
        }
        bundle.quantised(name + "/moving_variance", var, 0.0, 2.2 / 255, c);
    }

    @Test
    public void everyLayerMatchesThePlainImplementation() throws Exception {
        for (ZeroCodeVariance rule : ZeroCodeVariance.values()) {
            for (int[] size : new int[][] { { 8, 8 }, { 9, 11 }, { 17, 14 } }) {
                double[][][] x = randomImage(size[0], size[1], new Random(size[0] * 31L + size[1]));
                Map<String, double[][][]> ref = reference(x, rule);
                for (Map.Entry<String, double[][][]> e : ref.entrySet()) {
                    float[][][][] got = (float[][][][]) run(e.getKey(), rule, x);
                    assertMapEquals(rule + " " + e.getKey() + " at " + size[0] + "x" + size[1], e.getValue(), got[0]);
                }
                double[][][] pooled = averagePool(ref.get("conv_s"), 2);
                if (pooled.length == 1 && pooled[0].length == 1) {
                    double[] want = denseSoftmax(pooled, bundle.dequantised.get("dense/kernel"), bundle.dequantised.get("dense/bias"), 3);
                    float[][] got = (float[][]) run("dense", rule, x);
                    for (int o = 0; o < 3; o++) {
                        assertEquals("dense " + o, want[o], got[0][o], 1e-5);
                    }
                }
            }
        }
    }

    @Test
    public void zeroCodeVarianceRuleChangesOnlyWhatItSays() throws Exception {
        double[][][] x = randomImage(8, 8, new Random(7));
        float[][][][] asStored = (float[][][][]) run("bn_a", ZeroCodeVariance.AS_DEQUANTISED, x);
        float[][][][] centred = (float[][][][]) run("bn_a", ZeroCodeVariance.BIN_CENTRE, x);
        // channel 0 (code 0) differs, every other channel is the same
        assertNotEquals(asStored[0][0][0][0], centred[0][0][0][0], 1e-3);
        for (int c = 1; c < 8; c++) {
            assertArrayEquals(asStored[0][c][1], centred[0][c][1], 0f);
        }
    }

    @Test
    public void severalOutputsInOneGraphEqualTheSingleOutputGraphs() throws Exception {
        double[][][] x = randomImage(9, 11, new Random(3));
        Map<String, double[][][]> ref = reference(x, ZeroCodeVariance.AS_DEQUANTISED);
        List<String> layers = List.of("conv_a", "relu_a", "bn_p", "add", "conv_s");
        byte[] onnx = KerasOnnxConverter.convertLayers(model, layers, ZeroCodeVariance.AS_DEQUANTISED, "test");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw(x)), new long[] { 1, 3, 9, 11 });
             OrtSession.Result result = session.run(Map.of(KerasOnnxConverter.INPUT, in))) {
            for (String layer : layers) {
                float[][][][] got = (float[][][][]) result.get("out/" + layer).orElseThrow().getValue();
                assertMapEquals("multi-output " + layer, ref.get(layer), got[0]);
            }
        }
    }

    @Test
    public void conversionIsDeterministic() {
        assertArrayEquals(KerasOnnxConverter.convert(model, "add", ZeroCodeVariance.AS_DEQUANTISED, "d"),
            KerasOnnxConverter.convert(model, "add", ZeroCodeVariance.AS_DEQUANTISED, "d"));
    }

    @Test
    public void refusesWhatItCannotConvert() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> KerasOnnxConverter.convert(model, "pad", ZeroCodeVariance.AS_DEQUANTISED, "d"));
        assertTrue(e.getMessage(), e.getMessage().contains("[pad]"));
        e = assertThrows(IllegalArgumentException.class, () -> KerasOnnxConverter.convert(model, "nope", ZeroCodeVariance.AS_DEQUANTISED, "d"));
        assertTrue(e.getMessage(), e.getMessage().contains("no layer [nope]"));
    }

    private static Map<String, double[][][]> reference(double[][][] x, ZeroCodeVariance rule) {
        Map<String, double[][][]> out = new LinkedHashMap<>();
        double[][][] a = conv(zeroPad(x, 0, 1, 0, 1), w("conv_a/kernel"), null, 3, 8, 2);
        out.put("conv_a", a);
        out.put("bn_a", bn("bn_a", a, rule));
        out.put("relu_a", relu(out.get("bn_a"), 6));
        double[][][] d = depthwise(samePad(out.get("relu_a"), 3, 1), w("dw/depthwise_kernel"), 3, 2, 1);
        out.put("dw", d);
        out.put("bn_dw", bn("bn_dw", d, rule));
        out.put("relu_dw", relu(out.get("bn_dw"), Double.POSITIVE_INFINITY));
        out.put("proj", conv(out.get("relu_dw"), w("proj/kernel"), w("proj/bias"), 1, 8, 1));
        out.put("bn_p", bn("bn_p", out.get("proj"), rule));
        out.put("add", add(out.get("relu_a"), out.get("bn_p")));
        out.put("bn_x", bn("bn_x", out.get("add"), rule));
        out.put("conv_s", relu(conv(samePad(out.get("bn_x"), 3, 2), w("conv_s/kernel"), w("conv_s/bias"), 3, 4, 2), Double.POSITIVE_INFINITY));
        out.put("pool", averagePool(out.get("conv_s"), 2));
        return out;
    }

    private static double[][][] bn(String name, double[][][] x, ZeroCodeVariance rule) {
        double[] var = w(name + "/moving_variance").clone();
        if (rule == ZeroCodeVariance.BIN_CENTRE) {
            var[0] = 2.2 / 255 / 4; // code 0, min 0: the centre of [0, scale / 2]
        }
        assertEquals(0.0, w(name + "/moving_variance")[0], 0.0);
        return batchNorm(x, w(name + "/gamma"), w(name + "/beta"), w(name + "/moving_mean"), var, 0.001);
    }

    private static double[] w(String name) {
        return bundle.dequantised.get(name);
    }

    private static Object run(String layer, ZeroCodeVariance rule, double[][][] x) throws Exception {
        return LayerRuns.run(model, layer, rule, x,
            session -> assertEquals(List.of(KerasOnnxConverter.OUTPUT), List.copyOf(session.getOutputNames())));
    }
}
