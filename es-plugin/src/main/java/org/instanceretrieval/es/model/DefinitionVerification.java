package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.memory.Reservation;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The verdict on a complete upload: the stored parts hold the declared length, hash to the declared
 * SHA-256, and the whole definition passes the {@link DefinitionCheck} (a definition that is not a
 * usable model must never become {@code ready}). The definition is reserved on the check's budget
 * before it is assembled; a reservation that does not fit fails the model with the budget's message.
 */
final class DefinitionVerification {

    /** Reads a model's listed parts in order. */
    interface PartReader {
        void forEachPart(StoredModel model, ModelStore.PartConsumer consumer, ActionListener<Void> listener);
    }

    private DefinitionVerification() {}

    /** The listener receives {@code null} (usable) or the reason the definition fails. */
    static void verify(StoredModel model, PartReader parts, DefinitionCheck check, ActionListener<String> listener) {
        DefinitionUpload upload = model.upload();
        MessageDigest digest;
        Reservation reservation;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        try {
            reservation = check.budget().reserve(upload.totalLength(), "checking the " + upload.totalLength()
                + " byte definition of model [" + model.modelId() + "]");
        } catch (RuntimeException e) {
            listener.onResponse("the definition could not be load-checked: " + e.getMessage());
            return;
        }
        byte[] whole = new byte[Math.toIntExact(upload.totalLength())];
        long[] length = new long[1];
        ActionListener<String> releasing = ActionListener.runBefore(listener, reservation::close);
        parts.forEachPart(model, (part, bytes) -> {
            digest.update(bytes);
            long offset = part * upload.partSize();
            if (offset + bytes.length <= whole.length) {
                System.arraycopy(bytes, 0, whole, (int) offset, bytes.length);
            }
            length[0] += bytes.length;
        }, releasing.delegateFailureAndWrap((l, ignored) -> {
            String actual = HexFormat.of().formatHex(digest.digest());
            if (length[0] != upload.totalLength()) {
                l.onResponse("the parts hold " + length[0] + " bytes, not the declared total_definition_length " + upload.totalLength());
            } else if (actual.equals(upload.sha256()) == false) {
                l.onResponse("sha256 mismatch: declared " + upload.sha256() + ", the uploaded parts hash to " + actual);
            } else {
                check.check(model, whole, l);
            }
        }));
    }
}
