package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.CachingItemStore;
import org.elasticsearch.action.ActionListener;

/**
 * A node's {@link ModelStore}: the {@link IndexModelStore} with the cache of
 * {@link CachingItemStore}, holding only models that are {@link ModelState#READY} (the only state
 * that cannot change any more, short of a delete). Other states are always read from the index,
 * so upload progress is never stale. The inference service registers an invalidation listener to
 * drop its ONNX sessions with the model.
 */
public final class CachingModelStore extends CachingItemStore<StoredModel, IndexModelStore> implements ModelStore {

    public static final int DEFAULT_MAX_ENTRIES = 1000;

    public CachingModelStore(IndexModelStore index) {
        super(index, DEFAULT_MAX_ENTRIES, (id, model) -> 1, model -> model.fullyDefined() && model.builtIn() == false);
    }

    @Override
    public void readDefinition(String modelId, ActionListener<byte[]> listener) {
        get(modelId, listener.delegateFailureAndWrap((l, model) -> index().readDefinition(model, l)));
    }

    @Override
    public void forEachDefinitionPart(String modelId, PartConsumer consumer, ActionListener<Void> listener) {
        get(modelId, listener.delegateFailureAndWrap((l, model) -> index().forEachDefinitionPart(model, consumer, l)));
    }
}
