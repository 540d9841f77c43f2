package org.instanceretrieval.es.model;

import org.instanceretrieval.es.store.StoredItem;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.NsfwjsInceptionV3;
import org.instanceretrieval.model.onnx.NsfwjsMobileNetV2;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A model as the store knows it: its id, configuration, state, upload progress and, for the
 * built-in model, the fact that it needs no upload. Immutable.
 *
 * @param createdMillis creation time in epoch milliseconds, or -1 for the built-in model
 * @param upload the upload progress, null before the first part
 * @param failureReason why verification failed, null unless {@link ModelState#FAILED}
 * @param builtInLength definition length of the built-in model, 0 for stored models
 */
public record StoredModel(
    String modelId,
    boolean builtIn,
    ModelState state,
    long createdMillis,
    ModelConfig config,
    DefinitionUpload upload,
    String failureReason,
    long builtInLength
) implements StoredItem {

    /** Id of the built-in default model (the pretrained nsfwjs InceptionV3 trunk up to mixed5, {@code NsfwjsInceptionV3}). */
    public static final String DEFAULT_ID = "default";
    /** Id of the built-in pretrained nsfwjs MobileNetV2 trunk ({@code NsfwjsMobileNetV2}). */
    public static final String NSFWJS_ID = "nsfwjs_mobilenet_v2";
    /** Id of the built-in untrained filter bank ({@code DefaultModel}; the {@code default} before a pretrained one shipped). */
    public static final String FILTER_BANK_ID = "filter_bank";

    public StoredModel {
        Objects.requireNonNull(modelId);
        Objects.requireNonNull(state);
        Objects.requireNonNull(config);
    }

    private static final class BuiltIn {
        static final Map<String, StoredModel> ALL = Map.of(
            DEFAULT_ID, new StoredModel(DEFAULT_ID, true, ModelState.READY, -1, ModelConfig.builtInDefault(), null, null,
                NsfwjsInceptionV3.length()),
            FILTER_BANK_ID, new StoredModel(FILTER_BANK_ID, true, ModelState.READY, -1, ModelConfig.builtInFilterBank(), null, null,
                DefaultModel.onnx().length),
            NSFWJS_ID, new StoredModel(NSFWJS_ID, true, ModelState.READY, -1, ModelConfig.builtInNsfwjs(), null, null,
                NsfwjsMobileNetV2.length())
        );
    }

    /** The built-in model {@code default}: always ready. */
    public static StoredModel builtInDefault() {
        return BuiltIn.ALL.get(DEFAULT_ID);
    }

    /** The built-in model of that id ({@value #DEFAULT_ID}, {@value #NSFWJS_ID} or {@value #FILTER_BANK_ID}), or null. */
    public static StoredModel builtIn(String modelId) {
        return modelId == null ? null : BuiltIn.ALL.get(modelId);
    }

    /** Every built-in model. */
    public static Collection<StoredModel> builtIns() {
        return BuiltIn.ALL.values();
    }

    /** The ONNX bytes of a built-in model (a fresh copy). */
    public static byte[] builtInDefinition(String modelId) {
        return switch (modelId) {
            case DEFAULT_ID -> NsfwjsInceptionV3.onnx();
            case FILTER_BANK_ID -> DefaultModel.onnx();
            case NSFWJS_ID -> NsfwjsMobileNetV2.onnx();
            default -> throw new IllegalArgumentException("[" + modelId + "] is not a built-in model");
        };
    }

    /** A newly configured model, before any part. */
    public static StoredModel configured(String modelId, ModelConfig config, long createdMillis) {
        return new StoredModel(modelId, false, ModelState.CONFIGURED, createdMillis, config, null, null, 0);
    }

    public StoredModel withUpload(DefinitionUpload next) {
        return new StoredModel(modelId, builtIn, ModelState.UPLOADING, createdMillis, config, next, null, 0);
    }

    public StoredModel ready() {
        return new StoredModel(modelId, builtIn, ModelState.READY, createdMillis, config, upload, null, 0);
    }

    public StoredModel failed(String reason) {
        return new StoredModel(modelId, builtIn, ModelState.FAILED, createdMillis, config, upload, reason, 0);
    }

    /** Whether the definition is complete and verified (the model can be used). */
    public boolean fullyDefined() {
        return state == ModelState.READY;
    }

    /** The definition length in bytes, or -1 while unknown (no part yet). */
    public long definitionLength() {
        return builtIn ? builtInLength : upload == null ? -1 : upload.totalLength();
    }

    public int partsUploaded() {
        return builtIn ? 0 : upload == null ? 0 : upload.uploaded().length;
    }

    /** The full view of {@code GET _retrieval/model/{id}}. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("model_id", modelId);
        builder.field("built_in", builtIn);
        builder.field("state", state.id());
        builder.field("fully_defined", fullyDefined());
        if (createdMillis >= 0) {
            builder.field("created_time", Instant.ofEpochMilli(createdMillis).toString());
        }
        if (failureReason != null) {
            builder.field("failure_reason", failureReason);
        }
        config.innerToXContent(builder);
        builder.startObject("definition");
        if (builtIn) {
            builder.field("total_definition_length", builtInLength);
        } else if (upload != null) {
            builder.field("total_parts", upload.totalParts());
            builder.field("parts_uploaded", upload.uploaded().length);
            builder.field("total_definition_length", upload.totalLength());
            builder.field("sha256", upload.sha256());
            if (upload.partSize() > 0) {
                builder.field("part_size", upload.partSize());
            }
        } else {
            builder.field("parts_uploaded", 0);
        }
        builder.endObject();
        return builder.endObject();
    }

    /** The compact row of {@code GET _retrieval/model}. */
    @Override
    public XContentBuilder toCompactXContent(XContentBuilder builder) throws IOException {
        builder.startObject();
        builder.field("model_id", modelId);
        builder.field("state", state.id());
        builder.field("kind", config.outputKind().name().toLowerCase(Locale.ROOT));
        if (definitionLength() >= 0) {
            builder.field("size", definitionLength());
        }
        if (builtIn == false) {
            builder.field("parts_uploaded", partsUploaded());
            if (upload != null) {
                builder.field("total_parts", upload.totalParts());
            }
            builder.field("created_time", Instant.ofEpochMilli(createdMillis).toString());
        }
        builder.field("built_in", builtIn);
        return builder.endObject();
    }

    /** Reads what {@link #writeTo} wrote. */
    public static StoredModel readFrom(StreamInput in) throws IOException {
        return in.readBoolean() ? builtIn(in.readString()) : ModelIndex.parseConfigSource(in.readGenericMap());
    }

    /** The built-in flag, then for a stored model the fields of its config document. */
    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(builtIn);
        if (builtIn) {
            out.writeString(modelId);
        } else {
            out.writeGenericMap(ModelIndex.configFields(this));
        }
    }
}
