package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.util.Objects;

/**
 * How the evaluation finds a ground truth by id: a node component (created in the plugin's
 * {@code createComponents}, injected into the transport action) wrapping the node's ground-truth
 * store. Fails the listener with a 404 {@code ResourceNotFoundException} for an unknown id.
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

    public void get(String id, ActionListener<Resolved> listener) {
        source.get(id, listener);
    }
}
