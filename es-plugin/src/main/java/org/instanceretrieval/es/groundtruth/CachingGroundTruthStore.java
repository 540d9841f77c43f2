package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.es.store.CachingItemStore;

/**
 * A node's {@link GroundTruthStore}: the {@link IndexGroundTruthStore} with the cache of
 * {@link CachingItemStore} (parsed ground truths). The bound counts names
 * ({@link StoredGroundTruth#weight}): Oxford5k is about 10,000, GPR1200 24,000.
 */
public final class CachingGroundTruthStore extends CachingItemStore<StoredGroundTruth, IndexGroundTruthStore> implements GroundTruthStore {

    /** Default cache bound: 4 Mi names. */
    public static final long DEFAULT_MAX_NAMES = 4L << 20;

    public CachingGroundTruthStore(IndexGroundTruthStore index) {
        super(index, DEFAULT_MAX_NAMES, (id, gt) -> gt.weight(), gt -> true);
    }
}
