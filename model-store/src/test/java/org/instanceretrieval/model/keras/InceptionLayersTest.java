package org.instanceretrieval.model.keras;

import org.instanceretrieval.model.keras.KerasOnnxConverter.ZeroCodeVariance;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.instanceretrieval.model.keras.LayerRuns.assertMapEquals;
import static org.instanceretrieval.model.keras.LayerRuns.randomImage;
import static org.junit.Assert.assertEquals;

/**
 * Every layer of a small InceptionV3-like model, in the form nsfwjs's InceptionV3 uses: Conv2D
 * without bias ('valid' with stride 2, 'same' 1x1, rectangular 1x3 and 3x1 'same'), each followed by
 * a BatchNormalization with {@code scale: false} and an Activation relu; an AveragePooling2D 3x3
 * stride 1 'same' (TensorFlow averages over the cells inside the image only); MaxPooling2D 3x3
 * stride 2 'valid' and 'same'; Concatenate on the channel axis (axis 3, as in the package). Written
 * as a quantised bundle, converted up to each layer, run in ONNX Runtime on random inputs of
 * several sizes and compared with the plain loops below (NHWC, double precision, TensorFlow's
 * padding rules written out here, not taken from the converter).
 */
public class InceptionLayersTest {

    @ClassRule
    public static final TemporaryFolder DIR = new TemporaryFolder();

    private static final String BN = "{axis:3,momentum:.99,epsilon:.001,center:!0,scale:!1,trainable:!1}";
    private static TinyBundle bundle;
    private static TfjsLayersModel model;

    @BeforeClass
    public static void writeBundle() throws Exception {
        bundle = new TinyBundle(15);
        bundle.layer("input_1", "InputLayer", "{batch_input_shape:[null,299,299,3],dtype:\"float32\",sparse:!1,name:\"input_1\"}");
        convBnRelu("c1", "input_1", 3, 6, 3, 3, 2, "valid");
        convBnRelu("a", "c1_relu", 6, 4, 1, 1, 1, "same");
        convBnRelu("b1", "c1_relu", 6, 3, 1, 3, 1, "same");
        convBnRelu("b2", "b1_relu", 3, 5, 3, 1, 1, "same");
        bundle.layer("avg", "AveragePooling2D", "{pool_size:[3,3],padding:\"same\",strides:[1,1],data_format:\"channels_last\"}",
            "c1_relu");
        convBnRelu("p", "avg", 6, 2, 1, 1, 1, "same");
        bundle.layer("mixed", "Concatenate", "{axis:3}", "a_relu", "b2_relu", "p_relu");
        convBnRelu("d", "mixed", 11, 4, 3, 3, 2, "valid");
        bundle.layer("maxv", "MaxPooling2D", "{pool_size:[3,3],padding:\"valid\",strides:[2,2],data_format:\"channels_last\"}", "mixed");
        bundle.layer("mixed_down", "Concatenate", "{axis:3}", "d_relu", "maxv");
        bundle.layer("maxs", "MaxPooling2D", "{pool_size:[3,3],padding:\"same\",strides:[2,2],data_format:\"channels_last\"}", "mixed");
        model = TfjsLayersModel.load(bundle.write(DIR.getRoot().toPath()));
    }

    private static void convBnRelu(String name, String in, int inC, int outC, int kh, int kw, int stride, String padding) {
        bundle.layer(name, "Conv2D", "{filters:" + outC + ",kernel_size:[" + kh + "," + kw + "],strides:[" + stride + "," + stride
            + "],padding:\"" + padding + "\",data_format:\"channels_last\",dilation_rate:[1,1],activation:\"linear\",use_bias:!1}", in);
        bundle.layer(name + "_bn", "BatchNormalization", BN, name);
        bundle.layer(name + "_relu", "Activation", "{activation:\"relu\"}", name + "_bn");
        bundle.weight(name + "/kernel", -0.5, 0.5, kh, kw, inC, outC);
        bundle.weight(name + "_bn/beta", -1, 1, outC).weight(name + "_bn/moving_mean", -0.5, 0.5, outC);
        double[] var = new double[outC];
        for (int i = 0; i < outC; i++) {
            var[i] = 0.2 + 2 * (i + 0.5) / outC;
        }
        // min 0.1: no variance is quantisation code 0, so both ZeroCodeVariance rules must give the same maps
        bundle.quantised(name + "_bn/moving_variance", var, 0.1, 2.2 / 255, outC);
    }

