package org.instanceretrieval.es.ingest;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.model.NodeInference;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.model.ModelStore;
import org.instanceretrieval.es.model.StoredModel;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.model.inference.Device;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Creates {@link ImageDescriptorProcessor}s from a pipeline definition:
 * <pre>
 * {"image_descriptor": {
 *   "field": "image",                  (required: base64 JPEG or PNG)
 *   "target_field": "descriptor",      (required)
 *   "model_id": "default",             (default "default"; the model may be uploaded after the pipeline)
 *   "models": [{"model_id": ..., "pooling": ..., "weight": 1.0}, ...],   (an ensemble instead of model_id, see EnsembleJson;
 *                                      top-level whitening_id then whitens the concatenation; no pooling/scales/size/patches)
 *   "pooling": {...}, "scales": [...], "size": {...}, "whitening_id": "...", "patches": 3,   (recipe overrides, see RecipeJson)
 *   "patches_field": "descriptor_patches",   (default target_field + "_patches"; only with patches)
 *   "bbox_field": "bbox",              (optional: [x1, y1, x2, y2] in full-image pixels)
 *   "device": "auto" | "cpu" | "cuda", (default: the node's instance_retrieval.inference.device)
 *   "ignore_missing": false
 * }}
 * </pre>
 * plus the options every processor has ({@code tag}, {@code if}, {@code ignore_failure},
 * {@code on_failure}, {@code description}), handled by Elasticsearch. Bad options are refused
 * when the pipeline is created (400 naming the option; unknown options by the framework); the
 * model's existence is checked when a document is ingested.
 */
public final class ImageDescriptorProcessorFactory implements Processor.Factory {

    /** What processors need at ingest time; read lazily because processors are registered before components exist. */
    public record Services(
        Supplier<NodeInference> inference,
        Supplier<ModelStore> modelStoreSupplier,
        Supplier<WhiteningStore> whiteningStore,
        ThreadContext threadContext
    ) {
        ModelStore modelStore() {
            return modelStoreSupplier.get();
        }
    }

    private final Services services;

    public ImageDescriptorProcessorFactory(Services services) {
        this.services = services;
    }

    @Override
    public ImageDescriptorProcessor create(Map<String, Processor.Factory> registry, String tag, String description, Map<String, Object> config) {
        String type = ImageDescriptorProcessor.TYPE;
        String field = ConfigurationUtils.readStringProperty(type, tag, config, "field");
        String targetField = ConfigurationUtils.readStringProperty(type, tag, config, "target_field");
        boolean modelIdGiven = config.containsKey("model_id");
        Object modelsOption = config.remove("models");
        String modelId = ConfigurationUtils.readStringProperty(type, tag, config, "model_id", StoredModel.DEFAULT_ID);
        String patchesField = ConfigurationUtils.readOptionalStringProperty(type, tag, config, "patches_field");
        String bboxField = ConfigurationUtils.readOptionalStringProperty(type, tag, config, "bbox_field");
        String deviceName = ConfigurationUtils.readOptionalStringProperty(type, tag, config, "device");
        boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(type, tag, config, "ignore_missing", false);
        try {
            ModelIds.validate("model_id", modelId);
        } catch (IllegalArgumentException e) {
            throw ConfigurationUtils.newConfigurationException(type, tag, null, e.getMessage());
        }
        Device device = null;
        if (deviceName != null) {
            try {
                device = Device.fromId(deviceName);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(type, tag, null, e.getMessage());
            }
        }
        Map<String, Object> recipeOptions = new LinkedHashMap<>();
        for (String option : RecipeJson.OVERRIDE_FIELDS) {
            if (config.containsKey(option)) {
                recipeOptions.put(option, config.remove(option));
            }
        }
        RecipeJson overrides;
        try {
            // The model's output kind is not known yet (it may be uploaded later): pooling vs. kind is checked at ingest.
            overrides = RecipeJson.parse("", recipeOptions, RecipeJson.OVERRIDE_FIELDS, null);
        } catch (IllegalArgumentException e) {
            throw ConfigurationUtils.newConfigurationException(type, tag, null, e.getMessage());
        }
        EnsembleJson ensemble = null;
        if (modelsOption != null) {
            if (modelIdGiven) {
                throw ConfigurationUtils.newConfigurationException(type, tag, "models", "and [model_id] cannot both be given: use [model_id] "
                    + "for one model or [models] for an ensemble, got model_id [" + modelId + "]");
            }
            for (String option : new String[] { "pooling", "scales", "size", "patches" }) {
                if (recipeOptions.containsKey(option)) {
                    throw ConfigurationUtils.newConfigurationException(type, tag, option, "cannot be used with [models]: "
                        + (option.equals("patches") ? "an ensemble describes whole images only" : "give it per member, as [models.N." + option + "]"));
                }
            }
            try {
                ensemble = EnsembleJson.parse(modelsOption);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(type, tag, null, e.getMessage());
            }
            modelId = null;
            if (services.whiteningStore().get() == null && ensemble.memberWhiteningIds().isEmpty() == false) {
                throw whiteningStoreUnavailable(ensemble.memberWhiteningIds().get(0));
            }
        }
        if (overrides.whiteningId() != null && services.whiteningStore().get() == null) {
            throw whiteningStoreUnavailable(overrides.whiteningId());
        }
        if (patchesField != null && (overrides.patches() == null || overrides.patches() == 0)) {
            throw ConfigurationUtils.newConfigurationException(type, tag, "patches_field", "is only used with [patches] levels 1 to 4");
        }
        if (patchesField == null) {
            patchesField = targetField + "_patches";
        }
        if (patchesField.equals(targetField)) {
            throw ConfigurationUtils.newConfigurationException(type, tag, "patches_field", "must differ from [target_field], got ["
                + targetField + "]");
        }
        return new ImageDescriptorProcessor(tag, description, field, targetField, patchesField, modelId, ensemble, bboxField, overrides, device,
            ignoreMissing, services);
    }

    /** The 400 for a whitening id on a node where no whitening store is installed. */
    static ElasticsearchStatusException whiteningStoreUnavailable(String whiteningId) {
        return new ElasticsearchStatusException("whitening store not available: cannot apply [whitening_id] [{}] on this node",
            RestStatus.BAD_REQUEST, whiteningId);
    }
}
