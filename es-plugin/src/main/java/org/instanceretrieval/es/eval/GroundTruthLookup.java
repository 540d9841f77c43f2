package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.store.GetStoredItemsAction;
import org.instanceretrieval.es.store.StoredItemActions;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.util.Objects;

/**
 * How the evaluation finds a ground truth by id: a node component (created in the plugin's
 * {@code createComponents}, injected into the transport action) wrapping the node's ground-truth
 * store.
 * <p>
 * Reading a stored ground truth is a privilege of its own: an evaluation lists ground-truth names
 * ({@code documents.missing}, per-query results), so it needs what {@code GET
 * _retrieval/ground_truth/{id}} needs, the cluster action {@code cluster:monitor/retrieval/ground_truth/get}
 * (granted by {@code monitor}). {@link #get} first runs that action as the caller (its metadata
 * only), which Elasticsearch's security authorises like any other request: 403 without the
 * privilege, 404 for an unknown id, before any work. The content then comes from the cached store.
 */
public final class GroundTruthLookup {

    /** A ground truth as the evaluation uses it: its id, its content, and the field that names documents. */
    public record Resolved(String id, NamedGroundTruth groundTruth, String idField) {
        public Resolved {
            Objects.requireNonNull(id);
            Objects.requireNonNull(groundTruth);
            idField = idField == null ? "_id" : idField;
        }
    }

    /** The source of ground truths. */
    @FunctionalInterface
    public interface Source {
        void get(String id, ActionListener<Resolved> listener);
    }

    private final Source source;

    public GroundTruthLookup(Source source) {
        this.source = Objects.requireNonNull(source);
    }

    /**
     * The ground truth {@code id}, once {@code caller} (a client in the caller's thread context) has
     * been allowed to read it.
     */
    public void get(Client caller, String id, ActionListener<Resolved> listener) {
        caller.execute(StoredItemActions.GET_GROUND_TRUTH, GetStoredItemsAction.request(GroundTruthIndex.KIND, id, false),
            listener.delegateFailureAndWrap((l, allowed) -> source.get(id, l)));
    }
}
