package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.model.inference.ModelDefinition;
import org.instanceretrieval.model.inference.ModelLoadCheck;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The node's {@link DefinitionCheck}: a complete definition is loaded into an ONNX Runtime CPU session
 * on {@code executor} (the inference pool: never a transport thread) and checked by
 * {@link ModelLoadCheck} against the model's configuration (output name and kind) and the
 * {@code retrieval} breaker's limit. A definition ONNX Runtime cannot load, whose input or output does
 * not fit, or whose declared output for one image exceeds the breaker's limit yields its reason.
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
                ModelLoadCheck.check(model.modelId(),
                    new ModelDefinition(definition, model.config().outputName(), model.config().outputKind()), budget);
                reason = null;
            } catch (IllegalArgumentException e) {
                reason = "the definition is not a usable model: " + e.getMessage();
            } catch (RuntimeException e) {
                listener.onFailure(e);
                return;
            }
            listener.onResponse(reason);
        });
    }
}
