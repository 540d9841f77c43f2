package org.instanceretrieval.es.query;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ingest.GetPipelineAction;
import org.elasticsearch.action.ingest.GetPipelineRequest;
import org.elasticsearch.action.ingest.SimulateDocumentBaseResult;
import org.elasticsearch.action.ingest.SimulatePipelineAction;
import org.elasticsearch.action.ingest.SimulatePipelineRequest;
import org.elasticsearch.action.ingest.SimulatePipelineResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a {@link QueryImage} into its descriptor by running the {@code image_descriptor}
 * processor on it through the ingest simulate API, so that the query vector is made by the very
 * code (decoding, model, recipe, whitening) that made the stored vectors. Runs on an ingest
 * node; nothing is indexed.
 */
final class QueryImageDescriber {

    static final String PROCESSOR = "image_descriptor";
    /** Processor options that describe where fields live or how failures are handled: replaced for the query. */
    private static final Set<String> DOCUMENT_OPTIONS = Set.of(
        "field", "target_field", "bbox_field", "patches", "patches_field", "ignore_missing", "if", "tag", "on_failure",
        "description", "ignore_failure");
    private static final String IMAGE_FIELD = "image";
    private static final String BBOX_FIELD = "bbox";
    private static final String VECTOR_FIELD = "query_vector";
    private static final String PATCHES = "patches";
    private static final String PATCHES_FIELD = "query_patches";

    private QueryImageDescriber() {}

    /** Describes {@code image}; the listener gets its vector, or a 400-style error naming the problem. */
    static void describe(Client client, QueryImage image, ActionListener<float[]> listener) {
        config(client, image, prefix(), false, listener.delegateFailureAndWrap(
            (l, config) -> simulate(client, image, config, prefix(), QueryImageDescriber::vectorOf, l)));
    }

    /**
     * Describes {@code image} with the processor's {@code patches} option: the listener gets its patch descriptors
     * (the processor's {@code patches_field} output, level 1 first), or a 400-style error naming the problem.
     *
     * @param owner   names the query in errors, e.g. {@code retrieval_patches}
     * @param patches the {@code patches} level; required with a model, optional with a pipeline (whose own option it replaces)
     */
    static void describePatches(Client client, QueryImage image, Integer patches, String owner, ActionListener<List<float[]>> listener) {
        String prefix = "[" + owner + "] [query_image] ";
        config(client, image, prefix, true, listener.delegateFailureAndWrap((l, config) -> {
            if (patches != null) {
                config.put(PATCHES, patches);
            }
            if (config.get(PATCHES) == null) {
                throw new IllegalArgumentException(prefix + (image.model() != null ? "needs [patches] (the multi-resolution level, 1 to 4) "
                    + "with [model]" : "pipeline [" + image.pipeline() + "] has no [patches] option in its [" + PROCESSOR + "] processor; "
                    + "give [patches] (1 to 4)"));
            }
            config.put("patches_field", PATCHES_FIELD);
            simulate(client, image, config, prefix, QueryImageDescriber::patchesOf, l);
        }));
    }

    /** The processor options for {@code image}: the model's with its recipe overrides, or the pipeline's processor's. */
    private static void config(Client client, QueryImage image, String prefix, boolean keepPatches,
                               ActionListener<Map<String, Object>> listener) {
        if (image.model() != null) {
            Map<String, Object> config = new LinkedHashMap<>(image.recipe());
            config.put("model_id", image.model());
            listener.onResponse(config);
        } else {
            client.execute(GetPipelineAction.INSTANCE, new GetPipelineRequest(image.pipeline()), listener.delegateFailureAndWrap(
                (l, response) -> {
                    if (response.isFound() == false || response.pipelines().isEmpty()) {
                        throw new IllegalArgumentException(prefix + "pipeline [" + image.pipeline() + "] does not exist");
                    }
                    Map<String, Object> pipeline = response.pipelines().get(0).getConfig();
                    Map<String, Object> config = processorConfig(image.pipeline(), pipeline);
                    if (keepPatches && firstProcessor(pipeline) != null && firstProcessor(pipeline).get(PATCHES) != null) {
                        config.put(PATCHES, firstProcessor(pipeline).get(PATCHES));
                    }
                    l.onResponse(config);
                }));
        }
    }

    private static Map<?, ?> firstProcessor(Map<String, Object> pipeline) {
        if (pipeline.get("processors") instanceof List<?> processors) {
            for (Object processor : processors) {
                if (processor instanceof Map<?, ?> entry && entry.get(PROCESSOR) instanceof Map<?, ?> options) {
                    return options;
                }
            }
        }
        return null;
    }

