package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.action.ActionListener;

/**
 * Read access to the stored ground truths of the cluster, from any node (the evaluation reads
 * them through this). Asynchronous: each call completes its listener exactly once, possibly on
 * another thread. An unknown id fails with {@code ResourceNotFoundException} (404).
 */
public interface GroundTruthStore {

    /** The ground truth stored under {@code id}, converted back to its canonical form. */
    void get(String id, ActionListener<StoredGroundTruth> listener);
}
