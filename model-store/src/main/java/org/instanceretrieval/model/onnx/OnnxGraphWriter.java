package org.instanceretrieval.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small ONNX model (a single float graph in the default domain) in the protobuf wire
 * format of {@code onnx.proto}, so the plugin can build its own models without a download.
 * Only what our built-in models and tests need is supported: float tensors, float and int64 initializers, nodes
 * with int, ints, float and string attributes. Field numbers follow onnx.proto (ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
 * Not thread-safe; build once.
 */
public final class OnnxGraphWriter {

    /** ONNX IR version 8 (ONNX 1.10+) with opset 17: read by every ONNX Runtime since 1.14. */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT

    private final String graphName;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();

    public OnnxGraphWriter(String graphName) {
        this.graphName = graphName;
    }

    /** A float graph input; a dimension given as {@code null} is symbolic (named {@code name_dimI}). */
    public OnnxGraphWriter input(String name, Long... dims) {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    /** A float graph output; a dimension given as {@code null} is symbolic. */
    public OnnxGraphWriter output(String name, Long... dims) {
        outputs.add(valueInfo(name, dims));
        return this;
    }

    /** A constant float tensor (weights) stored little-endian in raw_data. */
    public OnnxGraphWriter initializer(String name, long[] dims, float[] values) {
        long expected = 1;
        for (long d : dims) {
            expected *= d;
        }
        if (expected != values.length) {
            throw new IllegalArgumentException("initializer [" + name + "] has " + values.length + " values for a shape of " + expected);
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, FLOAT);
            out.writeString(8, name);
            out.writeBytes(9, ByteString.copyFrom(raw.array()));
        }));
        return this;
    }

    /** A constant int64 tensor (pads, sizes, shapes) stored in int64_data. */
    public OnnxGraphWriter int64Initializer(String name, long[] dims, long... values) {
        initializers.add(message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, 7); // TensorProto.DataType.INT64
            for (long v : values) {
                out.writeInt64(7, v);
            }
            out.writeString(8, name);
        }));
        return this;
    }

    /** A node of the default domain; attributes from {@link #intAttr}, {@link #intsAttr}, {@link #floatAttr}. */
    public OnnxGraphWriter node(String opType, List<String> in, List<String> out, byte[]... attributes) {
        String nodeName = opType + "_" + nodes.size();
        nodes.add(message(o -> {
            for (String i : in) {
                o.writeString(1, i);
            }
            for (String x : out) {
                o.writeString(2, x);
            }
            o.writeString(3, nodeName);
            o.writeString(4, opType);
            for (byte[] a : attributes) {
                o.writeByteArray(5, a);
            }
        }));
        return this;
    }

    public static byte[] intAttr(String name, long value) {
        return message(o -> { o.writeString(1, name); o.writeInt64(3, value); o.writeInt32(20, 2); });
    }

    public static byte[] intsAttr(String name, long... values) {
        return message(o -> {
            o.writeString(1, name);
            for (long v : values) {
                o.writeInt64(8, v);
            }
            o.writeInt32(20, 7);
        });
    }

    public static byte[] stringAttr(String name, String value) {
        return message(o -> { o.writeString(1, name); o.writeString(4, value); o.writeInt32(20, 3); });
    }

    public static byte[] floatAttr(String name, float value) {
        return message(o -> { o.writeString(1, name); o.writeFloat(2, value); o.writeInt32(20, 1); });
    }

    /** The serialised ModelProto. */
    public byte[] build(String producer, String docString) {
        byte[] graph = message(o -> {
            for (byte[] n : nodes) {
                o.writeByteArray(1, n);
            }
            o.writeString(2, graphName);
            for (byte[] t : initializers) {
                o.writeByteArray(5, t);
            }
            o.writeString(10, docString);
            for (byte[] i : inputs) {
                o.writeByteArray(11, i);
            }
            for (byte[] x : outputs) {
                o.writeByteArray(12, x);
            }
        });
        byte[] opset = message(o -> { o.writeString(1, ""); o.writeInt64(2, OPSET); });
        return message(o -> {
            o.writeInt64(1, IR_VERSION);
            o.writeString(2, producer);
            o.writeString(6, docString);
            o.writeByteArray(7, graph);
            o.writeByteArray(8, opset);
        });
    }

    private static byte[] valueInfo(String name, Long... dims) {
        byte[] shape = message(o -> {
            for (int i = 0; i < dims.length; i++) {
                Long d = dims[i];
                String param = name + "_dim" + i;
                o.writeByteArray(1, message(dim -> {
                    if (d == null) {
                        dim.writeString(2, param);
                    } else {
                        dim.writeInt64(1, d);
                    }
                }));
            }
        });
        byte[] tensorType = message(o -> { o.writeInt32(1, FLOAT); o.writeByteArray(2, shape); });
        byte[] type = message(o -> o.writeByteArray(1, tensorType));
        return message(o -> { o.writeString(1, name); o.writeByteArray(2, type); });
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
