package org.instanceretrieval.model.inference;

import org.instanceretrieval.model.onnx.OutputKind;

/**
 * What the {@link InferenceService} needs to load a model: the complete, checksum-verified
 * ONNX bytes, the output tensor to read ({@code null} for the only one) and its declared kind.
 */
public record ModelDefinition(byte[] onnx, String outputName, OutputKind outputKind) {
    /** @throws IllegalArgumentException on empty bytes or a missing output kind */
    public ModelDefinition {
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model definition is empty");
        }
        if (outputKind == null) {
            throw new IllegalArgumentException("[output.kind] must be set");
        }
    }
}
