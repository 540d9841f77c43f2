package org.instanceretrieval.model.keras;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TensorFlow.js Keras "layers" model as the npm package {@code nsfwjs} ships it: a model JS
 * bundle ({@code model.min.js}) whose module exports the model JSON ({@code modelTopology} +
 * {@code weightsManifest}) as a JS object literal, and weight shards ({@code <path>.min.js})
 * whose modules export the shard bytes as one base64 string. A plain {@code model.json} with
 * binary shards ({@code <path>}) is read too.
 * <p>
 * Weights are dequantised as TF.js does ({@code value = min + scale * code} for
 * {@code uint8}/{@code uint16} quantisation); the codes are kept so a caller can tell values
 * that were rounded to the bottom of their range. Immutable.
 */
public final class TfjsLayersModel {

    /** One layer of the functional model: its inbound layers in order (first node only). */
    public record Layer(String name, String className, Map<String, Object> config, List<String> inbound) {}

    /**
     * One weight tensor, Keras layout ({@code [kh, kw, in, out]} for a convolution kernel).
     * {@code codes} is null for unquantised weights; then {@code min} and {@code scale} are NaN.
     */
    public record Weight(String name, int[] shape, float[] values, int[] codes, double min, double scale) {}

    private final List<Layer> layers;
    private final Map<String, Weight> weights;

    private TfjsLayersModel(List<Layer> layers, Map<String, Weight> weights) {
        this.layers = layers;
        this.weights = weights;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(String name) {
        for (Layer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("the model has no layer [" + name + "]");
    }

    /** The weight of that name, or null. */
    public Weight weight(String name) {
        return weights.get(name);
    }

    /** Reads {@code model.min.js} (or {@code model.json}) and its shards from the same directory. */
    public static TfjsLayersModel load(Path modelFile) throws IOException {
        String text = Files.readString(modelFile, StandardCharsets.UTF_8);
        int start = text.indexOf("{modelTopology");
        if (start < 0) {
            start = text.indexOf("{\"modelTopology\"");
        }
        if (start < 0) {
            throw new IllegalArgumentException("[" + modelFile + "] holds no object with a modelTopology");
        }
        Map<String, Object> root = map(JsLiteral.parse(text, start));
        Map<String, Object> topology = map(root.get("modelTopology"));
        Map<String, Object> modelConfig = map(topology.containsKey("model_config") ? topology.get("model_config") : topology);
        List<Layer> layers = new ArrayList<>();
        for (Object o : list(map(modelConfig.get("config")).get("layers"))) {
            Map<String, Object> l = map(o);
            List<String> inbound = new ArrayList<>();
            List<Object> nodes = list(l.get("inbound_nodes"));
            if (nodes.isEmpty() == false) {
                for (Object in : list(nodes.get(0))) {
                    inbound.add((String) list(in).get(0));
                }
            }
            layers.add(new Layer((String) l.get("name"), (String) l.get("class_name"), map(l.get("config")), List.copyOf(inbound)));
        }
        Map<String, Weight> weights = new LinkedHashMap<>();
        for (Object g : list(root.get("weightsManifest"))) {
            Map<String, Object> group = map(g);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (Object p : list(group.get("paths"))) {
                bytes.write(shard(modelFile.resolveSibling((String) p)));
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (Object w : list(group.get("weights"))) {
                Weight weight = readWeight(map(w), buf);
                weights.put(weight.name(), weight);
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("weight group of " + list(group.get("paths")) + " has " + buf.remaining() + " bytes unread");
            }
        }
        return new TfjsLayersModel(List.copyOf(layers), Collections.unmodifiableMap(weights));
    }

    private static byte[] shard(Path path) throws IOException {
        Path js = path.resolveSibling(path.getFileName() + ".min.js");
        if (Files.exists(js)) {
            String text = Files.readString(js, StandardCharsets.US_ASCII);
            int start = text.indexOf("exports=\"");
            if (start < 0) {
                throw new IllegalArgumentException("[" + js + "] exports no base64 string");
            }
            start += "exports=\"".length();
            return Base64.getDecoder().decode(text.substring(start, text.indexOf('"', start)));
        }
        return Files.readAllBytes(path);
    }

    private static Weight readWeight(Map<String, Object> w, ByteBuffer buf) {
        String name = (String) w.get("name");
        List<Object> dims = list(w.get("shape"));
        int[] shape = new int[dims.size()];
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) dims.get(i)).intValue();
            count *= shape[i];
        }
        if ("float32".equals(w.get("dtype")) == false) {
            throw new IllegalArgumentException("weight [" + name + "] has dtype [" + w.get("dtype") + "]; only float32 is supported");
        }
        float[] values = new float[count];
        Object q = w.get("quantization");
        if (q == null) {
            for (int i = 0; i < count; i++) {
                values[i] = buf.getFloat();
            }
            return new Weight(name, shape, values, null, Double.NaN, Double.NaN);
        }
        Map<String, Object> quant = map(q);
        String type = (String) quant.get("dtype");
        double min = ((Number) quant.get("min")).doubleValue();
        double scale = ((Number) quant.get("scale")).doubleValue();
        int[] codes = new int[count];
        for (int i = 0; i < count; i++) {
            codes[i] = switch (type) {
                case "uint8" -> buf.get() & 0xFF;
                case "uint16" -> buf.getShort() & 0xFFFF;
                default -> throw new IllegalArgumentException("weight [" + name + "] has quantization dtype [" + type + "]");
            };
            // As TF.js: computed in double (JS numbers), stored in a Float32Array.
            values[i] = (float) (codes[i] * scale + min);
        }
        return new Weight(name, shape, values, codes, min, scale);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o, "expected an object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) Objects.requireNonNull(o, "expected an array");
    }
}
