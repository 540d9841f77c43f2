package org.instanceretrieval.es.ingest;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.model.NodeInference;
import org.instanceretrieval.es.model.StoredModel;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.model.descriptor.DescriptorExtractor;
import org.instanceretrieval.model.descriptor.DescriptorRecipe;
import org.instanceretrieval.model.descriptor.ImageDescriptors;
import org.instanceretrieval.model.inference.Device;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code image_descriptor} ingest processor: reads a base64 JPEG or PNG from {@code field},
 * describes it with a model of the store and writes the descriptor (a list of floats that fits
 * a {@code dense_vector} field) to {@code target_field}; with {@code patches} also the patch
 * descriptors to {@code patches_field} as a list of objects {@code {"vector": [...]}} (map it as
 * {@code nested} with a {@code dense_vector} {@code vector}). Asynchronous: the model and
 * whitening are read from their stores, decoding runs on the plugin's image pool and the network
 * on its inference pool; the caller's thread context is restored before the handler runs (a
 * batch mixes documents of several requests, so the thread that completes one carries another
 * request's context until then).
 *
 * <p>With {@code models} (an {@link EnsembleJson}) instead of {@code model_id}, the descriptor is that of
 * an ensemble ({@link EnsembleDescriber}): every member's descriptor, weighted, concatenated, optionally
 * whitened by the top-level {@code whitening_id}, L2-normalised; the image is decoded once for all members.
 *
 * <p>Every failure fails this document only, with an error naming the problem: a missing field
 * (unless {@code ignore_missing}), an empty or non-base64 field, an image that cannot be decoded
 * (corrupt, truncated, unsupported format, more pixels than {@code instance_retrieval.image.max_pixels}),
 * an unknown model (404), a model not fully uploaded (409), an image whose decoding, tensors or model
 * output do not fit in the {@code retrieval} circuit breaker (429 {@code circuit_breaking_exception}), a whitening that is unknown, not
 * available, or of another dimension than the descriptor.
 */
public final class ImageDescriptorProcessor extends AbstractProcessor {

    public static final String TYPE = "image_descriptor";
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s");

    private final String field;
    private final String targetField;
    private final String patchesField;
    private final String modelId;
    private final EnsembleJson ensemble;
    private final String bboxField;
    private final RecipeJson overrides;
    private final Device device;
    private final boolean ignoreMissing;
    private final ImageDescriptorProcessorFactory.Services services;

