package org.instanceretrieval.model.keras;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes a small MobileNetV2-like TF.js layers model in the form nsfwjs ships (a minified JS
 * module exporting the model as a JS object literal with bare keys and {@code !0}/{@code !1}, and a
 * shard module exporting base64 uint8 codes) and keeps, for the test's own reference, the
 * dequantised weights computed here ({@code code * scale + min}).
 */
final class TinyBundle {

    /** Layer name, class, JS config literal, inbound layer names. */
    record Layer(String name, String cls, String config, List<String> inbound) {}

    final List<Layer> layers = new ArrayList<>();
    final Map<String, int[]> shapes = new LinkedHashMap<>();
    final Map<String, double[]> dequantised = new LinkedHashMap<>();
    private final Map<String, String> quantJs = new LinkedHashMap<>();
    private final ByteArrayOutputStream codes = new ByteArrayOutputStream();
    private final Random random;

    TinyBundle(long seed) {
        this.random = new Random(seed);
    }

    TinyBundle layer(String name, String cls, String config, String... inbound) {
        layers.add(new Layer(name, cls, config, List.of(inbound)));
        return this;
    }

    /** A weight of uniform random values in [lo, hi], quantised to uint8 over its own range. */
    TinyBundle weight(String name, double lo, double hi, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextDouble();
        }
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return quantised(name, v, min, (max - min) / 255, shape);
    }

    /** A weight given exactly, quantised with the given min and scale. */
    TinyBundle quantised(String name, double[] v, double min, double scale, int... shape) {
        double[] deq = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int code = (int) Math.max(0, Math.min(255, Math.round((v[i] - min) / scale)));
            codes.write(code);
            deq[i] = (float) (code * scale + min);
        }
        shapes.put(name, shape);
        dequantised.put(name, deq);
        quantJs.put(name, String.format(Locale.ROOT, "{min:%s,scale:%s,dtype:\"uint8\"}", js(min), js(scale)));
        return this;
    }

    /** Minified-style numbers: "0.5" is written ".5" as the minifier does. */
    private static String js(double d) {
        String s = Double.toString(d);
        return s.startsWith("0.") ? s.substring(1) : s;
    }

    /** Writes model.min.js and group1-shard1of1.min.js into dir; returns the model file. */
    Path write(Path dir) throws IOException {
        StringBuilder ls = new StringBuilder();
        for (Layer l : layers) {
            if (ls.length() > 0) {
                ls.append(',');
            }
            StringBuilder in = new StringBuilder();
            for (String i : l.inbound()) {
                in.append(in.length() == 0 ? "" : ",").append("[\"").append(i).append("\",0,0,{}]");
            }
            ls.append("{name:\"").append(l.name()).append("\",class_name:\"").append(l.cls()).append("\",config:")
                .append(l.config()).append(",inbound_nodes:").append(l.inbound().isEmpty() ? "[]" : "[[" + in + "]]").append('}');
        }
        StringBuilder ws = new StringBuilder();
        for (String name : shapes.keySet()) {
            if (ws.length() > 0) {
                ws.append(',');
            }
            StringBuilder shape = new StringBuilder();
            for (int d : shapes.get(name)) {
                shape.append(shape.length() == 0 ? "" : ",").append(d);
            }
            ws.append("{name:\"").append(name).append("\",shape:[").append(shape).append("],dtype:\"float32\",quantization:")
                .append(quantJs.get(name)).append('}');
        }
        String model = "!function(e){module.exports=e()}(function(){return function e(a,n,i){return 1}({1:[function(e,a,n){a.exports="
            + "{modelTopology:{keras_version:\"2.2.4\",backend:\"tensorflow\",model_config:{class_name:\"Model\",config:{name:\"m\",layers:["
            + ls + "]}},training_config:{loss:\"x\",metrics:[\"accuracy\"],sample_weight_mode:null,loss_weights:null}},"
            + "weightsManifest:[{paths:[\"group1-shard1of1\"],weights:[" + ws + "]}]}},{}]},{},[1])(1)});";
        String shard = "!function(e){module.exports=e()}(function(){return function e(h,n,d){return 1}({1:[function(e,h,n){h.exports=\""
            + Base64.getEncoder().encodeToString(codes.toByteArray()) + "\"},{}]},{},[1])(1)});";
        Files.writeString(dir.resolve("model.min.js"), model, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("group1-shard1of1.min.js"), shard, StandardCharsets.US_ASCII);
        return dir.resolve("model.min.js");
    }
}
