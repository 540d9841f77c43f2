package org.instanceretrieval.es.whitening;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.es.store.ItemStore;
import org.instanceretrieval.whitening.Whitening;

/**
 * Read access to the learned whitenings of the cluster, from any node (the ingest processor
 * resolves {@code whitening_id} through it); see {@link ItemStore} for the contract.
 */
public interface WhiteningStore extends ItemStore<Whitening> {

    /** The whitening stored under {@code whiteningId} ({@link #get}). */
    default void getWhitening(String whiteningId, ActionListener<Whitening> listener) {
        get(whiteningId, listener);
    }
}
