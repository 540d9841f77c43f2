package org.instanceretrieval.model.keras;

import org.instanceretrieval.model.keras.TfjsLayersModel.Layer;
import org.instanceretrieval.model.keras.TfjsLayersModel.Weight;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.instanceretrieval.model.keras.TfjsLayersModel.list;

/**
 * Converts a TF.js Keras functional model ({@link TfjsLayersModel}), up to and including one
 * chosen layer, into an ONNX graph (opset 17) written by {@link OnnxGraphWriter}.
 * <p>
 * The graph takes {@value #INPUT}: float {@code [N, 3, H, W]} RGB (NCHW, any H and W; the
 * Keras model is NHWC and its pixel scaling is left to the caller: nsfwjs feeds pixels / 255)
 * and returns {@value #OUTPUT}: {@code [N, C, H', W']} for a spatial layer, {@code [N, C]}
 * after Flatten, Dense or global pooling.
 * <p>
 * Layers: InputLayer, Conv2D, DepthwiseConv2D (padding valid or same, any stride and
 * dilation; 'same' with stride 1 becomes explicit pads, with a larger stride ONNX's
 * {@code SAME_UPPER}, which pads as TensorFlow does for every input size), ZeroPadding2D
 * (merged into the convolution that reads it), BatchNormalization (folded into the
 * convolution before it when that convolution has no activation and no other reader;
 * otherwise a per-channel Mul and Add), ReLU (with or without max_value), Activation
 * (linear, relu, softmax), Add, Concatenate, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, Flatten (correct only where the map is 1 x 1, as in nsfwjs's head),
 * Dense, Dropout (identity). Anything else is refused with its name.
 * <p>
 * The output bytes depend only on the model and the arguments (deterministic).
 */
public final class KerasOnnxConverter {

    public static final String INPUT = "image";
    public static final String OUTPUT = "features";

    /** How a BatchNormalization variance stored as quantisation code 0 is read. */
    public enum ZeroCodeVariance {
        /** As TF.js dequantises it ({@code min}, which may be 0): the values nsfwjs computes with. */
        AS_DEQUANTISED,
        /** The centre of the code's rounding interval {@code [min, min + scale / 2]}, i.e. {@code min + scale / 4}. */
        BIN_CENTRE
    }

    private final TfjsLayersModel model;
    private final ZeroCodeVariance varianceRule;
    private final OnnxGraphWriter writer = new OnnxGraphWriter("keras-trunk");
    private final Map<String, String> tensors = new HashMap<>();
    private final Map<String, Integer> channels = new HashMap<>();
    private final Map<String, Boolean> flat = new HashMap<>();
    private final Map<String, int[]> pendingPads = new HashMap<>();
    private final Map<String, List<String>> readers = new HashMap<>();
    private final Set<String> folded = new HashSet<>();
    private Set<String> lastSet = Set.of();

    private KerasOnnxConverter(TfjsLayersModel model, ZeroCodeVariance varianceRule) {
        this.model = model;
        this.varianceRule = varianceRule;
    }

    /** The ONNX bytes of the model from its input to {@code lastLayer}, whose output is {@value #OUTPUT}. */
    public static byte[] convert(TfjsLayersModel model, String lastLayer, ZeroCodeVariance varianceRule, String docString) {
        return new KerasOnnxConverter(model, varianceRule).run(List.of(lastLayer), List.of(OUTPUT), docString);
    }

    /**
     * One graph with several outputs, {@code out/<layer>} each (for measuring many layers in one
     * pass). A convolution that is itself asked for keeps its BatchNormalization unfolded.
     */
    public static byte[] convertLayers(TfjsLayersModel model, List<String> layers, ZeroCodeVariance varianceRule, String docString) {
        return new KerasOnnxConverter(model, varianceRule).run(layers, layers.stream().map(l -> "out/" + l).toList(), docString);
    }