    ImageDescriptorProcessor(String tag, String description, String field, String targetField, String patchesField, String modelId,
                             EnsembleJson ensemble, String bboxField, RecipeJson overrides, Device device, boolean ignoreMissing,
                             ImageDescriptorProcessorFactory.Services services) {
        super(tag, description);
        this.field = field;
        this.targetField = targetField;
        this.patchesField = patchesField;
        this.modelId = modelId;
        this.ensemble = ensemble;
        this.bboxField = bboxField;
        this.overrides = overrides;
        this.device = device;
        this.ignoreMissing = ignoreMissing;
        this.services = services;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public boolean isAsync() {
        return true;
    }

    public String field() {
        return field;
    }

    public String targetField() {
        return targetField;
    }

    public String patchesField() {
        return patchesField;
    }

    /** The model, or {@code null} for an ensemble. */
    public String modelId() {
        return modelId;
    }

    /** The ensemble ({@code models}), or {@code null} for one model. */
    public EnsembleJson ensemble() {
        return ensemble;
    }

    public String bboxField() {
        return bboxField;
    }

    public RecipeJson overrides() {
        return overrides;
    }

    public Device device() {
        return device;
    }

    public boolean ignoreMissing() {
        return ignoreMissing;
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        Supplier<ThreadContext.StoredContext> restore = services.threadContext().newRestorableContext(false);
        // Exactly once: a listener whose response path throws would otherwise also report a failure.
        AtomicBoolean done = new AtomicBoolean();
        BiConsumer<IngestDocument, Exception> inContext = (doc, e) -> {
            if (done.compareAndSet(false, true)) {
                try (ThreadContext.StoredContext ignored = restore.get()) {
                    handler.accept(doc, e);
                }
            }
        };
        byte[] image;
        BoundingBox bbox;
        try {
            if (document.hasField(field, true) == false || document.getFieldValue(field, Object.class, true) == null) {
                if (ignoreMissing) {
                    handler.accept(document, null);
                    return;
                }
                throw new IllegalArgumentException("field [" + field + "] is missing or null: no image to describe"
                    + " (set [ignore_missing] to skip such documents)");
            }
            image = decodeBase64(document.getFieldValue(field, Object.class));
            bbox = bboxField == null ? null : readBox(document);
        } catch (Exception e) {
            handler.accept(null, e);
            return;
        }
        if (ensemble != null) {
            EnsembleDescriber.describe(services, ensemble, overrides.whiteningId(), device, image, bbox, ActionListener.wrap(
                vector -> {
                    try {
                        document.setFieldValue(targetField, floats(vector));
                    } catch (Exception e) {
                        inContext.accept(null, e);
                        return;
                    }
                    inContext.accept(document, null);
                },
                e -> inContext.accept(null, describeError(field, e))));
            return;
        }
        services.modelStore().getModel(modelId, ActionListener.wrap(
            model -> withWhitening(model, ActionListener.wrap(
                recipe -> describe(document, image, bbox, model, recipe, inContext),
                e -> inContext.accept(null, e)
            )),
            e -> inContext.accept(null, modelError(modelId, e))
        ));
    }

    private byte[] decodeBase64(Object value) {
        if (value instanceof String == false) {
            throw new IllegalArgumentException("field [" + field + "] must hold the image as a base64 string, got a "
                + value.getClass().getSimpleName());
        }
        String s = (String) value;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("field [" + field + "] is empty: no image to describe");
        }
        try {
            // Strict alphabet (a typo must not decode to other bytes); line breaks of wrapped base64 are allowed.
            return Base64.getDecoder().decode(WHITESPACE.matcher(s).find() ? WHITESPACE.matcher(s).replaceAll("") : s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field [" + field + "] is not valid base64: " + e.getMessage(), e);
        }
    }

    private BoundingBox readBox(IngestDocument document) {
        Object value = document.getFieldValue(bboxField, Object.class, true);
        if (value instanceof List<?> list && list.size() == 4 && list.stream().allMatch(v -> v instanceof Number)) {
            try {
                return new BoundingBox(((Number) list.get(0)).doubleValue(), ((Number) list.get(1)).doubleValue(),
                    ((Number) list.get(2)).doubleValue(), ((Number) list.get(3)).doubleValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[bbox_field] [" + bboxField + "]: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("[bbox_field] [" + bboxField + "] must hold [x1, y1, x2, y2] in full-image pixels, got " + value);
    }

    private void withWhitening(StoredModel model, ActionListener<DescriptorRecipe> listener) {
        recipe(services, model, overrides, listener);
    }

    /** The recipe: model defaults, then {@code overrides}, then the whitening fetched by id. */
    static void recipe(ImageDescriptorProcessorFactory.Services services, StoredModel model, RecipeJson overrides,
                       ActionListener<DescriptorRecipe> listener) {
        DescriptorRecipe.Builder builder = overrides.applyTo(model.config().recipeBuilder());
        String whiteningId = overrides.whiteningId() != null ? overrides.whiteningId() : model.config().recipeJson().whiteningId();
        if (whiteningId == null) {
            listener.onResponse(builder.build());
            return;
        }
        WhiteningStore whitenings = services.whiteningStore().get();
        if (whitenings == null) {
            listener.onFailure(ImageDescriptorProcessorFactory.whiteningStoreUnavailable(whiteningId));
            return;
        }
        whitenings.getWhitening(whiteningId, listener.delegateFailureAndWrap((l, whitening) -> l.onResponse(builder.whitening(whiteningId,
            whitening).build())));
    }

    private void describe(IngestDocument document, byte[] image, BoundingBox bbox, StoredModel model, DescriptorRecipe recipe,
                          BiConsumer<IngestDocument, Exception> handler) {
        NodeInference inference = services.inference().get();
        DescriptorExtractor extractor = new DescriptorExtractor(inference.service(device).model(modelId), model.config().tensorLayout(),
            inference.decoder(), inference.budget(), inference.imageExecutor());
        extractor.extract(image, bbox, recipe).whenComplete((descriptors, error) -> {
            if (error != null) {
                handler.accept(null, describeError(field, modelId, error));
                return;
            }
            try {
                write(document, descriptors, recipe);
            } catch (Exception e) {
                handler.accept(null, e);
                return;
            }
            handler.accept(document, null);
        });
    }

    private void write(IngestDocument document, ImageDescriptors descriptors, DescriptorRecipe recipe) {
        document.setFieldValue(targetField, floats(descriptors.descriptor()));
        if (recipe.patchLevels() > 0) {
            List<Map<String, Object>> patches = new ArrayList<>(descriptors.patches().size());
            for (float[] patch : descriptors.patches()) {
                patches.add(Map.of("vector", floats(patch)));
            }
            document.setFieldValue(patchesField, patches);
        }
    }

    static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    /** A missing model as a 404 naming it; other errors unchanged. */
    static Exception modelError(String modelId, Exception e) {
        if (ExceptionsHelper.unwrapCause(e) instanceof ResourceNotFoundException) {
            return new ResourceNotFoundException("unknown model [{}]: no model with this id is stored; upload it with PUT _retrieval/model/{}",
                e, modelId, modelId);
        }
        return e;
    }

    /** The error of a failed description of the image in {@code field}, for a model or ensemble that resolved. */
    static Exception describeError(String field, Throwable error) {
        return describeError(field, null, error);
    }

    private static Exception describeError(String field, String modelId, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ResourceNotFoundException && modelId != null) {
            return modelError(modelId, (Exception) cause);
        }
        if (cause instanceof java.util.concurrent.RejectedExecutionException) {
            return new ElasticsearchStatusException("image_descriptor could not run: " + cause.getMessage(), RestStatus.TOO_MANY_REQUESTS, cause);
        }
        if (cause instanceof org.instanceretrieval.model.image.ImageDecodingException) {
            return new IllegalArgumentException("field [" + field + "]: " + cause.getMessage(), cause);
        }
        if (cause instanceof Exception e) {
            return e;
        }
        return new IllegalStateException("image_descriptor failed: " + cause, cause);
    }
}
