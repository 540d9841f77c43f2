package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.memory.MemoryBudget;

/**
 * What a complete definition must pass, after its length and SHA-256, before its model becomes
 * {@code ready}: in the node, that ONNX Runtime loads it and its output fits
 * ({@link org.instanceretrieval.es.inference.OnnxDefinitionCheck}).
 */
public interface DefinitionCheck {

    /** The budget the whole definition is reserved on while it is read and checked. */
    MemoryBudget budget();

    /**
     * Checks {@code definition} of {@code model}; the listener receives {@code null} when the model is
     * usable and otherwise the reason it is not (which is recorded as the model's failure reason).
     */
    void check(StoredModel model, byte[] definition, ActionListener<String> listener);
}