    @Test
    public void everyLayerMatchesThePlainImplementation() throws Exception {
        for (int[] size : new int[][] { { 9, 9 }, { 10, 13 }, { 15, 12 } }) {
            double[][][] x = randomImage(size[0], size[1], new Random(size[0] * 31L + size[1]));
            Map<String, double[][][]> ref = new LinkedHashMap<>();
            block(ref, "c1", x, 3, 3, 2, false);
            block(ref, "a", ref.get("c1_relu"), 1, 1, 1, true);
            block(ref, "b1", ref.get("c1_relu"), 1, 3, 1, true);
            block(ref, "b2", ref.get("b1_relu"), 3, 1, 1, true);
            ref.put("avg", pool(ref.get("c1_relu"), 1, true, false));
            block(ref, "p", ref.get("avg"), 1, 1, 1, true);
            ref.put("mixed", concat(ref.get("a_relu"), ref.get("b2_relu"), ref.get("p_relu")));
            block(ref, "d", ref.get("mixed"), 3, 3, 2, false);
            ref.put("maxv", pool(ref.get("mixed"), 2, false, true));
            ref.put("mixed_down", concat(ref.get("d_relu"), ref.get("maxv")));
            ref.put("maxs", pool(ref.get("mixed"), 2, true, true));
            assertEquals("the 'same' max pool keeps ceil(n / 2) rows", (ref.get("mixed").length + 1) / 2, ref.get("maxs").length);
            for (ZeroCodeVariance rule : ZeroCodeVariance.values()) {
                for (Map.Entry<String, double[][][]> e : ref.entrySet()) {
                    float[][][] got = run(e.getKey(), rule, x);
                    assertMapEquals(rule + " " + e.getKey() + " at " + size[0] + "x" + size[1], e.getValue(), got);
                }
            }
        }
    }

    /** conv (no bias), BN without gamma, relu; outputs under name, name_bn, name_relu. */
    private static void block(Map<String, double[][][]> ref, String name, double[][][] x, int kh, int kw, int stride, boolean same) {
        double[] kernel = bundle.dequantised.get(name + "/kernel");
        int inC = x[0][0].length, outC = kernel.length / (kh * kw * inC);
        int h = x.length, w = x[0].length;
        int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
        int top = same ? Math.max((oh - 1) * stride + kh - h, 0) / 2 : 0;
        int left = same ? Math.max((ow - 1) * stride + kw - w, 0) / 2 : 0;
        double[][][] conv = new double[oh][ow][outC];
        double[][][] bn = new double[oh][ow][outC];
        double[][][] relu = new double[oh][ow][outC];
        double[] beta = bundle.dequantised.get(name + "_bn/beta");
        double[] mean = bundle.dequantised.get(name + "_bn/moving_mean");
        double[] var = bundle.dequantised.get(name + "_bn/moving_variance");
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int o = 0; o < outC; o++) {
                    double s = 0;
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            int y = i * stride + a - top, xx = j * stride + b - left;
                            if (y < 0 || y >= h || xx < 0 || xx >= w) {
                                continue;
                            }
                            for (int c = 0; c < inC; c++) {
                                s += x[y][xx][c] * kernel[((a * kw + b) * inC + c) * outC + o];
                            }
                        }
                    }
                    conv[i][j][o] = s;
                    bn[i][j][o] = (s - mean[o]) / Math.sqrt(var[o] + 0.001) + beta[o];
                    relu[i][j][o] = Math.max(bn[i][j][o], 0);
                }
            }
        }
        ref.put(name, conv);
        ref.put(name + "_bn", bn);
        ref.put(name + "_relu", relu);
    }

    /** 3 x 3 pooling; 'same' pads as TensorFlow and leaves padded cells out of both the max and the average. */
    private static double[][][] pool(double[][][] x, int stride, boolean same, boolean max) {
        int h = x.length, w = x[0].length, ch = x[0][0].length;
        int oh = same ? (h + stride - 1) / stride : (h - 3) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - 3) / stride + 1;
        int top = same ? Math.max((oh - 1) * stride + 3 - h, 0) / 2 : 0;
        int left = same ? Math.max((ow - 1) * stride + 3 - w, 0) / 2 : 0;
        double[][][] y = new double[oh][ow][ch];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int c = 0; c < ch; c++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int n = 0;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            int yy = i * stride + a - top, xx = j * stride + b - left;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                acc = max ? Math.max(acc, x[yy][xx][c]) : acc + x[yy][xx][c];
                                n++;
                            }
                        }
                    }
                    y[i][j][c] = max ? acc : acc / n;
                }
            }
        }
        return y;
    }

    private static double[][][] concat(double[][][]... parts) {
        int h = parts[0].length, w = parts[0][0].length, total = 0;
        for (double[][][] p : parts) {
            assertEquals(h, p.length);
            total += p[0][0].length;
        }
        double[][][] y = new double[h][w][total];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                int c0 = 0;
                for (double[][][] p : parts) {
                    System.arraycopy(p[i][j], 0, y[i][j], c0, p[i][j].length);
                    c0 += p[i][j].length;
                }
            }
        }
        return y;
    }

    private static float[][][] run(String layer, ZeroCodeVariance rule, double[][][] x) throws Exception {
        return ((float[][][][]) LayerRuns.run(model, layer, rule, x, session -> {}))[0];
    }
}
