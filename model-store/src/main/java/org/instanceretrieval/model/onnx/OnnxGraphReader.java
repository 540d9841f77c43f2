package org.instanceretrieval.model.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX ModelProto that a shape analysis needs, read from the protobuf wire format with the field numbers
 * of {@code onnx.proto} (the same ones {@link OnnxGraphWriter} writes): the main graph's nodes in file order (which ONNX
 * requires to be topological), its input names, and each initializer's (and each {@code Constant} node's) dims, plus its
 * values when it is a small INT64 or FLOAT tensor (at most {@value #SMALL} values: pads, scales, sizes). Large weights
 * are skipped, never copied. Subgraphs (attributes of If / Loop) are not read. Immutable.
 */
final class OnnxGraphReader {

    /** Tensors with more values than this keep only their dims. */
    static final int SMALL = 64;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    /** A tensor's dims, and its values when small: {@code ints} for INT64, {@code floats} for FLOAT (else null). */
    record Tensor(long[] dims, long[] ints, float[] floats) {}

    /** An attribute: the int, the ints, the string, the float, the floats or the tensor, whichever was set. */
    record Attribute(long i, long[] ints, String s, float f, float[] floats, Tensor t) {}

    record Node(String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {

        /** The input at {@code index}, or "" when absent (ONNX writes "" for an omitted optional input). */
        String input(int index) {
            return index < inputs.size() ? inputs.get(index) : "";
        }

        long intAttr(String name, long missing) {
            Attribute a = attributes.get(name);
            return a == null ? missing : a.i();
        }

        long[] intsAttr(String name) {
            Attribute a = attributes.get(name);
            return a == null || a.ints().length == 0 ? null : a.ints();
        }

        String stringAttr(String name, String missing) {
            Attribute a = attributes.get(name);
            return a == null || a.s() == null ? missing : a.s();
        }
    }

    final List<Node> nodes;
    /** Graph inputs, initializers included (older exporters list them as inputs). */
    final List<String> inputs;
    /** Initializers and {@code Constant} node outputs by name. */
    final Map<String, Tensor> constants;

    private OnnxGraphReader(List<Node> nodes, List<String> inputs, Map<String, Tensor> constants) {
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.constants = Map.copyOf(constants);
    }

    /** @throws IOException when the bytes are not a protobuf message with a graph */
    static OnnxGraphReader read(byte[] onnx) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(onnx);
        OnnxGraphReader graph = null;
        for (int tag; (tag = in.readTag()) != 0;) {
            if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                graph = readGraph(in);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        if (graph == null) {
            throw new IOException("no graph in the model");
        }
        return graph;
    }

    private static OnnxGraphReader readGraph(CodedInputStream in) throws IOException {
        List<Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        Map<String, Tensor> constants = new HashMap<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    Node node = sub(in, OnnxGraphReader::readNode);
                    nodes.add(node);
                    Attribute value = node.attributes().get("value");
                    if ("Constant".equals(node.opType()) && value != null && value.t() != null && node.outputs().size() == 1) {
                        constants.put(node.outputs().get(0), value.t());
                    }
                }
                case 5 -> {
                    String[] name = new String[1];
                    Tensor t = sub(in, i -> readTensor(i, name));
                    constants.put(name[0], t);
                }
                case 11 -> inputs.add(sub(in, OnnxGraphReader::readName));
                default -> in.skipField(tag);
            }
        }
        return new OnnxGraphReader(nodes, inputs, constants);
    }

    private interface Reader<T> {
        T read(CodedInputStream in) throws IOException;
    }

    private static <T> T sub(CodedInputStream in, Reader<T> reader) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        T value = reader.read(in);
        in.popLimit(limit);
        return value;
    }

    /** ValueInfoProto.name (field 1). */
    private static String readName(CodedInputStream in) throws IOException {
        String name = "";
        for (int tag; (tag = in.readTag()) != 0;) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                name = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
            }
        }
        return name;
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String op = "";
        String domain = "";
        Map<String, Attribute> attributes = new HashMap<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 4 -> op = in.readStringRequireUtf8();
                case 7 -> domain = in.readStringRequireUtf8();
                case 5 -> {
                    String[] name = new String[1];
                    Attribute a = sub(in, i -> readAttribute(i, name));
                    attributes.put(name[0], a);
                }
                default -> in.skipField(tag);
            }
        }
        return new Node(op, domain, inputs, outputs, attributes);
    }

    private static Attribute readAttribute(CodedInputStream in, String[] name) throws IOException {
        long i = 0;
        float f = 0;
        String s = null;
        Tensor t = null;
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name[0] = in.readStringRequireUtf8();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> s = in.readBytes().toStringUtf8();
                case 5 -> t = sub(in, x -> readTensor(x, new String[1]));
                case 7 -> readRepeated(in, tag, () -> floats.add(in.readFloat()));
                case 8 -> readRepeated(in, tag, () -> ints.add(in.readInt64()));
                default -> in.skipField(tag);
            }
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) {
            fs[k] = floats.get(k);
        }
        return new Attribute(i, ints.stream().mapToLong(Long::longValue).toArray(), s, f, fs, t);
    }

    private interface Element {
        void read() throws IOException;
    }

    /** One element, or a packed run of them. */
    private static void readRepeated(CodedInputStream in, int tag, Element element) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                element.read();
            }
            in.popLimit(limit);
        } else {
            element.read();
        }
    }

    private static Tensor readTensor(CodedInputStream in, String[] name) throws IOException {
        List<Long> dims = new ArrayList<>();
        List<Long> int64s = new ArrayList<>();
        List<Float> floatData = new ArrayList<>();
        int type = 0;
        byte[] raw = null;
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readRepeated(in, tag, () -> dims.add(in.readInt64()));
                case 2 -> type = in.readInt32();
                case 4 -> readRepeated(in, tag, () -> { if (floatData.size() <= SMALL) floatData.add(in.readFloat()); else in.readFloat(); });
                case 7 -> readRepeated(in, tag, () -> { if (int64s.size() <= SMALL) int64s.add(in.readInt64()); else in.readInt64(); });
                case 8 -> name[0] = in.readStringRequireUtf8();
                case 9 -> {
                    int length = in.readRawVarint32();
                    if (length <= SMALL * 8) {
                        raw = in.readRawBytes(length);
                    } else {
                        in.skipRawBytes(length);
                    }
                }
                default -> in.skipField(tag);
            }
        }
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        long[] ints = null;
        float[] floats = null;
        if (count <= SMALL && type == INT64) {
            ByteBuffer b = raw == null ? null : ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            ints = b != null ? new long[raw.length / 8] : int64s.stream().mapToLong(Long::longValue).toArray();
            for (int k = 0; b != null && k < ints.length; k++) {
                ints[k] = b.getLong();
            }
        } else if (count <= SMALL && type == FLOAT) {
            ByteBuffer b = raw == null ? null : ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            floats = new float[b != null ? raw.length / 4 : floatData.size()];
            for (int k = 0; k < floats.length; k++) {
                floats[k] = b != null ? b.getFloat() : floatData.get(k);
            }
        }
        return new Tensor(dims.stream().mapToLong(Long::longValue).toArray(), ints, floats);
    }
}
