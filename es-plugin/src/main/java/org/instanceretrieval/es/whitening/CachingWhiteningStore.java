package org.instanceretrieval.es.whitening;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.core.TimeValue;
import org.instanceretrieval.whitening.Whitening;

/**
 * A node's {@link WhiteningStore}: the {@link IndexWhiteningStore} with a bounded cache of
 * deserialised whitenings (they never change once stored, short of a delete). Invalidation
 * follows the model cache: a delete broadcasts {@code ClearModelCacheAction} (for whitenings)
 * to every node, which calls {@link #invalidate}; entries also expire {@link #DEFAULT_TTL}
 * after loading, bounding how long a node that missed the broadcast can still see a deleted
 * whitening. The cache is bounded by the number of stored floats, not entries: a whitening of
 * 2048 x 2048 holds 4 Mi floats (16 MiB).
 */
public final class CachingWhiteningStore implements WhiteningStore {

    /** Default cache bound: 64 Mi floats (256 MiB). */
    public static final long DEFAULT_MAX_FLOATS = 64L << 20;
    public static final TimeValue DEFAULT_TTL = TimeValue.timeValueMinutes(10);

    private final IndexWhiteningStore index;
    private final Cache<String, Whitening> cache;

    public CachingWhiteningStore(IndexWhiteningStore index) {
        this(index, DEFAULT_MAX_FLOATS, DEFAULT_TTL);
    }

    public CachingWhiteningStore(IndexWhiteningStore index, long maxFloats, TimeValue ttl) {
        this.index = index;
        this.cache = CacheBuilder.<String, Whitening>builder()
            .setMaximumWeight(maxFloats)
            .weigher((id, w) -> (long) (w.outputDimension() + 1) * w.inputDimension())
            .setExpireAfterWrite(ttl)
            .build();
    }

    /** The store behind the cache, for the metadata reads and the writes of the endpoints. */
    public IndexWhiteningStore index() {
        return index;
    }

    @Override
    public void getWhitening(String whiteningId, ActionListener<Whitening> listener) {
        Whitening cached = cache.get(whiteningId);
        if (cached != null) {
            listener.onResponse(cached);
            return;
        }
        index.getWhitening(whiteningId, listener.map(w -> {
            cache.put(whiteningId, w);
            return w;
        }));
    }

    /** Forgets one whitening on this node. */
    public void invalidate(String whiteningId) {
        cache.invalidate(whiteningId);
    }

    /** Forgets every whitening on this node (after a feature-state reset). */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    /** Whether this node caches the whitening (for tests). */
    public boolean isCached(String whiteningId) {
        return cache.get(whiteningId) != null;
    }

    /** Deletes from the index and invalidates this node; the delete action broadcasts to the others. */
    public void delete(String whiteningId, ActionListener<Void> listener) {
        index.delete(whiteningId, ActionListener.runAfter(listener, () -> invalidate(whiteningId)));
    }
}
