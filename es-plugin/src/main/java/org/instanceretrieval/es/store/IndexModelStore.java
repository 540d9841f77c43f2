package org.instanceretrieval.es.store;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.DocWriteRequest;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.sort.SortOrder;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.model.onnx.DefaultModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@link ModelStore} on the system index {@link ModelIndex}, plus the writes of the model
 * endpoints. Every request to the index goes through an {@link OriginSettingClient}: the
 * caller's thread context (its user, its headers, among them the one that hides system indices
 * from REST callers) is stashed and {@link ModelIndex#ORIGIN} set, so the store works the same
 * for any caller; who may call the endpoints is decided by the action names (see docs/api.md).
 * <p>
 * Concurrency: the config document is updated with compare-and-set on its sequence number, so
 * parts uploaded in parallel never lose each other's progress (a conflict re-reads and
 * retries). A part document is written before the config lists it, and only parts the config
 * lists are ever read, so a half-finished upload request leaves no visible state.
 */
public final class IndexModelStore implements ModelStore {

    private static final Logger logger = LogManager.getLogger(IndexModelStore.class);
    private static final int MAX_CAS_ATTEMPTS = 100;
    private static final int MAX_LISTED_MODELS = 10_000;

    private final Client client;
    private final LongSupplier clock;
    private final DefinitionCheck check;

    public IndexModelStore(Client client, LongSupplier clock) {
        this(client, clock, DefinitionCheck.NONE);
    }

    /** @param check what a complete definition must pass, after length and SHA-256, to become ready */
    public IndexModelStore(Client client, LongSupplier clock, DefinitionCheck check) {
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
        this.clock = clock;
        this.check = check;
    }

    private static final class DefaultBytes {
        static final byte[] ONNX = DefaultModel.onnx();
    }

    static ResourceNotFoundException notFound(String modelId) {
        return new ResourceNotFoundException("model [{}] not found", modelId);
    }

    static ElasticsearchStatusException notReady(StoredModel model) {
        return new ElasticsearchStatusException(
            "model [{}] is not ready to use: its state is [{}] with {} parts uploaded{}",
            RestStatus.CONFLICT,
            model.modelId(),
            model.state().id(),
            model.partsUploaded() + (model.upload() == null ? "" : " of " + model.upload().totalParts()),
            model.failureReason() == null ? "" : " (" + model.failureReason() + ")"
        );
    }

    // ---- reads ----

    /** A config document with the sequence number and primary term it was read at. */
    private record Versioned(StoredModel model, long seqNo, long primaryTerm) {}

    private void getVersioned(String modelId, ActionListener<Versioned> listener) {
        client.get(new GetRequest(ModelIndex.INDEX, ModelIndex.configDocId(modelId)), ActionListener.wrap(response -> {
            if (response.isExists() == false) {
                listener.onFailure(notFound(modelId));
                return;
            }
            StoredModel model = ModelIndex.parseConfigSource(response.getSourceAsMap());
            listener.onResponse(new Versioned(model, response.getSeqNo(), response.getPrimaryTerm()));
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? notFound(modelId) : e)));
    }

    @Override
    public void getModel(String modelId, ActionListener<StoredModel> listener) {
        if (StoredModel.DEFAULT_ID.equals(modelId)) {
            listener.onResponse(StoredModel.builtInDefault());
            return;
        }
        getVersioned(modelId, listener.map(Versioned::model));
    }

    @Override
    public void listModels(ActionListener<List<StoredModel>> listener) {
        SearchRequest search = new SearchRequest(ModelIndex.INDEX).source(
            new SearchSourceBuilder().query(QueryBuilders.termQuery(ModelIndex.DOC_TYPE, ModelIndex.CONFIG_DOC))
                .size(MAX_LISTED_MODELS)
                .sort("model_id", SortOrder.ASC)
        );
        client.search(search, ActionListener.wrap(response -> {
            List<StoredModel> models = new ArrayList<>();
            models.add(StoredModel.builtInDefault());
            for (SearchHit hit : response.getHits().getHits()) {
                models.add(ModelIndex.parseConfigSource(hit.getSourceAsMap()));
            }
            models.sort((a, b) -> a.modelId().compareTo(b.modelId()));
            listener.onResponse(models);
        }, e -> {
            if (StoreIndices.isIndexNotFound(e)) {
                listener.onResponse(List.of(StoredModel.builtInDefault()));
            } else {
                listener.onFailure(e);
            }
        }));
    }

    @Override
    public void readDefinition(String modelId, ActionListener<byte[]> listener) {
        getModel(modelId, listener.delegateFailureAndWrap((l, model) -> readDefinition(model, l)));
    }

