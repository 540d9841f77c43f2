package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.ItemStore;
import org.elasticsearch.action.ActionListener;

/**
 * Read access to the models of the cluster, from any node, and to their ONNX definitions (see
 * {@link ItemStore} for the contract).
 * <p>
 * Errors: an unknown model fails with {@code ResourceNotFoundException} (404); reading the
 * definition of a model that is not {@link ModelState#READY} fails with an
 * {@code ElasticsearchStatusException} of status 409 saying its state; the built-in models
 * ({@link StoredModel#builtIns()}: {@value StoredModel#DEFAULT_ID}, {@value StoredModel#NSFWJS_ID}, {@value StoredModel#FILTER_BANK_ID}) are always present and ready, and cannot be
 * deleted (409).
 */
public interface ModelStore extends ItemStore<StoredModel> {

    /** Receives the parts of a definition, in order. */
    @FunctionalInterface
    interface PartConsumer {
        void accept(int part, byte[] bytes) throws Exception;
    }

    /** The model with this id ({@link #get}). */
    default void getModel(String modelId, ActionListener<StoredModel> listener) {
        get(modelId, listener);
    }

    /**
     * The whole ONNX definition of a ready model, as one array (the form ONNX Runtime's session
     * takes). Holds the model once in memory; read parts with {@link #forEachDefinitionPart} to
     * avoid that.
     */
    void readDefinition(String modelId, ActionListener<byte[]> listener);

    /**
     * Streams the definition of a ready model: {@code consumer} gets part 0, 1, ... in order, one
     * at a time (only one part is held at once); then the listener completes. An exception of the
     * consumer fails the listener and stops the stream.
     */
    void forEachDefinitionPart(String modelId, PartConsumer consumer, ActionListener<Void> listener);
}
