package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.core.TimeValue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongBiFunction;

/**
 * A node's {@link ItemStore}: an {@link IndexItemStore} with a bounded cache of the items it read
 * (stored items never change, short of a delete; a family may leave items out, such as models
 * still uploading, which are then always read from the index).
 * <p>
 * Invalidation: deleting an item broadcasts a small nodes action ({@code ClearModelCacheAction})
 * that calls {@link #invalidate} on every node, which also tells the registered invalidation
 * listeners. A broadcast was chosen over watching the index because only the nodes holding a
 * shard copy of the index see its deletions, while every node caches; the broadcast reaches every
 * node at once and reports the ones it missed. As a bound on staleness for a node that missed it
 * (disconnected at that moment), entries also expire {@link #DEFAULT_TTL} after being loaded.
 *
 * @param <S> the index-backed store, which the endpoints also use for their reads and writes
 */
public abstract class CachingItemStore<V, S extends IndexItemStore<V, ?>> implements ItemStore<V> {

    public static final TimeValue DEFAULT_TTL = TimeValue.timeValueMinutes(10);

    private final S index;
    private final Cache<String, V> cache;
    private final Predicate<V> cacheable;
    private final List<Consumer<String>> invalidationListeners = new CopyOnWriteArrayList<>();

    /**
     * @param maxWeight the bound of the cache, in the unit of {@code weigher}
     * @param cacheable which items are kept
     */
    protected CachingItemStore(S index, long maxWeight, ToLongBiFunction<String, V> weigher, Predicate<V> cacheable) {
        this.index = index;
        this.cacheable = cacheable;
        this.cache = CacheBuilder.<String, V>builder().setMaximumWeight(maxWeight).weigher(weigher).setExpireAfterWrite(DEFAULT_TTL).build();
    }

    /** The store behind the cache, for the metadata reads and the writes of the endpoints. */
    public S index() {
        return index;
    }

    public StoredItemKind<?> kind() {
        return index.kind();
    }

    @Override
    public void get(String id, ActionListener<V> listener) {
        V cached = cache.get(id);
        if (cached != null) {
            listener.onResponse(cached);
            return;
        }
        index.get(id, listener.map(item -> {
            if (cacheable.test(item)) {
                cache.put(id, item);
            }
            return item;
        }));
    }

    /** Registers a callback run on {@link #invalidate} with the id, or with null when everything is invalidated. */
    public void addInvalidationListener(Consumer<String> listener) {
        invalidationListeners.add(listener);
    }

    /** Forgets one item on this node. */
    public void invalidate(String id) {
        cache.invalidate(id);
        invalidationListeners.forEach(l -> l.accept(id));
    }

    /** Forgets every item on this node (after a feature-state reset). */
    public void invalidateAll() {
        cache.invalidateAll();
        invalidationListeners.forEach(l -> l.accept(null));
    }

    /** Whether this node caches the item (for tests). */
    public boolean isCached(String id) {
        return cache.get(id) != null;
    }

    /** Deletes from the index and invalidates this node; the delete action broadcasts to the others. */
    public void delete(String id, ActionListener<Void> listener) {
        index.delete(id, ActionListener.runAfter(listener, () -> invalidate(id)));
    }
}
