package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.es.store.ItemStore;

/**
 * Read access to the stored ground truths of the cluster, from any node (the evaluation reads
 * them through this), converted back to their canonical form; see {@link ItemStore} for the
 * contract.
 */
public interface GroundTruthStore extends ItemStore<StoredGroundTruth> {}
