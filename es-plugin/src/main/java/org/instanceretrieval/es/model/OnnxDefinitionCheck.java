package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.logging.HeaderWarning;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.model.inference.ModelDefinition;
import org.instanceretrieval.model.inference.ModelLoadCheck;
import org.instanceretrieval.model.onnx.MinimumInputSide;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The node's {@link DefinitionCheck}: a complete definition is loaded into an ONNX Runtime CPU session
 * on {@code executor} (the inference pool: never a transport thread) and checked by
 * {@link ModelLoadCheck} against the model's configuration (output name and kind) and the
 * {@code retrieval} breaker's limit. A definition ONNX Runtime cannot load, whose input or output does
 * not fit, or whose declared output for one image exceeds the breaker's limit yields its reason.
 * <p>
 * A usable definition whose minimum input side could not be checked for some convolutions or pools (they follow an operator
 * {@link MinimumInputSide} does not follow) and whose configuration's {@code input.min_side} does not raise the graph's
 * minimum ({@link ModelDefinition#partlyGuarded}) is accepted with a
 * {@code Warning} response header ({@link #uncheckedWarning}): such a network can abort the node on small images.
 */
public final class OnnxDefinitionCheck implements DefinitionCheck {

    private final MemoryBudget budget;
    private final Executor executor;

    public OnnxDefinitionCheck(MemoryBudget budget, Executor executor) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public MemoryBudget budget() {
        return budget;
    }

    @Override
    public void check(StoredModel model, byte[] definition, ActionListener<String> listener) {
        executor.execute(() -> {
            String reason;
            try {
                ModelDefinition loaded = model.config().definition(definition);
                ModelLoadCheck.check(model.modelId(), loaded, budget);
                reason = null;
                if (loaded.partlyGuarded()) {
                    HeaderWarning.addWarning(uncheckedWarning(model.modelId(), loaded.graph()));
                }
            } catch (IllegalArgumentException e) {
                reason = "the definition is not a usable model: " + e.getMessage();
            } catch (RuntimeException e) {
                listener.onFailure(e);
                return;
            }
            listener.onResponse(reason);
        });
    }

    /** The warning for a network with layers the minimum-side analysis left unchecked ({@link ModelDefinition#partlyGuarded}). */
    static String uncheckedWarning(String modelId, MinimumInputSide analysis) {
        return "model [" + modelId + "]: the smallest input side (" + analysis.side() + ") was computed without "
            + analysis.uncheckedLayers() + " convolution or pooling layers that follow " + analysis.unfollowed()
            + ", whose output size is not followed; an image too small for them can abort the node inside ONNX Runtime: set "
            + "[input.min_side] in the model's configuration";
    }
}
