package org.instanceretrieval.es.query;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image whose descriptor is the query of a {@code retrieval_knn} query:
 * {@code {"image": "<base64>", "pipeline": "<id>"}} or {@code {"image": "<base64>", "model": "<id>", <recipe overrides>}},
 * optionally with {@code "bbox": [x1, y1, x2, y2]}. Immutable.
 *
 * <p>The image is described by the {@code image_descriptor} processor itself (through the
 * ingest simulate API, see {@link QueryImageDescriber}), so a query image gets exactly the vector
 * the processor would have stored: with {@code pipeline}, the configuration of the first
 * {@code image_descriptor} processor of that stored pipeline; with {@code model}, that model
 * and the given recipe overrides ({@code pooling}, {@code scales}, {@code size},
 * {@code whitening_id}, {@code device}).
 *
 * @param image    the base64 JPEG or PNG, not empty
 * @param pipeline id of a stored ingest pipeline, or null
 * @param model    id of a stored model, or null (exactly one of {@code pipeline} and {@code model})
 * @param recipe   recipe overrides for {@code model} (empty with {@code pipeline})
 * @param bbox     the crop {@code [x1, y1, x2, y2]} in image pixels, or null for the whole image
 */
public record QueryImage(String image, String pipeline, String model, Map<String, Object> recipe, List<Double> bbox)
    implements Writeable, ToXContentObject {

    static final String IMAGE = "image";
    static final String PIPELINE = "pipeline";
    static final String MODEL = "model";
    static final String BBOX = "bbox";
    /** Processor options a query may override when it names a model. */
    static final Set<String> RECIPE_OPTIONS = Set.of("pooling", "scales", "size", "whitening_id", "device");

    /** @throws IllegalArgumentException naming the first invalid parameter */
    public QueryImage {
        if (image == null || image.isEmpty()) {
            throw new IllegalArgumentException(prefix() + "needs an [image] (base64 JPEG or PNG)");
        }
        if ((pipeline == null) == (model == null)) {
            throw new IllegalArgumentException(prefix() + "needs exactly one of [pipeline] and [model]");
        }
        recipe = Map.copyOf(recipe == null ? Map.of() : recipe);
        if (pipeline != null && recipe.isEmpty() == false) {
            throw new IllegalArgumentException(prefix() + "takes recipe options " + recipe.keySet()
                + " only with [model]; with [pipeline] the pipeline's processor configuration is used");
        }
        for (String option : recipe.keySet()) {
            if (RECIPE_OPTIONS.contains(option) == false) {
                throw new IllegalArgumentException(prefix() + "does not support [" + option + "]");
            }
        }
        if (bbox != null) {
            if (bbox.size() != 4 || bbox.stream().anyMatch(v -> v == null || Double.isFinite(v) == false)) {
                throw new IllegalArgumentException(prefix() + "[bbox] must be four finite numbers [x1, y1, x2, y2], got " + bbox);
            }
            bbox = List.copyOf(bbox);
        }
    }

    private static String prefix() {
        return "[" + RetrievalKnnQueryBuilder.NAME + "] [query_image] ";
    }

    QueryImage(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readOptionalString(), in.readGenericMap(),
            in.readBoolean() ? in.readCollectionAsList(StreamInput::readDouble) : null);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(image);
        out.writeOptionalString(pipeline);
        out.writeOptionalString(model);
        out.writeGenericMap(recipe);
        out.writeBoolean(bbox != null);
        if (bbox != null) {
            out.writeCollection(bbox, StreamOutput::writeDouble);
        }
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field(IMAGE, image);
        if (pipeline != null) {
            builder.field(PIPELINE, pipeline);
        }
        if (model != null) {
            builder.field(MODEL, model);
        }
        for (Map.Entry<String, Object> option : new java.util.TreeMap<>(recipe).entrySet()) {
            builder.field(option.getKey(), option.getValue());
        }
        if (bbox != null) {
            builder.field(BBOX, bbox);
        }
        return builder.endObject();
    }

    /**
     * The query image of its parsed object ({@code image}, {@code pipeline} or {@code model}, {@code bbox}, recipe overrides).
     *
     * @throws IllegalArgumentException naming the first invalid value
     */
    static QueryImage fromMap(Map<String, Object> parsed) {
        Map<String, Object> map = new LinkedHashMap<>(parsed);
        Object image = map.remove(IMAGE);
        Object pipeline = map.remove(PIPELINE);
        Object model = map.remove(MODEL);
        Object bbox = map.remove(BBOX);
        if (image != null && image instanceof String == false) {
            throw new IllegalArgumentException(prefix() + "[image] must be a base64 string");
        }
        List<Double> box = null;
        if (bbox != null) {
            if (bbox instanceof List<?> == false) {
                throw new IllegalArgumentException(prefix() + "[bbox] must be an array [x1, y1, x2, y2]");
            }
            box = new ArrayList<>();
            for (Object v : (List<?>) bbox) {
                if (v instanceof Number == false) {
                    throw new IllegalArgumentException(prefix() + "[bbox] must be four numbers, got " + bbox);
                }
                box.add(((Number) v).doubleValue());
            }
        }
        return new QueryImage((String) image, pipeline == null ? null : pipeline.toString(), model == null ? null : model.toString(), map, box);
    }

    @Override
    public String toString() {
        return "query_image[" + (pipeline != null ? "pipeline=" + pipeline : "model=" + model) + ", " + image.length() + " base64 chars]";
    }
}
