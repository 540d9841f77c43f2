package org.instanceretrieval.model.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.model.onnx.OnnxModel;

import java.util.Arrays;

/**
 * What a model must satisfy before it is used, checked when its definition is complete and again
 * whenever a node loads it: ONNX Runtime loads it (a CPU session); it has one float
 * {@code [N, 3, H, W]} input and a float output of the declared kind ({@link OnnxModel}); its batch
 * axis is dynamic or 1; and one image's output, when the model fixes its size, fits in the memory
 * budget's {@link MemoryBudget#limit() limit}, since every run copies it onto the heap. Stateless.
 */
public final class ModelLoadCheck {

    private ModelLoadCheck() {}

    /**
     * Loads {@code definition} into a CPU session, checks it and closes the session.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void check(String modelId, ModelDefinition definition, MemoryBudget budget) {
        OnnxModel onnx;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            onnx = new OnnxModel(definition.onnx(), definition.outputName(), definition.outputKind(), options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot configure an ONNX Runtime session: " + e.getMessage(), e);
        }
        try {
            checkBatch(modelId, onnx);
            checkOutputFits(modelId, onnx, budget);
        } finally {
            onnx.close();
        }
    }

    /** Refuses a network exported with a fixed batch above 1. */
    static void checkBatch(String modelId, OnnxModel onnx) {
        int fixedBatch = onnx.fixedBatchSize();
        if (fixedBatch > 1) {
            throw new IllegalArgumentException("model [" + modelId + "] has a fixed batch size of " + fixedBatch
                + "; export it with a dynamic batch axis (or a batch size of 1)");
        }
    }

    /**
     * Refuses a model whose output for one image, sized from the declared shape, is larger than the
     * budget's limit. An output with a dynamic dimension passes: each run checks its real size.
     */
    public static void checkOutputFits(String modelId, OnnxModel onnx, MemoryBudget budget) {
        long values = onnx.staticOutputValuesPerImage();
        if (values < 0) {
            return;
        }
        long bytes = OnnxModel.outputCopyBytes(values, 1);
        if (bytes > budget.limit()) {
            throw new IllegalArgumentException("model [" + modelId + "] output [" + onnx.outputName() + "] has shape "
                + Arrays.toString(onnx.declaredOutputShape()) + ": " + bytes + " bytes per image, more than "
                + budget.limitName() + " of " + budget.limit() + " bytes; raise the limit or export a model with a smaller output");
        }
    }
}
