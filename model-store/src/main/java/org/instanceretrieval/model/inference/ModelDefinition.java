package org.instanceretrieval.model.inference;

import org.instanceretrieval.model.onnx.MinimumInputSide;
import org.instanceretrieval.model.onnx.OutputKind;

/**
 * What the {@link InferenceService} needs to load a model: the complete, checksum-verified
 * ONNX bytes, the output tensor to read ({@code null} for the only one), its declared kind, and the smallest input
 * height and width it is run on ({@code minInputSide}): smaller inputs are refused before ONNX Runtime sees them, because
 * a network whose strided layers leave no output pixel can abort the whole process inside ONNX Runtime (InceptionV3 does).
 * The minimum is computed from the network's graph ({@link MinimumInputSide}) whenever a definition is made, for every
 * model, built in or uploaded; a larger value given to the canonical constructor raises it, a smaller one cannot lower it.
 */
public record ModelDefinition(byte[] onnx, String outputName, OutputKind outputKind, int minInputSide) {

    /** A definition run on the inputs its graph allows (at least {@link MinimumInputSide#side()} a side). */
    public ModelDefinition(byte[] onnx, String outputName, OutputKind outputKind) {
        this(onnx, outputName, outputKind, 1);
    }

    /**
     * Sets {@code minInputSide} to the larger of the given value and the one the graph needs.
     *
     * @throws IllegalArgumentException on empty bytes, a missing output kind or a given minimum side below 1
     */
    public ModelDefinition {
        if (minInputSide < 1) {
            throw new IllegalArgumentException("minimum input side must be at least 1 but was [" + minInputSide + "]");
        }
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model definition is empty");
        }
        if (outputKind == null) {
            throw new IllegalArgumentException("[output.kind] must be set");
        }
        minInputSide = Math.max(minInputSide, MinimumInputSide.of(onnx).side());
    }
}
