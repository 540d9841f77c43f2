package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.core.TimeValue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node's {@link ModelStore}: the {@link IndexModelStore} with a bounded cache of the models
 * that are {@link ModelState#READY} (the only state that cannot change any more, short of a
 * delete). Other states are always read from the index, so upload progress is never stale.
 * <p>
 * Invalidation: deleting a model broadcasts a small nodes action
 * ({@code ClearModelCacheAction}) that calls {@link #invalidate} on every node, which also
 * tells the registered invalidation listeners (the inference service drops its ONNX sessions
 * there). A broadcast was chosen over watching the index because only the nodes holding a
 * shard copy of the index see its deletions, while every node caches; the broadcast reaches
 * every node at once and reports the ones it missed. As a bound on staleness for a node that
 * missed it (disconnected at that moment), entries also expire {@link #DEFAULT_TTL} after
 * being loaded.
 */
public final class CachingModelStore implements ModelStore {

    public static final int DEFAULT_MAX_ENTRIES = 1000;
    public static final TimeValue DEFAULT_TTL = TimeValue.timeValueMinutes(10);

    private final IndexModelStore index;
    private final Cache<String, StoredModel> ready;
    private final List<Consumer<String>> invalidationListeners = new CopyOnWriteArrayList<>();

    public CachingModelStore(IndexModelStore index) {
        this(index, DEFAULT_MAX_ENTRIES, DEFAULT_TTL);
    }

    public CachingModelStore(IndexModelStore index, int maxEntries, TimeValue ttl) {
        this.index = index;
        this.ready = CacheBuilder.<String, StoredModel>builder().setMaximumWeight(maxEntries).setExpireAfterWrite(ttl).build();
    }

    /** The store behind the cache, for the writes of the model endpoints. */
    public IndexModelStore index() {
        return index;
    }

    /**
     * Registers a callback run on {@link #invalidate} with the model id, or with null when every
     * model is invalidated.
     */
    public void addInvalidationListener(Consumer<String> listener) {
        invalidationListeners.add(listener);
    }

    /** Forgets one model on this node. */
    public void invalidate(String modelId) {
        ready.invalidate(modelId);
        invalidationListeners.forEach(l -> l.accept(modelId));
    }

    /** Forgets every model on this node (after a feature-state reset). */
    public void invalidateAll() {
        ready.invalidateAll();
        invalidationListeners.forEach(l -> l.accept(null));
    }

    /** Number of cached models (for tests and stats). */
    public int cachedCount() {
        return ready.count();
    }

    /** Whether this node caches the model (for tests). */
    public boolean isCached(String modelId) {
        return ready.get(modelId) != null;
    }

    @Override
    public void getModel(String modelId, ActionListener<StoredModel> listener) {
        StoredModel cached = ready.get(modelId);
        if (cached != null) {
            listener.onResponse(cached);
            return;
        }
        index.getModel(modelId, listener.map(model -> {
            if (model.fullyDefined() && model.builtIn() == false) {
                ready.put(modelId, model);
            }
            return model;
        }));
    }

    @Override
    public void listModels(ActionListener<List<StoredModel>> listener) {
        index.listModels(listener);
    }

    @Override
    public void readDefinition(String modelId, ActionListener<byte[]> listener) {
        getModel(modelId, listener.delegateFailureAndWrap((l, model) -> index.readDefinition(model, l)));
    }

    @Override
    public void forEachDefinitionPart(String modelId, PartConsumer consumer, ActionListener<Void> listener) {
        getModel(modelId, listener.delegateFailureAndWrap((l, model) -> index.forEachDefinitionPart(model, consumer, l)));
    }

    /** Deletes from the index and invalidates this node; the delete action broadcasts to the others. */
    @Override
    public void deleteModel(String modelId, ActionListener<Void> listener) {
        index.deleteModel(modelId, ActionListener.runAfter(listener, () -> invalidate(modelId)));
    }
}