    /** The first {@code image_descriptor} processor's options of a pipeline, without its document options. */
    static Map<String, Object> processorConfig(String pipelineId, Map<String, Object> pipeline) {
        if (pipeline.get("processors") instanceof List<?> processors) {
            for (Object processor : processors) {
                if (processor instanceof Map<?, ?> entry && entry.get(PROCESSOR) instanceof Map<?, ?> options) {
                    Map<String, Object> config = new LinkedHashMap<>();
                    options.forEach((key, value) -> {
                        if (DOCUMENT_OPTIONS.contains(key) == false) {
                            config.put(key.toString(), value);
                        }
                    });
                    return config;
                }
            }
        }
        throw new IllegalArgumentException(prefix() + "pipeline [" + pipelineId + "] has no [" + PROCESSOR + "] processor");
    }

    private static <T> void simulate(Client client, QueryImage image, Map<String, Object> options, String prefix,
                                     Function<IngestDocument, T> read, ActionListener<T> listener) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>(options);
        config.put("field", IMAGE_FIELD);
        config.put("target_field", VECTOR_FIELD);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put(IMAGE_FIELD, image.image());
        if (image.bbox() != null) {
            config.put("bbox_field", BBOX_FIELD);
            source.put(BBOX_FIELD, image.bbox());
        }
        XContentBuilder body = JsonXContent.contentBuilder().startObject()
            .startObject("pipeline").startArray("processors").startObject().field(PROCESSOR, config).endObject().endArray().endObject()
            .startArray("docs").startObject().field("_source", source).endObject().endArray()
            .endObject();
        SimulatePipelineRequest request = new SimulatePipelineRequest(BytesReference.bytes(body), XContentType.JSON);
        client.execute(SimulatePipelineAction.INSTANCE, request, new ActionListener<>() {
            @Override
            public void onResponse(SimulatePipelineResponse response) {
                T described;
                try {
                    described = read.apply(documentOf(response, prefix));
                } catch (Exception e) {
                    listener.onFailure(e);
                    return;
                }
                listener.onResponse(described);
            }

            @Override
            public void onFailure(Exception e) {
                listener.onFailure(describeFailure(e, prefix));
            }
        });
    }

    /**
     * The error of a failed describe call. Errors about the caller or the node rather than the image keep
     * their own status: missing privileges (401, 403: {@code query_image} runs the ingest simulate API as the
     * caller, so it needs {@code manage_pipeline}) and a full circuit breaker (429). Everything else is a
     * 400 naming the query image.
     */
    static RuntimeException describeFailure(Exception e) {
        return describeFailure(e, prefix());
    }

    private static RuntimeException describeFailure(Exception e, String prefix) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        RestStatus status = ExceptionsHelper.status(cause);
        if (cause instanceof RuntimeException passThrough
            && (status == RestStatus.FORBIDDEN || status == RestStatus.UNAUTHORIZED || status == RestStatus.TOO_MANY_REQUESTS)) {
            return passThrough;
        }
        while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() != null
            && cause.getMessage().startsWith("org.")) {
            cause = cause.getCause();
        }
        return new IllegalArgumentException(prefix + "could not be described: " + cause.getMessage(), e);
    }

    private static IngestDocument documentOf(SimulatePipelineResponse response, String prefix) {
        if (response.getResults().isEmpty() || response.getResults().get(0) instanceof SimulateDocumentBaseResult == false) {
            throw new IllegalStateException("simulate returned no document result");
        }
        SimulateDocumentBaseResult result = (SimulateDocumentBaseResult) response.getResults().get(0);
        if (result.getFailure() != null) {
            throw describeFailure(result.getFailure(), prefix);
        }
        return result.getIngestDocument();
    }

    /** The patch descriptors the processor wrote: a list of {@code {"vector": [...]}}. */
    private static List<float[]> patchesOf(IngestDocument document) {
        List<?> objects = document.getFieldValue(PATCHES_FIELD, List.class);
        List<float[]> patches = new ArrayList<>(objects.size());
        for (Object object : objects) {
            patches.add(QueryVectorSource.numbers(((Map<?, ?>) object).get("vector"), "patch [" + patches.size() + "]"));
        }
        return patches;
    }

    private static float[] vectorOf(IngestDocument document) {
        List<?> values = document.getFieldValue(VECTOR_FIELD, List.class);
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) values.get(i)).floatValue();
        }
        return vector;
    }

    private static String prefix() {
        return "[" + RetrievalKnnQueryBuilder.NAME + "] [query_image] ";
    }
}
