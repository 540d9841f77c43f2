package org.instanceretrieval.es.whitening;

import org.instanceretrieval.es.store.CachingItemStore;
import org.instanceretrieval.whitening.Whitening;

/**
 * A node's {@link WhiteningStore}: the {@link IndexWhiteningStore} with the cache of
 * {@link CachingItemStore} (deserialised whitenings). The cache is bounded by the number of
 * stored floats, not entries: a whitening of 2048 x 2048 holds 4 Mi floats (16 MiB).
 */
public final class CachingWhiteningStore extends CachingItemStore<Whitening, IndexWhiteningStore> implements WhiteningStore {

    /** Default cache bound: 64 Mi floats (256 MiB). */
    public static final long DEFAULT_MAX_FLOATS = 64L << 20;

    public CachingWhiteningStore(IndexWhiteningStore index) {
        super(index, DEFAULT_MAX_FLOATS, (id, w) -> (long) (w.outputDimension() + 1) * w.inputDimension(), w -> true);
    }
}
