package org.instanceretrieval.model.keras;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Command line: {@code KerasToOnnx <model.min.js> <last layer> <out.onnx> [as_dequantised|bin_centre]}
 * converts a TF.js layers model (as nsfwjs ships it) up to a layer into ONNX; see
 * {@link KerasOnnxConverter}. Prints the output's size and the layer list when the layer is {@code list}.
 */
public final class KerasToOnnx {

    private KerasToOnnx() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3 && (args.length != 2 || args[1].equals("list") == false)) {
            System.err.println("usage: KerasToOnnx <model.min.js> <last layer|list> <out.onnx> [as_dequantised|bin_centre]");
            System.exit(2);
        }
        TfjsLayersModel model = TfjsLayersModel.load(Path.of(args[0]));
        if (args[1].equals("list")) {
            for (TfjsLayersModel.Layer l : model.layers()) {
                System.out.println(l.name() + "\t" + l.className() + "\t" + l.inbound());
            }
            return;
        }
        KerasOnnxConverter.ZeroCodeVariance rule = args.length > 3
            ? KerasOnnxConverter.ZeroCodeVariance.valueOf(args[3].toUpperCase(Locale.ROOT))
            : KerasOnnxConverter.ZeroCodeVariance.AS_DEQUANTISED;
        byte[] onnx = KerasOnnxConverter.convert(model, args[1], rule,
            "nsfwjs 4.4.0 " + Path.of(args[0]).getParent().getFileName() + " (MIT, (c) Infinite Red, Inc.) converted up to layer "
                + args[1] + "; input RGB in [0, 1], NCHW; zero-code variance " + rule.name().toLowerCase(Locale.ROOT));
        Files.write(Path.of(args[2]), onnx);
        System.out.println(args[2] + ": " + onnx.length + " bytes");
    }
}