    /** {@link #readDefinition(String, ActionListener)} for a model already read (e.g. from a cache). */
    public void readDefinition(StoredModel model, ActionListener<byte[]> listener) {
        if (model.builtIn()) {
            listener.onResponse(DefaultBytes.ONNX.clone());
            return;
        }
        if (model.fullyDefined() == false) {
            listener.onFailure(notReady(model));
            return;
        }
        byte[] whole = new byte[Math.toIntExact(model.upload().totalLength())];
        long partSize = model.upload().partSize();
        forEachPart(model, (part, bytes) -> {
            long offset = part * partSize;
            if (offset + bytes.length > whole.length) {
                throw new IllegalStateException("part " + part + " of model [" + model.modelId() + "] runs past the definition length");
            }
            System.arraycopy(bytes, 0, whole, (int) offset, bytes.length);
        }, listener.map(ignored -> whole));
    }

    @Override
    public void forEachDefinitionPart(String modelId, PartConsumer consumer, ActionListener<Void> listener) {
        getModel(modelId, listener.delegateFailureAndWrap((l, model) -> forEachDefinitionPart(model, consumer, l)));
    }

    /** {@link #forEachDefinitionPart(String, PartConsumer, ActionListener)} for a model already read. */
    public void forEachDefinitionPart(StoredModel model, PartConsumer consumer, ActionListener<Void> listener) {
        if (model.builtIn()) {
            try {
                consumer.accept(0, DefaultBytes.ONNX.clone());
                listener.onResponse(null);
            } catch (Exception e) {
                listener.onFailure(e);
            }
            return;
        }
        if (model.fullyDefined() == false) {
            listener.onFailure(notReady(model));
            return;
        }
        forEachPart(model, consumer, listener);
    }

    /** Reads the listed parts 0..n-1 one after another (whatever the state). */
    private void forEachPart(StoredModel model, PartConsumer consumer, ActionListener<Void> listener) {
        readPart(model.modelId(), 0, model.upload().totalParts(), consumer, listener);
    }

    private void readPart(String modelId, int part, int totalParts, PartConsumer consumer, ActionListener<Void> listener) {
        if (part == totalParts) {
            listener.onResponse(null);
            return;
        }
        client.get(new GetRequest(ModelIndex.INDEX, ModelIndex.partDocId(modelId, part)), listener.delegateFailureAndWrap((l, response) -> {
            if (response.isExists() == false) {
                throw new ElasticsearchStatusException("part [{}] of model [{}] is missing from the store", RestStatus.INTERNAL_SERVER_ERROR, part,
                    modelId);
            }
            consumer.accept(part, definitionBytes(response));
            readPart(modelId, part + 1, totalParts, consumer, l);
        }));
    }

