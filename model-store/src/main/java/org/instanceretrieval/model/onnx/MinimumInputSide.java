package org.instanceretrieval.model.onnx;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The smallest square input side {@code s} on which an ONNX network with an image input {@code [N, 3, H, W]} leaves every
 * convolution and pooling output at least one pixel high and wide: ONNX Runtime aborts the whole process (not an
 * exception) when a Conv or pool would produce an empty output, so inputs with a side below {@link #side()} must be refused
 * before they reach it. Immutable.
 * <p>
 * How: forward propagation of the spatial size {@code (H, W)} from the graph input {@code (s, s)} through the nodes in file
 * order (ONNX requires it to be topological), with the operator spec's output-size formulas; the smallest {@code s} in
 * {@code 1..}{@value #MAX_SIDE} that keeps every followed size at least 1 is found by binary search (each followed size is
 * non-decreasing in {@code s}). The rule per operator (default domain), for an input whose size is followed:
 * <ul>
 *   <li>Conv, ConvInteger, QLinearConv, MaxPool, AveragePool, LpPool: {@code kernel_shape} (for convolutions, the weight's
 *       dims 2 and 3 when the attribute is absent), {@code strides}, {@code pads}, {@code dilations}, {@code auto_pad}
 *       (NOTSET, VALID, SAME_UPPER, SAME_LOWER) and, for pools, {@code ceil_mode} (with the spec's rule that a window
 *       starting in the end padding is dropped). An output side below 1 means {@code s} does not fit.</li>
 *   <li>GlobalAveragePool, GlobalMaxPool, GlobalLpPool: 1 x 1.</li>
 *   <li>Pad: adds the constant pads (the {@code pads} input from an initializer or Constant, or the attribute before
 *       opset 11); Resize / Upsample: constant {@code scales} (floor(side * scale)) or {@code sizes}.</li>
 *   <li>Concat: the inputs' size, or their sum along a spatial axis; Split along a non-spatial axis and the elementwise and
 *       shape-keeping operators of {@link #KEEP} (activations, arithmetic with broadcasting, normalisations, casts,
 *       (de)quantisation): the largest size of their followed inputs.</li>
 *   <li>Anything else (Reshape, Flatten, Transpose, Slice, Gemm, a computed Pad or Resize, other domains, ...) is not
 *       followed: its outputs' sizes are unknown and the layers fed only by them are not checked. The op types where this
 *       happened are {@link #unfollowed()}; {@link #uncheckedLayers()} counts the convolutions and pools it left
 *       unchecked (0 for the built-in models and for plain convolutional trunks and classifiers).</li>
 * </ul>
 * The formulas are the spec's (floor, or ceil for {@code ceil_mode}). ONNX Runtime 1.29 computes some sizes with C++
 * truncation instead and runs, for example, a 2 x 2 stride-2 pool on a 1 x 1 input; the spec's stricter value is the guard,
 * so such an input is refused although ONNX Runtime would have run it. Bytes that are not an ONNX graph give side 1 with
 * nothing followed (ONNX Runtime refuses to load them anyway).
 */
public final class MinimumInputSide {

    /** The largest side searched; a network that fits no side up to it gets {@code MAX_SIDE + 1}. */
    public static final int MAX_SIDE = 4096;

    /** Operators whose output keeps the spatial size of their (broadcast) inputs. */
    static final Set<String> KEEP = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Sigmoid", "HardSigmoid",
        "HardSwish", "Tanh", "Softplus", "Softsign", "Mish", "Clip", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
        "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Erf", "Sign", "Where", "Cast", "Identity",
        "Dropout", "BatchNormalization", "InstanceNormalization", "LRN", "Softmax", "LogSoftmax", "QuantizeLinear",
        "DequantizeLinear", "Split");
    private static final Set<String> CONV = Set.of("Conv", "ConvInteger", "QLinearConv");
    private static final Set<String> POOL = Set.of("MaxPool", "AveragePool", "LpPool");
    private static final Set<String> GLOBAL = Set.of("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool");

    private final int side;
    private final Set<String> unfollowed;
    private final int uncheckedLayers;

    private MinimumInputSide(int side, Set<String> unfollowed, int uncheckedLayers) {
        this.side = side;
        this.unfollowed = Set.copyOf(unfollowed);
        this.uncheckedLayers = uncheckedLayers;
    }

    /** Analyses the serialised ModelProto {@code onnx}; never throws on bad bytes (see the class comment). */
    public static MinimumInputSide of(byte[] onnx) {
        OnnxGraphReader graph;
        try {
            graph = OnnxGraphReader.read(onnx);
        } catch (IOException | RuntimeException e) {
            return new MinimumInputSide(1, Set.of(), 0);
        }
        String input = graph.inputs.stream().filter(n -> graph.constants.containsKey(n) == false).findFirst().orElse(null);
        if (input == null) {
            return new MinimumInputSide(1, Set.of(), 0);
        }
        int low = 1;
        int high = MAX_SIDE + 1; // invariant: high fits or is MAX_SIDE + 1; every side below low does not fit
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (new Run(graph, input).fits(mid)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        Run last = new Run(graph, input);
        last.fits(Math.min(low, MAX_SIDE));
        return new MinimumInputSide(low, last.unfollowed, last.unchecked);
    }

    /** The smallest input height and width the network can run on, at least 1. */
    public int side() {
        return side;
    }

    /** Op types whose outputs' spatial sizes were not followed (sorted). */
    public Set<String> unfollowed() {
        return new TreeSet<>(unfollowed);
    }

    /** How many convolutions and pools had an input of unknown size, so were not checked. */
    public int uncheckedLayers() {
        return uncheckedLayers;
    }

    @Override
    public String toString() {
        return "minimum input side " + side + (uncheckedLayers > 0 ? " (" + uncheckedLayers + " layers after " + unfollowed()
            + " not checked)" : "");
    }

    /** One propagation for one candidate side. */
    private static final class Run {
        private final OnnxGraphReader graph;
        private final String input;
        private final Map<String, long[]> sizes = new HashMap<>();
        final Set<String> unfollowed = new TreeSet<>();
        int unchecked;

        Run(OnnxGraphReader graph, String input) {
            this.graph = graph;
            this.input = input;
        }

        boolean fits(int s) {
            sizes.put(input, new long[] { s, s });
            for (OnnxGraphReader.Node node : graph.nodes) {
                long[] in = sizes.get(node.input(0));
                boolean known = node.inputs().stream().anyMatch(sizes::containsKey);
                String op = node.domain().isEmpty() || "ai.onnx".equals(node.domain()) ? node.opType() : node.domain() + "." + node.opType();
                boolean layer = CONV.contains(op) || POOL.contains(op);
                if (known == false) {
                    unchecked += layer ? 1 : 0;
                    continue;
                }
                long[] out = layer ? window(node, in, POOL.contains(op))
                    : GLOBAL.contains(op) ? new long[] { 1, 1 }
                    : "Pad".equals(op) ? pad(node, in)
                    : "Resize".equals(op) || "Upsample".equals(op) ? resize(node, in)
                    : "Concat".equals(op) ? concat(node)
                    : KEEP.contains(op) && spatialAxis(node, "Split", 0) == false ? largest(node) : null;
                if (out == null) {
                    unfollowed.add(op);
                    unchecked += layer ? 1 : 0;
                    continue;
                }
                if (out[0] < 1 || out[1] < 1) {
                    return false;
                }
                List<String> outputs = "Split".equals(op) || "MaxPool".equals(op) ? node.outputs() : node.outputs().subList(0, 1);
                outputs.forEach(name -> sizes.put(name, out));
            }
            return true;
        }

        /** The spec's formulas for Conv and the pools; null when the kernel is unknown or not 2-D. */
        private long[] window(OnnxGraphReader.Node node, long[] in, boolean pool) {
            long[] kernel = node.intsAttr("kernel_shape");
            if (kernel == null && pool == false) {
                OnnxGraphReader.Tensor w = graph.constants.get(node.input("QLinearConv".equals(node.opType()) ? 3 : 1));
                kernel = w == null || w.dims().length != 4 ? null : new long[] { w.dims()[2], w.dims()[3] };
            }
            if (in == null || kernel == null || kernel.length != 2) {
                return null;
            }
            long[] strides = orDefault(node.intsAttr("strides"), 2, 1);
            long[] dilations = orDefault(node.intsAttr("dilations"), 2, 1);
            long[] pads = orDefault(node.intsAttr("pads"), 4, 0);
            String autoPad = node.stringAttr("auto_pad", "NOTSET");
            boolean ceil = pool && node.intAttr("ceil_mode", 0) != 0;
            long[] out = new long[2];
            for (int a = 0; a < 2; a++) {
                long effective = dilations[a] * (kernel[a] - 1) + 1;
                if (autoPad.startsWith("SAME")) {
                    out[a] = ceilDiv(in[a], strides[a]);
                } else if ("VALID".equals(autoPad)) {
                    out[a] = ceilDiv(in[a] - effective + 1, strides[a]);
                } else {
                    long span = in[a] + pads[a] + pads[a + 2] - effective;
                    out[a] = (ceil ? ceilDiv(span, strides[a]) : Math.floorDiv(span, strides[a])) + 1;
                    if (ceil && out[a] > 1 && (out[a] - 1) * strides[a] >= in[a] + pads[a]) {
                        out[a]--; // the last window would start in the end padding
                    }
                }
            }
            return out;
        }

        private long[] pad(OnnxGraphReader.Node node, long[] in) {
            OnnxGraphReader.Tensor t = graph.constants.get(node.input(1));
            long[] pads = t != null ? t.ints() : node.input(1).isEmpty() ? node.intsAttr("pads") : null;
            if (in == null || pads == null || pads.length != 8 || node.input(3).isEmpty() == false) {
                return null;
            }
            return new long[] { in[0] + pads[2] + pads[6], in[1] + pads[3] + pads[7] };
        }

        private long[] resize(OnnxGraphReader.Node node, long[] in) {
            boolean upsample = "Upsample".equals(node.opType());
            // Upsample and Resize-10: (X, scales); Resize-11+: (X, roi, scales, sizes)
            OnnxGraphReader.Tensor scales = graph.constants.get(node.input(upsample || node.inputs().size() == 2 ? 1 : 2));
            OnnxGraphReader.Tensor sizesInput = upsample ? null : graph.constants.get(node.input(3));
            if (in == null || "tf_crop_and_resize".equals(node.stringAttr("coordinate_transformation_mode", ""))) {
                return null;
            }
            if (scales != null && scales.floats() != null && scales.floats().length == 4) {
                return new long[] { (long) Math.floor(in[0] * (double) scales.floats()[2]), (long) Math.floor(in[1] * (double) scales.floats()[3]) };
            }
            if (sizesInput != null && sizesInput.ints() != null && sizesInput.ints().length == 4) {
                return new long[] { sizesInput.ints()[2], sizesInput.ints()[3] };
            }
            return null;
        }

        private long[] concat(OnnxGraphReader.Node node) {
            if (spatialAxis(node, "Concat", 1) == false) {
                return largest(node);
            }
            int axis = (int) Math.floorMod(node.intAttr("axis", 1), 4) - 2;
            long[] out = null;
            for (String name : node.inputs()) {
                long[] s = sizes.get(name);
                if (s == null) {
                    return null; // a spatial concat with an input of unknown size
                }
                if (out == null) {
                    out = s.clone();
                } else {
                    out[axis] += s[axis];
                }
            }
            return out;
        }

        /** Whether {@code node} is a {@code op} along H or W ({@code axis} attribute, default {@code missing}). */
        private static boolean spatialAxis(OnnxGraphReader.Node node, String op, long missing) {
            return op.equals(node.opType()) && Math.floorMod(node.intAttr("axis", missing), 4) >= 2;
        }

        /** The largest size of the followed inputs (numpy broadcasting). */
        private long[] largest(OnnxGraphReader.Node node) {
            long[] out = null;
            for (String name : node.inputs()) {
                long[] s = sizes.get(name);
                if (s != null) {
                    out = out == null ? s.clone() : new long[] { Math.max(out[0], s[0]), Math.max(out[1], s[1]) };
                }
            }
            return out;
        }

        private static long[] orDefault(long[] values, int length, long missing) {
            if (values != null && values.length == length) {
                return values;
            }
            long[] d = new long[length];
            Arrays.fill(d, missing);
            return d;
        }

        private static long ceilDiv(long a, long b) {
            return -Math.floorDiv(-a, b);
        }
    }
}