    private byte[] run(List<String> lastLayers, List<String> outputNames, String docString) {
        Set<String> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String lastLayer : lastLayers) {
            todo.add(model.layer(lastLayer).name());
        }
        this.lastSet = Set.copyOf(lastLayers);
        while (todo.isEmpty() == false) {
            String n = todo.pop();
            if (needed.add(n)) {
                todo.addAll(model.layer(n).inbound());
            }
        }
        for (Layer l : model.layers()) {
            if (needed.contains(l.name())) {
                for (String in : l.inbound()) {
                    readers.computeIfAbsent(in, k -> new ArrayList<>()).add(l.name());
                }
            }
        }
        for (Layer l : model.layers()) {
            if (needed.contains(l.name()) && folded.contains(l.name()) == false) {
                layer(l);
            }
        }
        writer.input(INPUT, null, 3L, null, null);
        for (int i = 0; i < lastLayers.size(); i++) {
            String lastLayer = lastLayers.get(i);
            if (pendingPads.containsKey(lastLayer)) {
                throw new IllegalArgumentException("layer [" + lastLayer + "] is a ZeroPadding2D: choose the layer that reads it");
            }
            Long c = (long) channels.get(lastLayer);
            if (flat.get(lastLayer)) {
                writer.output(outputNames.get(i), null, c);
            } else {
                writer.output(outputNames.get(i), null, c, null, null);
            }
            writer.node("Identity", List.of(tensors.get(lastLayer)), List.of(outputNames.get(i)));
        }
        return writer.build("instance-retrieval keras converter", docString);
    }

    private void layer(Layer l) {
        String in = l.inbound().isEmpty() ? null : l.inbound().get(0);
        Map<String, Object> cfg = l.config();
        switch (l.className()) {
            case "InputLayer" -> {
                List<Object> shape = list(cfg.get("batch_input_shape"));
                define(l.name(), INPUT, ((Number) shape.get(3)).intValue(), false);
            }
            case "ZeroPadding2D" -> {
                if (pendingPads.containsKey(in)) {
                    throw unsupported(l, "two ZeroPadding2D in a row");
                }
                int[][] p = pairs(cfg.get("padding"));
                pendingPads.put(l.name(), new int[] { p[0][0], p[1][0], p[0][1], p[1][1] });
                define(l.name(), tensors.get(in), channels.get(in), false);
            }
            case "Conv2D", "DepthwiseConv2D" -> convolution(l, in);
            case "BatchNormalization" -> {
                float[][] ab = batchNorm(l, channels.get(in));
                String name = l.name();
                writer.initializer(name + "/mul", new long[] { 1, ab[0].length, 1, 1 }, ab[0]);
                writer.initializer(name + "/add", new long[] { 1, ab[1].length, 1, 1 }, ab[1]);
                writer.node("Mul", List.of(input(l, in), name + "/mul"), List.of(name + "/scaled"));
                writer.node("Add", List.of(name + "/scaled", name + "/add"), List.of(name));
                define(name, name, channels.get(in), false);
            }
            case "ReLU" -> {
                if (number(cfg, "negative_slope", 0) != 0 || number(cfg, "threshold", 0) != 0) {
                    throw unsupported(l, "negative_slope or threshold other than 0");
                }
                Object max = cfg.get("max_value");
                String out = max == null ? relu(input(l, in), l.name()) : clip(input(l, in), l.name(), ((Number) max).floatValue());
                define(l.name(), out, channels.get(in), flat.get(in));
            }
            case "Activation" -> define(l.name(), activation(l, input(l, in), (String) cfg.get("activation"), l.name()), channels.get(in),
                flat.get(in));
            case "Dropout" -> define(l.name(), input(l, in), channels.get(in), flat.get(in));
            case "Add" -> {
                String acc = input(l, in);
                for (int i = 1; i < l.inbound().size(); i++) {
                    String out = i == l.inbound().size() - 1 ? l.name() : l.name() + "/" + i;
                    writer.node("Add", List.of(acc, input(l, l.inbound().get(i))), List.of(out));
                    acc = out;
                }
                define(l.name(), acc, channels.get(in), flat.get(in));
            }
            case "Concatenate" -> {
                int axis = (int) number(cfg, "axis", -1);
                if (axis != -1 && axis != 3) {
                    throw unsupported(l, "axis " + axis + " (only the channel axis)");
                }
                List<String> ins = new ArrayList<>();
                int c = 0;
                for (String i : l.inbound()) {
                    ins.add(input(l, i));
                    c += channels.get(i);
                }
                writer.node("Concat", ins, List.of(l.name()), OnnxGraphWriter.intAttr("axis", 1));
                define(l.name(), l.name(), c, false);
            }
            case "MaxPooling2D", "AveragePooling2D" -> {
                int[] size = ints(cfg.get("pool_size"));
                int[] strides = cfg.get("strides") == null ? size : ints(cfg.get("strides"));
                List<byte[]> attrs = new ArrayList<>(List.of(OnnxGraphWriter.intsAttr("kernel_shape", size[0], size[1]),
                    OnnxGraphWriter.intsAttr("strides", strides[0], strides[1])));
                if ("same".equals(cfg.get("padding"))) {
                    attrs.add(OnnxGraphWriter.stringAttr("auto_pad", "SAME_UPPER"));
                }
                String op = l.className().startsWith("Max") ? "MaxPool" : "AveragePool";
                writer.node(op, List.of(input(l, in)), List.of(l.name()), attrs.toArray(new byte[0][]));
                define(l.name(), l.name(), channels.get(in), false);
            }
            case "GlobalAveragePooling2D" -> {
                writer.node("GlobalAveragePool", List.of(input(l, in)), List.of(l.name() + "/pooled"));
                writer.node("Flatten", List.of(l.name() + "/pooled"), List.of(l.name()), OnnxGraphWriter.intAttr("axis", 1));
                define(l.name(), l.name(), channels.get(in), true);
            }
            case "Flatten" -> {
                writer.node("Flatten", List.of(input(l, in)), List.of(l.name()), OnnxGraphWriter.intAttr("axis", 1));
                define(l.name(), l.name(), channels.get(in), true);
            }
            case "Dense" -> dense(l, in);
            default -> throw unsupported(l, "its class");
        }
    }

    private void convolution(Layer l, String in) {
        Map<String, Object> cfg = l.config();
        boolean depthwise = l.className().equals("DepthwiseConv2D");
        int[] k = ints(cfg.get("kernel_size"));
        int[] strides = ints(cfg.get("strides"));
        int[] dilation = cfg.get("dilation_rate") == null ? new int[] { 1, 1 } : ints(cfg.get("dilation_rate"));
        int inC = channels.get(in);
        Weight kernel = weight(l, depthwise ? "depthwise_kernel" : "kernel");
        int[] s = kernel.shape();
        int outC = depthwise ? s[2] * s[3] : s[3];
        float[] w = new float[outC * (depthwise ? 1 : inC) * k[0] * k[1]];
        for (int y = 0; y < k[0]; y++) {
            for (int x = 0; x < k[1]; x++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int o = 0; o < s[3]; o++) {
                        float v = kernel.values()[((y * k[1] + x) * s[2] + i) * s[3] + o];
                        int oc = depthwise ? i * s[3] + o : o;
                        int ic = depthwise ? 0 : i;
                        w[((oc * (depthwise ? 1 : inC) + ic) * k[0] + y) * k[1] + x] = v;
                    }
                }
            }
        }
        float[] b = new float[outC];
        if (Boolean.TRUE.equals(cfg.get("use_bias"))) {
            b = weight(l, "bias").values().clone();
        }
        String activation = (String) cfg.getOrDefault("activation", "linear");
        String outName = l.name();
        List<String> readersOfConv = readers.getOrDefault(l.name(), List.of());
        if ("linear".equals(activation) && lastSet.contains(l.name()) == false && readersOfConv.size() == 1
            && model.layer(readersOfConv.get(0)).className().equals("BatchNormalization")) {
            Layer bn = model.layer(readersOfConv.get(0));
            float[][] ab = batchNorm(bn, outC);
            int per = w.length / outC;
            for (int oc = 0; oc < outC; oc++) {
                for (int j = 0; j < per; j++) {
                    w[oc * per + j] = (float) ((double) w[oc * per + j] * ab[0][oc]);
                }
                b[oc] = (float) ((double) b[oc] * ab[0][oc] + ab[1][oc]);
            }
            folded.add(bn.name());
            outName = bn.name();
        }
        List<byte[]> attrs = new ArrayList<>();
        attrs.add(OnnxGraphWriter.intsAttr("kernel_shape", k[0], k[1]));
        attrs.add(OnnxGraphWriter.intsAttr("strides", strides[0], strides[1]));
        attrs.add(OnnxGraphWriter.intsAttr("dilations", dilation[0], dilation[1]));
        if (depthwise) {
            attrs.add(OnnxGraphWriter.intAttr("group", inC));
        }
        int[] pads = pendingPads.getOrDefault(in, new int[4]).clone();
        if ("same".equals(cfg.get("padding"))) {
            if (strides[0] == 1 && strides[1] == 1) {
                for (int d = 0; d < 2; d++) {
                    int total = (k[d] - 1) * dilation[d];
                    pads[d] += total / 2;
                    pads[d + 2] += total - total / 2;
                }
            } else if (pendingPads.containsKey(in)) {
                throw unsupported(l, "'same' padding with a stride after a ZeroPadding2D");
            } else {
                attrs.add(OnnxGraphWriter.stringAttr("auto_pad", "SAME_UPPER"));
                pads = null;
            }
        } else if ("valid".equals(cfg.get("padding")) == false) {
            throw unsupported(l, "padding [" + cfg.get("padding") + "]");
        }
        if (pads != null) {
            attrs.add(OnnxGraphWriter.intsAttr("pads", pads[0], pads[1], pads[2], pads[3]));
        }
        writer.initializer(l.name() + "/W", new long[] { outC, depthwise ? 1 : inC, k[0], k[1] }, w);
        writer.initializer(l.name() + "/B", new long[] { outC }, b);
        String convOut = "linear".equals(activation) ? outName : outName + "/linear";
        writer.node("Conv", List.of(tensors.get(in), l.name() + "/W", l.name() + "/B"), List.of(convOut), attrs.toArray(new byte[0][]));
        String out = activation(l, convOut, activation, outName);
        define(l.name(), out, outC, false);
        if (outName.equals(l.name()) == false) {
            define(outName, out, outC, false);
        }
    }

    private void dense(Layer l, String in) {
        Weight kernel = weight(l, "kernel");
        int inC = kernel.shape()[0], outC = kernel.shape()[1];
        float[] b = Boolean.TRUE.equals(l.config().get("use_bias")) ? weight(l, "bias").values() : new float[outC];
        writer.initializer(l.name() + "/W", new long[] { inC, outC }, kernel.values());
        writer.initializer(l.name() + "/B", new long[] { outC }, b);
        writer.node("Gemm", List.of(input(l, in), l.name() + "/W", l.name() + "/B"), List.of(l.name() + "/linear"));
        define(l.name(), activation(l, l.name() + "/linear", (String) l.config().get("activation"), l.name()), outC, true);
    }

    /** Per-channel {@code a, b} with {@code bn(x) = a x + b}, computed in double. */
    private float[][] batchNorm(Layer bn, int c) {
        Map<String, Object> cfg = bn.config();
        int axis = (int) number(cfg, "axis", -1);
        if (axis != -1 && axis != 3) {
            throw unsupported(bn, "axis " + axis);
        }
        double eps = number(cfg, "epsilon", 1e-3);
        Weight gamma = Boolean.FALSE.equals(cfg.get("scale")) ? null : weight(bn, "gamma");
        Weight beta = Boolean.FALSE.equals(cfg.get("center")) ? null : weight(bn, "beta");
        Weight mean = weight(bn, "moving_mean");
        Weight var = weight(bn, "moving_variance");
        float[][] ab = new float[2][c];
        for (int i = 0; i < c; i++) {
            double v = var.values()[i];
            if (varianceRule == ZeroCodeVariance.BIN_CENTRE && var.codes() != null && var.codes()[i] == 0) {
                v = (float) (var.min() + var.scale() / 4);
            }
            double a = (gamma == null ? 1.0 : gamma.values()[i]) / Math.sqrt(v + eps);
            ab[0][i] = (float) a;
            ab[1][i] = (float) ((beta == null ? 0.0 : beta.values()[i]) - mean.values()[i] * a);
        }
        return ab;
    }

    private String activation(Layer l, String x, String activation, String out) {
        return switch (activation == null ? "linear" : activation) {
            case "linear" -> x;
            case "relu" -> relu(x, out);
            case "softmax" -> {
                writer.node("Softmax", List.of(x), List.of(out), OnnxGraphWriter.intAttr("axis", 1));
                yield out;
            }
            default -> throw unsupported(l, "activation [" + activation + "]");
        };
    }

    private String relu(String x, String out) {
        writer.node("Relu", List.of(x), List.of(out));
        return out;
    }

    private String clip(String x, String out, float max) {
        writer.initializer(out + "/min", new long[0], new float[] { 0f });
        writer.initializer(out + "/max", new long[0], new float[] { max });
        writer.node("Clip", List.of(x, out + "/min", out + "/max"), List.of(out));
        return out;
    }

    private String input(Layer l, String in) {
        if (pendingPads.containsKey(in)) {
            throw unsupported(l, "reading a ZeroPadding2D (only a convolution may)");
        }
        return tensors.get(in);
    }

    private void define(String layer, String tensor, int c, boolean isFlat) {
        tensors.put(layer, tensor);
        channels.put(layer, c);
        flat.put(layer, isFlat);
    }

    private Weight weight(Layer l, String suffix) {
        Weight w = model.weight(l.name() + "/" + suffix);
        if (w == null) {
            throw new IllegalArgumentException("layer [" + l.name() + "] has no weight [" + l.name() + "/" + suffix + "]");
        }
        return w;
    }

    private static double number(Map<String, Object> cfg, String key, double dflt) {
        Object v = cfg.get(key);
        return v == null ? dflt : ((Number) v).doubleValue();
    }

    private static int[] ints(Object o) {
        if (o instanceof Number n) {
            return new int[] { n.intValue(), n.intValue() };
        }
        List<Object> l = list(o);
        return new int[] { ((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue() };
    }

    private static int[][] pairs(Object o) {
        if (o instanceof Number n) {
            return new int[][] { { n.intValue(), n.intValue() }, { n.intValue(), n.intValue() } };
        }
        List<Object> l = list(o);
        int[][] p = new int[2][];
        for (int d = 0; d < 2; d++) {
            p[d] = l.get(d) instanceof Number n ? new int[] { n.intValue(), n.intValue() } : ints(l.get(d));
        }
        return p;
    }

    private static IllegalArgumentException unsupported(Layer l, String what) {
        return new IllegalArgumentException("layer [" + l.name() + "] of class [" + l.className() + "] is not supported: " + what);
    }
}
