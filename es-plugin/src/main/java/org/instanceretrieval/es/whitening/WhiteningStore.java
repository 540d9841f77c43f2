package org.instanceretrieval.es.whitening;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.whitening.Whitening;

/**
 * Read access to the learned whitenings of the cluster, from any node. Asynchronous: each call
 * completes its listener exactly once, possibly on another thread. An unknown id fails with
 * {@code ResourceNotFoundException} (404).
 */
public interface WhiteningStore {

    /** The whitening stored under {@code whiteningId}. */
    void getWhitening(String whiteningId, ActionListener<Whitening> listener);
}
