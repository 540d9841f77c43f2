package org.instanceretrieval.model.inference;

import java.util.concurrent.CompletableFuture;

/**
 * A network that maps one normalised image tensor to its output, asynchronously. The
 * {@link InferenceService} implements it with a cached ONNX Runtime session and micro-batching
 * ({@link InferenceService#model(String)}); {@link #direct} runs an already loaded model on the
 * calling thread.
 */
@FunctionalInterface
public interface ImageModel {

    /**
     * Runs the network on one image.
     *
     * @param chw    the {@code [3, height, width]} tensor (not modified, not kept after the future completes)
     * @return the output; completes exceptionally with the failure (an unknown model, a rejected
     *     execution, an ONNX Runtime error)
     */
    CompletableFuture<ModelOutput> infer(float[] chw, int height, int width);

    /** Runs {@code model} synchronously, one image per call, on the calling thread. */
    static ImageModel direct(org.instanceretrieval.model.onnx.OnnxModel model) {
        return (chw, height, width) -> {
            try {
                var out = model.run(chw, 1, height, width);
                return CompletableFuture.completedFuture(new ModelOutput(out.shape(), out.values()[0]));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }
}
