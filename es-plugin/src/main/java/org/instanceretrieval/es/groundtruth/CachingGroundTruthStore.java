package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.core.TimeValue;

/**
 * A node's {@link GroundTruthStore}: the {@link IndexGroundTruthStore} with a bounded cache of
 * parsed ground truths (they never change once stored, short of a delete). Invalidation follows
 * the model and whitening caches: a delete broadcasts {@code ClearModelCacheAction} (target
 * ground truth) to every node, which calls {@link #invalidate}; entries also expire
 * {@link #DEFAULT_TTL} after loading, bounding how long a node that missed the broadcast can
 * still see a deleted ground truth. The bound counts names ({@link StoredGroundTruth#weight}):
 * Oxford5k is about 10,000, GPR1200 24,000.
 */
public final class CachingGroundTruthStore implements GroundTruthStore {

    /** Default cache bound: 4 Mi names. */
    public static final long DEFAULT_MAX_NAMES = 4L << 20;
    public static final TimeValue DEFAULT_TTL = TimeValue.timeValueMinutes(10);

    private final IndexGroundTruthStore index;
    private final Cache<String, StoredGroundTruth> cache;

    public CachingGroundTruthStore(IndexGroundTruthStore index) {
        this(index, DEFAULT_MAX_NAMES, DEFAULT_TTL);
    }

    public CachingGroundTruthStore(IndexGroundTruthStore index, long maxNames, TimeValue ttl) {
        this.index = index;
        this.cache = CacheBuilder.<String, StoredGroundTruth>builder()
            .setMaximumWeight(maxNames)
            .weigher((id, gt) -> gt.weight())
            .setExpireAfterWrite(ttl)
            .build();
    }

    /** The store behind the cache, for the metadata reads and the writes of the endpoints. */
    public IndexGroundTruthStore index() {
        return index;
    }

    @Override
    public void get(String id, ActionListener<StoredGroundTruth> listener) {
        StoredGroundTruth cached = cache.get(id);
        if (cached != null) {
            listener.onResponse(cached);
            return;
        }
        index.get(id, listener.map(gt -> {
            cache.put(id, gt);
            return gt;
        }));
    }

    /** Forgets one ground truth on this node. */
    public void invalidate(String id) {
        cache.invalidate(id);
    }

    /** Forgets every ground truth on this node (after a feature-state reset). */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    /** Whether this node caches the ground truth (for tests). */
    public boolean isCached(String id) {
        return cache.get(id) != null;
    }

    /** Deletes from the index and invalidates this node; the delete action broadcasts to the others. */
    public void delete(String id, ActionListener<Void> listener) {
        index.delete(id, ActionListener.runAfter(listener, () -> invalidate(id)));
    }
}
