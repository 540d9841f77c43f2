package org.instanceretrieval.model.inference;

import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link InferenceService} gets a model's definition when it is not loaded: in
 * Elasticsearch, the model store's system index (or the built-in model). Called at most once
 * per load, from the thread that asks for the model; it should not block but complete the
 * future later (for example from a search response listener).
 */
@FunctionalInterface
public interface ModelSource {

    /**
     * Fetches a model's definition.
     *
     * @return a future completed with the definition, or exceptionally when the model is unknown,
     *     not fully uploaded or fails its checksum (the exception is passed to every waiting caller)
     */
    CompletableFuture<ModelDefinition> fetch(String modelId);
}
