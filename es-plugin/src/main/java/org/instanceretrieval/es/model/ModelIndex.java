package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.StoreIndices;
import org.instanceretrieval.es.store.StoredItemKind;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.ingest.IngestService;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.xcontent.XContentFactory.jsonBuilder;

/**
 * The hidden system index that holds models: one document per model ({@code <id>#config}:
 * configuration, state, upload progress) and one per definition part ({@code <id>#part#<i>}:
 * the decoded bytes in a {@code binary} field). Model ids cannot contain {@code #}, so the
 * document ids never collide. One shard, {@code auto_expand_replicas: 0-1} (a copy on a second
 * node when there is one, like Elasticsearch's own internal indices).
 * <p>
 * The index is a managed, "net-new" system index: Elasticsearch creates it with these mappings
 * and settings on the first write, users cannot read or write it through the index APIs, and
 * snapshots include it in the feature state {@code instance_retrieval}.
 */
public final class ModelIndex {

    public static final String INDEX = ".retrieval-models-1";
    public static final String INDEX_PATTERN = ".retrieval-models-*";
    public static final int MAPPINGS_VERSION = 1;
    /**
     * The origin the plugin's internal client sets when it reads or writes this index (with the
     * caller's thread context stashed). Elasticsearch's security layer only knows a fixed list
     * of origins and refuses any other; {@code ingest} is the origin Elasticsearch's own
     * ingest-geoip module uses for its system index {@code .geoip_databases}, and security runs
     * such requests as its internal {@code _xpack} user, which may access system indices.
     * Models exist to serve ingest processors, so this is the fitting one.
     */
    public static final String ORIGIN = IngestService.INGEST_ORIGIN;

    /** The family of models: {@code GET} and {@code DELETE _retrieval/model/{model_id}}, created by {@code PUT}. */
    public static final StoredItemKind<StoredModel> KIND = new StoredItemKind<>("model", INDEX, "put", null, StoredModel::readFrom);

    public static final String DOC_TYPE = "doc_type";
    public static final String CONFIG_DOC = "model_config";
    public static final String PART_DOC = "model_part";

    private ModelIndex() {}

    public static String configDocId(String modelId) {
        return modelId + "#config";
    }

    public static String partDocId(String modelId, int part) {
        return modelId + "#part#" + part;
    }

    public static SystemIndexDescriptor descriptor() {
        String description = "Instance retrieval: model configurations and ONNX definitions";
        return StoreIndices.descriptor(INDEX_PATTERN, INDEX, description, MAPPINGS_VERSION, b -> {
            keyword(b, DOC_TYPE);
            keyword(b, "model_id");
            b.startObject("created_time").field("type", "date").field("format", "epoch_millis").endObject();
            keyword(b, "state");
            b.startObject("failure_reason").field("type", "keyword").field("index", false).endObject();
            // The user's configuration, kept as given (validated) in _source only.
            b.startObject("config").field("type", "object").field("enabled", false).endObject();
            b.startObject("upload").field("type", "object").field("enabled", false).endObject();
            b.startObject("part").field("type", "integer").endObject();
            b.startObject("definition").field("type", "binary").endObject();
        });
    }

    private static void keyword(XContentBuilder b, String name) throws IOException {
        b.startObject(name).field("type", "keyword").endObject();
    }

    /** The fields of a model's config document, which are also a stored model's transport form ({@link StoredModel#writeTo}). */
    static Map<String, Object> configFields(StoredModel model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(DOC_TYPE, CONFIG_DOC);
        m.put("model_id", model.modelId());
        m.put("created_time", model.createdMillis());
        m.put("state", model.state().id());
        if (model.failureReason() != null) {
            m.put("failure_reason", model.failureReason());
        }
        m.put("config", model.config().toMap());
        DefinitionUpload u = model.upload();
        if (u != null) {
            Map<String, Object> upload = new LinkedHashMap<>();
            upload.put("total_parts", u.totalParts());
            upload.put("total_definition_length", u.totalLength());
            upload.put("sha256", u.sha256());
            upload.put("part_size", u.partSize());
            upload.put("uploaded", Arrays.stream(u.uploaded()).boxed().toList());
            m.put("upload", upload);
        }
        return m;
    }

    /** The source of a model's config document. */
    static XContentBuilder configSource(StoredModel model) throws IOException {
        return jsonBuilder().map(configFields(model));
    }

    /** Reads a config document's source back. */
    static StoredModel parseConfigSource(Map<String, Object> source) {
        String id = (String) source.get("model_id");
        ModelState state = ModelState.fromId((String) source.get("state"));
        long created = ((Number) source.get("created_time")).longValue();
        @SuppressWarnings("unchecked")
        ModelConfig config = ModelConfig.parse((Map<String, Object>) source.get("config"));
        @SuppressWarnings("unchecked")
        Map<String, Object> u = (Map<String, Object>) source.get("upload");
        DefinitionUpload upload = null;
        if (u != null) {
            @SuppressWarnings("unchecked")
            List<Number> uploaded = (List<Number>) u.get("uploaded");
            int[] parts = new int[uploaded.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = uploaded.get(i).intValue();
            }
            upload = new DefinitionUpload(
                ((Number) u.get("total_parts")).intValue(),
                ((Number) u.get("total_definition_length")).longValue(),
                (String) u.get("sha256"),
                ((Number) u.get("part_size")).longValue(),
                parts
            );
        }
        return new StoredModel(id, false, state, created, config, upload, (String) source.get("failure_reason"), 0);
    }

    /** The source of a part document. */
    static XContentBuilder partSource(String modelId, int part, byte[] bytes) throws IOException {
        return jsonBuilder().startObject()
            .field(DOC_TYPE, PART_DOC)
            .field("model_id", modelId)
            .field("part", part)
            .field("definition", bytes)
            .endObject();
    }

    static List<String> allPartDocIds(String modelId, int totalParts) {
        List<String> ids = new ArrayList<>(totalParts);
        for (int i = 0; i < totalParts; i++) {
            ids.add(partDocId(modelId, i));
        }
        return ids;
    }
}
