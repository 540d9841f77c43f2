package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.eval.NamedGroundTruth;

import java.util.Objects;

/**
 * A ground truth as stored: its id, the canonical {@link NamedGroundTruth} every input format is
 * converted to, the field through which its image names are found in an index, and the format
 * it was given in (for information only; the canonical form is all that is kept).
 *
 * @param id the ground truth id (the rules of model ids)
 * @param format the input format's name ({@code json}, {@code cirtorch_pkl}, ...)
 * @param idField the field of the collection's documents holding the image names; {@code _id}
 *     by default
 * @param groundTruth the canonical ground truth, whose {@code defaultProtocol} is the protocol
 * @param createdMillis creation time, epoch milliseconds
 */
public record StoredGroundTruth(String id, String format, String idField, NamedGroundTruth groundTruth, long createdMillis) {

    public static final String DEFAULT_ID_FIELD = "_id";

    public StoredGroundTruth {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(groundTruth, "groundTruth");
    }

    /** The protocol the ground truth is evaluated with unless a request names another. */
    public String protocol() {
        return groundTruth.defaultProtocol();
    }

    /**
     * A rough size in names (database, labels and every list entry), used to bound caches.
     */
    public long weight() {
        long names = 1 + groundTruth.queries().size();
        if (groundTruth.database() != null) {
            names += groundTruth.database().size();
        }
        if (groundTruth.classes() != null) {
            names += 2L * groundTruth.classes().size();
        }
        for (NamedGroundTruth.NamedQuery q : groundTruth.queries()) {
            names += q.positives().size() + q.easy().size() + q.hard().size() + q.junk().size() + q.images().size();
        }
        return names;
    }
}
