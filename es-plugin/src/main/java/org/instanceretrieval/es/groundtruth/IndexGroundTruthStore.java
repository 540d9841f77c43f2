package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.store.IndexItemStore;

/**
 * The {@link GroundTruthStore} on the system index {@link GroundTruthIndex}, plus the writes of
 * the ground-truth endpoints (see {@link IndexItemStore}). Ground truths are written once and
 * never updated; a metadata read fetches the canonical JSON only when asked.
 */
public final class IndexGroundTruthStore extends IndexItemStore<StoredGroundTruth, GroundTruthMetadata> implements GroundTruthStore {

    public IndexGroundTruthStore(Client client) {
        super(client, GroundTruthIndex.KIND, GroundTruthIndex.GROUND_TRUTH_FIELD, GroundTruthIndex::parse, GroundTruthMetadata::fromSource);
    }

    /** Stores a new ground truth (refreshed at once); 409 when the id exists. */
    public void put(StoredGroundTruth stored, ActionListener<StoredGroundTruth> listener) {
        create(stored.id(), () -> GroundTruthIndex.source(stored), listener.map(ignored -> stored));
    }
}
