package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.IndexItemStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The {@link ModelStore} on the system index {@link ModelIndex} (see {@link IndexItemStore}), plus
 * the writes of the model endpoints: the configuration here, the definition parts through
 * {@link ModelUpload}. The built-in models ({@link StoredModel#builtIns()}) have no document: each is
 * always found, always listed, and refused (409) to every write.
 * <p>
 * A part document is written before the config lists it, and only parts the config lists are
 * ever read, so a half-finished upload request leaves no visible state.
 */
public final class IndexModelStore extends IndexItemStore<StoredModel, StoredModel> implements ModelStore {

    private static final Logger logger = LogManager.getLogger(IndexModelStore.class);

    private final LongSupplier clock;
    private final ModelUpload upload;

    /** @param check what a complete definition must pass, after length and SHA-256, to become ready */
    public IndexModelStore(Client client, LongSupplier clock, DefinitionCheck check) {
        super(client, ModelIndex.KIND, null, ModelIndex::parseConfigSource, ModelIndex::parseConfigSource);
        this.clock = clock;
        this.upload = new ModelUpload(this, check);
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

    static ElasticsearchStatusException builtInConflict(String modelId) {
        return new ElasticsearchStatusException("model [{}] is built in: it cannot be replaced, uploaded or deleted; use another id",
            RestStatus.CONFLICT, modelId);
    }

    // ---- reads ----

    @Override
    protected String docId(String modelId) {
        return ModelIndex.configDocId(modelId);
    }

    @Override
    protected QueryBuilder listQuery() {
        return QueryBuilders.termQuery(ModelIndex.DOC_TYPE, ModelIndex.CONFIG_DOC);
    }

    /** A config document with the sequence number and primary term it was read at. */
    record Versioned(StoredModel model, long seqNo, long primaryTerm) {}

    void getVersioned(String modelId, ActionListener<Versioned> listener) {
        getDocument(modelId, null, listener.map(r -> new Versioned(ModelIndex.parseConfigSource(r.getSourceAsMap()), r.getSeqNo(), r.getPrimaryTerm())));
    }

    @Override
    public void get(String modelId, ActionListener<StoredModel> listener) {
        StoredModel builtIn = StoredModel.builtIn(modelId);
        if (builtIn != null) {
            listener.onResponse(builtIn);
            return;
        }
        super.get(modelId, listener);
    }

    /** A model has no payload field: its metadata is the model. */
    @Override
    public void getMetadata(String modelId, boolean withPayload, ActionListener<StoredModel> listener) {
        get(modelId, listener);
    }

    /** Every model, the built-in ones included, sorted by id (at most {@value #MAX_LISTED} stored models). */
    @Override
    public void list(ActionListener<List<StoredModel>> listener) {
        super.list(listener.map(stored -> {
            List<StoredModel> models = new ArrayList<>(stored);
            models.addAll(StoredModel.builtIns());
            models.sort(Comparator.comparing(StoredModel::modelId));
            return models;
        }));
    }

    @Override
    public void readDefinition(String modelId, ActionListener<byte[]> listener) {
        get(modelId, listener.delegateFailureAndWrap((l, model) -> readDefinition(model, l)));
    }

    /** {@link #readDefinition(String, ActionListener)} for a model already read (e.g. from a cache). */
    public void readDefinition(StoredModel model, ActionListener<byte[]> listener) {
        if (model.builtIn()) {
            listener.onResponse(StoredModel.builtInDefinition(model.modelId()));
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
        get(modelId, listener.delegateFailureAndWrap((l, model) -> forEachDefinitionPart(model, consumer, l)));
    }

    /** {@link #forEachDefinitionPart(String, PartConsumer, ActionListener)} for a model already read. */
    public void forEachDefinitionPart(StoredModel model, PartConsumer consumer, ActionListener<Void> listener) {
        if (model.builtIn()) {
            try {
                consumer.accept(0, StoredModel.builtInDefinition(model.modelId()));
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
    void forEachPart(StoredModel model, PartConsumer consumer, ActionListener<Void> listener) {
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
    private static byte[] definitionBytes(GetResponse response) throws IOException {
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

    /** Stores a new model configuration in state {@code configured}; 409 when the id exists. */
    public void putConfig(String modelId, ModelConfig config, ActionListener<StoredModel> listener) {
        if (StoredModel.builtIn(modelId) != null) {
            listener.onFailure(builtInConflict(modelId));
            return;
        }
        StoredModel model = StoredModel.configured(modelId, config, clock.getAsLong());
        create(modelId, () -> ModelIndex.configSource(model), listener.map(ignored -> model));
    }

    /** Stores one part of a model's definition: see {@link ModelUpload#putPart}. */
    public void putPart(String modelId, int part, byte[] bytes, DefinitionUpload totals, ActionListener<StoredModel> listener) {
        upload.putPart(modelId, part, bytes, totals, listener);
    }

    /** Deletes the model's configuration (compare-and-set: an upload moving on meanwhile makes it read again), then every part. */
    @Override
    public void delete(String modelId, ActionListener<Void> listener) {
        if (StoredModel.builtIn(modelId) != null) {
            listener.onFailure(builtInConflict(modelId));
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
                    delete(modelId, l);
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
                Set<String> ids = new TreeSet<>();
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
