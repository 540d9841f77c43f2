package org.instanceretrieval.model.inference;

import org.instanceretrieval.model.onnx.MinimumInputSide;
import org.instanceretrieval.model.onnx.OutputKind;

/**
 * What the {@link InferenceService} needs to load a model: the complete, checksum-verified
 * ONNX bytes, the output tensor to read ({@code null} for the only one), its declared kind, and the smallest input
 * height and width it is run on ({@code minInputSide}): smaller inputs are refused before ONNX Runtime sees them, because
 * a network whose strided layers leave no output pixel can abort the whole process inside ONNX Runtime (InceptionV3 does).
 * The minimum is computed from the network's graph ({@link #graph()}, once) whenever a definition is made, for every
 * model, built in or uploaded; a larger value given to the constructor raises it, a smaller one cannot lower it. Immutable
 * (the bytes are not copied).
 */
public final class ModelDefinition {

    private final byte[] onnx;
    private final String outputName;
    private final OutputKind outputKind;
    private final MinimumInputSide graph;
    private final int minInputSide;

    /** A definition run on the inputs its graph allows (at least {@link MinimumInputSide#side()} a side). */
    public ModelDefinition(byte[] onnx, String outputName, OutputKind outputKind) {
        this(onnx, outputName, outputKind, 1);
    }

    /**
     * A definition run on inputs of at least the larger of {@code minInputSide} and the side its graph needs.
     *
     * @throws IllegalArgumentException on empty bytes, a missing output kind or a given minimum side below 1
     */
    public ModelDefinition(byte[] onnx, String outputName, OutputKind outputKind, int minInputSide) {
        if (minInputSide < 1) {
            throw new IllegalArgumentException("minimum input side must be at least 1 but was [" + minInputSide + "]");
        }
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model definition is empty");
        }
        if (outputKind == null) {
            throw new IllegalArgumentException("[output.kind] must be set");
        }
        this.onnx = onnx;
        this.outputName = outputName;
        this.outputKind = outputKind;
        this.graph = MinimumInputSide.of(onnx);
        this.minInputSide = Math.max(minInputSide, graph.side());
    }

    /** The serialised ModelProto (not a copy). */
    public byte[] onnx() {
        return onnx;
    }

    /** The output tensor to read, or null for the network's only one. */
    public String outputName() {
        return outputName;
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /** The smallest height and width the model is run on: the given minimum or the graph's, whichever is larger. */
    public int minInputSide() {
        return minInputSide;
    }

    /** The graph's own minimum input side and what the analysis could not follow. */
    public MinimumInputSide graph() {
        return graph;
    }

    /**
     * Whether some convolutions or pools of the graph were left unchecked ({@link MinimumInputSide#uncheckedLayers()}) and the
     * given minimum does not raise the graph's: then an image too small for them can still reach ONNX Runtime.
     */
    public boolean partlyGuarded() {
        return graph.uncheckedLayers() > 0 && minInputSide <= graph.side();
    }
}