    /** The decoded {@code definition} field of a part document, parsed straight from the source bytes. */
    private static byte[] definitionBytes(GetResponse response) throws java.io.IOException {
        try (
            XContentParser parser = XContentHelper.createParser(XContentParserConfiguration.EMPTY, response.getSourceAsBytesRef(), XContentType.JSON)
        ) {
            parser.nextToken();
            while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("definition")) {
                    return parser.binaryValue();
                }
                parser.skipChildren();
            }
        }
        throw new IllegalStateException("part document [" + response.getId() + "] has no definition");
    }

    // ---- writes ----

    /**
     * Stores a new model configuration in state {@code configured}.
     *
     * @throws ElasticsearchStatusException 409 (through the listener) when the id exists
     */
    public void putConfig(String modelId, ModelConfig config, ActionListener<StoredModel> listener) {
        if (StoredModel.DEFAULT_ID.equals(modelId)) {
            listener.onFailure(builtInConflict());
            return;
        }
        StoredModel model = StoredModel.configured(modelId, config, clock.getAsLong());
        IndexRequest request;
        try {
            request = new IndexRequest(ModelIndex.INDEX).id(ModelIndex.configDocId(modelId))
                .opType(DocWriteRequest.OpType.CREATE)
                .source(ModelIndex.configSource(model))
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        client.index(request, ActionListener.wrap(r -> listener.onResponse(model), e -> {
            if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException) {
                listener.onFailure(new ElasticsearchStatusException(
                    "model [{}] already exists; models are immutable: put the new version under a new id, or delete this one first",
                    RestStatus.CONFLICT, modelId));
            } else {
                listener.onFailure(e);
            }
        }));
    }

    static ElasticsearchStatusException builtInConflict() {
        return new ElasticsearchStatusException("model [{}] is built in: it cannot be replaced, uploaded or deleted; use another id",
            RestStatus.CONFLICT, StoredModel.DEFAULT_ID);
    }

    /**
     * Stores one part of a model's definition (decoded bytes) and records it in the model's
     * config document; when it is the last missing part, verifies the whole definition (length
     * and SHA-256, then the {@link DefinitionCheck}: ONNX Runtime must load it) and marks the model ready or failed. The
     * listener gets the model after this part; a checksum or length mismatch fails it with 400
     * after recording the failure.
     *
     * @param totals the totals of this request, from {@link DefinitionUpload#start}
     */
    public void putPart(String modelId, int part, byte[] bytes, DefinitionUpload totals, ActionListener<StoredModel> listener) {
        if (StoredModel.DEFAULT_ID.equals(modelId)) {
            listener.onFailure(builtInConflict());
            return;
        }
        getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            accept(versioned.model(), part, bytes.length, totals); // validate before storing anything
            IndexRequest store = new IndexRequest(ModelIndex.INDEX).id(ModelIndex.partDocId(modelId, part))
                .source(ModelIndex.partSource(modelId, part, bytes));
            client.index(store, l.delegateFailureAndWrap((l2, stored) -> recordPart(modelId, part, bytes.length, totals, 1, l2)));
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

    private void recordPart(String modelId, int part, long length, DefinitionUpload totals, int attempt, ActionListener<StoredModel> listener) {
        getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            DefinitionUpload next = accept(versioned.model(), part, length, totals);
            StoredModel updated = versioned.model().withUpload(next);
            IndexRequest cas = new IndexRequest(ModelIndex.INDEX).id(ModelIndex.configDocId(modelId))
                .source(ModelIndex.configSource(updated))
                .setIfSeqNo(versioned.seqNo())
                .setIfPrimaryTerm(versioned.primaryTerm())
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            client.index(cas, ActionListener.wrap(r -> {
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
        DefinitionVerification.verify(model, this::forEachPart, check, listener.delegateFailureAndWrap((l, reason) ->
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
        getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            StoredModel current = versioned.model();
            if (current.state() != ModelState.UPLOADING || current.upload() == null || current.upload().isComplete() == false) {
                throw new ElasticsearchStatusException("model [{}] changed during verification (state [{}])", RestStatus.CONFLICT, modelId,
                    current.state().id());
            }
            StoredModel verdict = failureReason == null ? current.ready() : current.failed(failureReason);
            IndexRequest cas = new IndexRequest(ModelIndex.INDEX).id(ModelIndex.configDocId(modelId))
                .source(ModelIndex.configSource(verdict))
                .setIfSeqNo(versioned.seqNo())
                .setIfPrimaryTerm(versioned.primaryTerm())
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            client.index(cas, l.map(r -> verdict));
        }));
    }

    @Override
    public void deleteModel(String modelId, ActionListener<Void> listener) {
        if (StoredModel.DEFAULT_ID.equals(modelId)) {
            listener.onFailure(builtInConflict());
            return;
        }
        getVersioned(modelId, listener.delegateFailureAndWrap((l, versioned) -> {
            DeleteRequest deleteConfig = new DeleteRequest(ModelIndex.INDEX, ModelIndex.configDocId(modelId))
                .setIfSeqNo(versioned.seqNo())
                .setIfPrimaryTerm(versioned.primaryTerm())
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            // The config goes first: from then on the model is unknown everywhere; parts follow.
            client.delete(deleteConfig, ActionListener.wrap(r -> deleteParts(versioned.model(), l), e -> {
                if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException) {
                    deleteModel(modelId, l); // an upload moved on meanwhile: read again
                } else {
                    l.onFailure(e);
                }
            }));
        }));
    }

    /**
     * Deletes the listed parts and any unlisted part document of the model (left by an upload
     * request that stored its part but never recorded it).
     */
    private void deleteParts(StoredModel model, ActionListener<Void> listener) {
        String modelId = model.modelId();
        client.admin().indices().refresh(new RefreshRequest(ModelIndex.INDEX), listener.delegateFailureAndWrap((l, refreshed) -> {
            SearchRequest search = new SearchRequest(ModelIndex.INDEX).source(
                new SearchSourceBuilder().query(QueryBuilders.termQuery("model_id", modelId)).size(DefinitionUpload.MAX_PARTS).fetchSource(false)
            );
            client.search(search, l.delegateFailureAndWrap((l2, response) -> {
                java.util.Set<String> ids = new java.util.TreeSet<>();
                if (model.upload() != null) {
                    ids.addAll(ModelIndex.allPartDocIds(modelId, model.upload().totalParts()));
                }
                for (SearchHit hit : response.getHits().getHits()) {
                    ids.add(hit.getId());
                }
                ids.remove(ModelIndex.configDocId(modelId));
                if (ids.isEmpty()) {
                    l2.onResponse(null);
                    return;
                }
                BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
                for (String id : ids) {
                    bulk.add(new DeleteRequest(ModelIndex.INDEX, id));
                }
                client.bulk(bulk, l2.delegateFailureAndWrap((l3, bulkResponse) -> {
                    if (bulkResponse.hasFailures()) {
                        logger.warn("deleting the parts of model [{}] left some behind: {}", modelId, bulkResponse.buildFailureMessage());
                    }
                    l3.onResponse(null);
                }));
            }));
        }));
    }
}
