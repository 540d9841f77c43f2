package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.store.IndexItemStore;

import java.util.Map;

/**
 * The {@link GroundTruthStore} on the system index {@link GroundTruthIndex}, plus the writes of
 * the ground-truth endpoints (see {@link IndexItemStore}). Ground truths are written once and
 * never updated; a metadata read fetches the canonical JSON only when asked.
 */
public final class IndexGroundTruthStore extends IndexItemStore<StoredGroundTruth, GroundTruthMetadata> implements GroundTruthStore {

    public IndexGroundTruthStore(Client client) {
        super(client, GroundTruthIndex.KIND, GroundTruthIndex.GROUND_TRUTH_FIELD);
    }

    @Override
    protected StoredGroundTruth parse(Map<String, Object> source) {
        return GroundTruthIndex.parse(source);
    }

    @Override
    protected GroundTruthMetadata parseMetadata(Map<String, Object> source) {
        return GroundTruthMetadata.fromSource(source);
    }

    /** Stores a new ground truth (refreshed at once); 409 when the id exists. */
    public void put(StoredGroundTruth stored, ActionListener<StoredGroundTruth> listener) {
        create(stored.id(), () -> GroundTruthIndex.source(stored), listener.map(ignored -> stored));
    }
}
