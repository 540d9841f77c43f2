package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionListener;

/**
 * Read access to the stored items of one {@link StoredItemKind}, from any node: an
 * {@link IndexItemStore} reads the system index, a {@link CachingItemStore} keeps what it read.
 * Asynchronous: each call completes its listener exactly once, possibly on another thread. An
 * unknown id fails with {@code ResourceNotFoundException} (404).
 *
 * @param <V> the item as its users need it (a {@code Whitening}, a {@code StoredGroundTruth})
 */
public interface ItemStore<V> {

    /** The item stored under {@code id}. */
    void get(String id, ActionListener<V> listener);
}
