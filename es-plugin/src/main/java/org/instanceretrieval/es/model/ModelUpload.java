package org.instanceretrieval.es.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;

/**
 * The upload of a model's definition into the {@link IndexModelStore}: stores each part, records
 * it in the model's config document, and on the last missing part verifies the whole definition
 * and records the verdict ({@code ready} or {@code failed}).
 * <p>
 * Concurrency: the config document is updated with compare-and-set on its sequence number, so
 * parts uploaded in parallel never lose each other's progress (a conflict re-reads and retries,
 * at most {@value #MAX_CAS_ATTEMPTS} times). A part document is written before the config lists
 * it.
 */
final class ModelUpload {

    private static final int MAX_CAS_ATTEMPTS = 100;

    private final IndexModelStore store;
    private final DefinitionCheck check;

    ModelUpload(IndexModelStore store, DefinitionCheck check) {
        this.store = store;
        this.check = check;
    }

    /**
     * Stores one part of a model's definition (decoded bytes) and records it in the model's
     * config document; when it is the last missing part, verifies the whole definition (length
     * and SHA-256, then the {@link DefinitionCheck}: ONNX Runtime must load it) and marks the model
     * ready or failed. The listener gets the model after this part; a checksum or length mismatch
     * fails it with 400 after recording the failure.
     *
     * @param totals the totals of this request, from {@link DefinitionUpload#start}
     */
    void putPart(String modelId, int part, byte[] bytes, DefinitionUpload totals, ActionListener<StoredModel> listener) {
        if (StoredModel.builtIn(modelId) != null) {
            listener.onFailure(IndexModelStore.builtInConflict(modelId));
            return;
        }
        store.getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            accept(versioned.model(), part, bytes.length, totals); // validate before storing anything
            IndexRequest stored = new IndexRequest(ModelIndex.INDEX).id(ModelIndex.partDocId(modelId, part))
                .source(ModelIndex.partSource(modelId, part, bytes));
            store.client().index(stored, l.delegateFailureAndWrap((l2, indexed) -> recordPart(modelId, part, bytes.length, totals, 1, l2)));
        }));
    }

    private static DefinitionUpload accept(StoredModel model, int part, long length, DefinitionUpload totals) {
        switch (model.state()) {
            case READY -> throw new ElasticsearchStatusException("model [{}] is already fully defined", RestStatus.CONFLICT, model.modelId());
            case FAILED -> throw new ElasticsearchStatusException(
                "model [{}] failed verification ({}); delete it and upload it again", RestStatus.CONFLICT, model.modelId(), model.failureReason());
            default -> {
            }
        }
        DefinitionUpload current = model.upload() == null ? totals : model.upload();
        return current.accept(model.modelId(), part, length, totals);
    }

    /** Replaces the config document read as {@code versioned} by {@code updated}, if nobody changed it since. */
    private static IndexRequest compareAndSet(IndexModelStore.Versioned versioned, StoredModel updated) throws IOException {
        return new IndexRequest(ModelIndex.INDEX).id(ModelIndex.configDocId(updated.modelId()))
            .source(ModelIndex.configSource(updated))
            .setIfSeqNo(versioned.seqNo())
            .setIfPrimaryTerm(versioned.primaryTerm())
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
    }

    private void recordPart(String modelId, int part, long length, DefinitionUpload totals, int attempt, ActionListener<StoredModel> listener) {
        store.getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            DefinitionUpload next = accept(versioned.model(), part, length, totals);
            StoredModel updated = versioned.model().withUpload(next);
            store.client().index(compareAndSet(versioned, updated), ActionListener.wrap(r -> {
                if (next.isComplete()) {
                    verify(updated, l);
                } else {
                    l.onResponse(updated);
                }
            }, e -> {
                if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException && attempt < MAX_CAS_ATTEMPTS) {
                    recordPart(modelId, part, length, totals, attempt + 1, l); // another part got there first
                } else {
                    l.onFailure(e);
                }
            }));
        }));
    }

    /** Length, SHA-256 and load check ({@link DefinitionVerification}), then records the verdict. */
    private void verify(StoredModel model, ActionListener<StoredModel> listener) {
        DefinitionVerification.verify(model, store::forEachPart, check, listener.delegateFailureAndWrap((l, reason) ->
            recordVerdict(model.modelId(), reason, l.delegateFailureAndWrap((l2, recorded) -> {
                if (reason == null) {
                    l2.onResponse(recorded);
                } else {
                    l2.onFailure(new ElasticsearchStatusException(
                        "definition of model [{}] failed verification: {}; the model is unusable: delete it and upload it again",
                        RestStatus.BAD_REQUEST, model.modelId(), reason));
                }
            }))));
    }

    private void recordVerdict(String modelId, String failureReason, ActionListener<StoredModel> listener) {
        store.getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            StoredModel current = versioned.model();
            if (current.state() != ModelState.UPLOADING || current.upload() == null || current.upload().isComplete() == false) {
                throw new ElasticsearchStatusException("model [{}] changed during verification (state [{}])", RestStatus.CONFLICT, modelId,
                    current.state().id());
            }
            StoredModel verdict = failureReason == null ? current.ready() : current.failed(failureReason);
            store.client().index(compareAndSet(versioned, verdict), l.map(r -> verdict));
        }));
    }
}
