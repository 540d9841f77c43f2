package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the query patches of {@code retrieval_patches} come from: {@code query_patches} (given),
 * {@code query_document} ({@code {index, id}}: the document's stored patches, the {@code vector}s of the
 * nested field's objects in its {@code _source}) or {@code query_image} (described by the
 * {@code image_descriptor} processor with its {@code patches} option, through the ingest simulate API as
 * {@code retrieval_knn}'s {@code query_image}, plus an optional {@code "patches": level}). Exactly one is set;
 * {@link #resolve} turns a document or an image into patches in the coordinating rewrite. Immutable.
 */
final class PatchesQuerySource implements Writeable, ToXContentFragment {

    static final String QUERY_PATCHES = "query_patches";
    static final String QUERY_DOCUMENT = "query_document";
    static final String QUERY_IMAGE = "query_image";
    static final String PATCHES = "patches";
    private static final String NAME = RetrievalPatchesQueryBuilder.NAME;

    private final List<float[]> patches;
    private final QueryDocument document;
    private final QueryImage image;
    private final Integer level;

    /**
     * @param level the {@code patches} level for the image, or null (then a model needs none given and fails, a
     *              pipeline's processor's own is used)
     * @throws IllegalArgumentException unless exactly one of patches, document and image is given, or for patches that are
     *     empty, of different dimensions or not finite
     */
    PatchesQuerySource(List<float[]> patches, QueryDocument document, QueryImage image, Integer level) {
        if ((patches != null ? 1 : 0) + (document != null ? 1 : 0) + (image != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("[" + NAME + "] requires exactly one of [query_patches], [query_document] and [query_image]");
        }
        if (patches != null) {
            checkPatches(patches);
        }
        if (level != null && image == null) {
            throw new IllegalArgumentException("[" + NAME + "] [patches] belongs inside [query_image]");
        }
        if (level != null && (level < 1 || level > 4)) {
            throw new IllegalArgumentException("[" + NAME + "] [query_image] [patches] must be between 1 and 4 but was [" + level + "]");
        }
        this.patches = patches == null ? null : patches.stream().map(float[]::clone).toList();
        this.document = document;
        this.image = image;
        this.level = level;
    }

    private static void checkPatches(List<float[]> patches) {
        if (patches.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] requires [query_patches]: a non-empty list of vectors");
        }
        int dims = patches.get(0).length;
        for (int p = 0; p < patches.size(); p++) {
            float[] patch = patches.get(p);
            if (patch.length == 0 || patch.length != dims) {
                throw new IllegalArgumentException("[" + NAME + "] [query_patches] patch [" + p + "] has " + patch.length
                    + " dimensions but patch [0] has " + dims);
            }
            for (int i = 0; i < patch.length; i++) {
                if (Float.isFinite(patch[i]) == false) {
                    throw new IllegalArgumentException("[" + NAME + "] [query_patches] patch [" + p + "] element [" + i + "] is ["
                        + patch[i] + "], not finite");
                }
            }
        }
    }

    PatchesQuerySource(StreamInput in) throws IOException {
        this.patches = in.readBoolean() ? in.readCollectionAsList(StreamInput::readFloatArray) : null;
        this.document = in.readOptionalWriteable(QueryDocument::new);
        this.image = in.readOptionalWriteable(QueryImage::new);
        this.level = in.readOptionalVInt();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(patches != null);
        if (patches != null) {
            out.writeCollection(patches, StreamOutput::writeFloatArray);
        }
        out.writeOptionalWriteable(document);
        out.writeOptionalWriteable(image);
        out.writeOptionalVInt(level);
    }

    /** The query patches (not copied), or null while the source is a document or an image. */
    List<float[]> patches() {
        return patches;
    }

    QueryDocument document() {
        return document;
    }

    QueryImage image() {
        return image;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        if (patches != null) {
            builder.startArray(QUERY_PATCHES);
            for (float[] patch : patches) {
                builder.value(patch);
            }
            builder.endArray();
        }
        if (document != null) {
            builder.field(QUERY_DOCUMENT, document);
        }
        if (image != null) {
            Map<String, Object> rendered = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                org.elasticsearch.xcontent.json.JsonXContent.jsonXContent, org.elasticsearch.common.Strings.toString(image), true);
            if (level != null) {
                rendered.put(PATCHES, level);
            }
            builder.field(QUERY_IMAGE, rendered);
        }
        return builder;
    }

    /** The options as parsed, validated by {@link #build}. Mutable, for one parse. */
    static final class Parsed {
        private List<?> patches;
        private Map<String, Object> document;
        private Map<String, Object> image;

        /** @throws IllegalArgumentException naming the option, its value and the rule */
        PatchesQuerySource build() {
            try {
                List<float[]> vectors = null;
                if (patches != null) {
                    vectors = new ArrayList<>();
                    for (Object patch : patches) {
                        vectors.add(QueryVectorSource.numbers(patch, "[" + NAME + "] patch [" + vectors.size() + "]"));
                    }
                }
                Integer level = null;
                QueryImage queryImage = null;
                if (image != null) {
                    Map<String, Object> options = new LinkedHashMap<>(image);
                    Object given = options.remove(PATCHES);
                    if (given != null && given instanceof Integer == false) {
                        throw new IllegalArgumentException("[" + NAME + "] [query_image] [patches] must be an integer level 1 to 4 but was ["
                            + given + "]");
                    }
                    level = (Integer) given;
                    queryImage = QueryImage.fromMap(options);
                }
                return new PatchesQuerySource(vectors, document == null ? null : QueryDocument.fromMap(document), queryImage, level);
            } catch (IllegalArgumentException e) {
                // QueryDocument and QueryImage name retrieval_knn, whose options they are too
                throw new IllegalArgumentException(e.getMessage().replace("[" + RetrievalKnnQueryBuilder.NAME + "]", "[" + NAME + "]"), e);
            }
        }
    }

    /** Declares {@code query_patches}, {@code query_document} and {@code query_image}. */
    static <T> void declare(ObjectParser<T, Void> parser, Function<T, Parsed> source) {
        parser.declareField((t, v) -> source.apply(t).patches = v, XContentParser::list, new ParseField(QUERY_PATCHES),
            ObjectParser.ValueType.VALUE_ARRAY);
        parser.declareObject((t, v) -> source.apply(t).document = v, (p, c) -> p.map(), new ParseField(QUERY_DOCUMENT));
        parser.declareObject((t, v) -> source.apply(t).image = v, (p, c) -> p.map(), new ParseField(QUERY_IMAGE));
    }

    /**
     * Registers, in a coordinating rewrite, the get of the query document's patches or the description of the
     * query image; the result is {@code then} of the resolved source once the rewrite's async actions ran.
     * A missing document or index is a 400 naming it (as {@code retrieval_knn}'s {@code query_document}).
     *
     * @param field the nested patches field
     */
    <T> SetOnce<T> resolve(QueryRewriteContext context, String field, Function<PatchesQuerySource, T> then) {
        SetOnce<T> result = new SetOnce<>();
        if (image != null) {
            context.registerAsyncAction((client, listener) -> QueryImageDescriber.describePatches(client, image, level, NAME,
                listener.delegateFailureAndWrap((l, described) -> {
                    result.set(then.apply(new PatchesQuerySource(described, null, null, null)));
                    l.onResponse(null);
                })));
            return result;
        }
        Objects.requireNonNull(document, "patches need no resolution");
        document.readSource(context, NAME, field, source -> {
            List<float[]> stored = patchesOf(source, field);
            if (stored.isEmpty()) {
                throw new IllegalArgumentException("[" + NAME + "] query_document [" + document.id() + "] in index [" + document.index()
                    + "] has no patch vectors in [" + field + "] of its _source");
            }
            return then.apply(new PatchesQuerySource(stored, null, null, null));
        }, result);
        return result;
    }

    /** The {@code vector}s of the objects of the nested field at {@code field} of a {@code _source} map; empty if none. */
    static List<float[]> patchesOf(Map<String, Object> source, String field) {
        Object value = source == null ? null : XContentMapValues.extractValue(field, source);
        if (value instanceof Map<?, ?> single) {
            value = List.of(single);
        }
        List<float[]> patches = new ArrayList<>();
        if (value instanceof List<?> objects) {
            for (Object object : objects) {
                if (object instanceof Map<?, ?> map && map.get("vector") != null) {
                    patches.add(QueryVectorSource.numbers(map.get("vector"), "[" + NAME + "] patch [" + patches.size() + "]"));
                }
            }
        }
        return patches;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof PatchesQuerySource == false) {
            return false;
        }
        PatchesQuerySource other = (PatchesQuerySource) o;
        if ((patches == null) != (other.patches == null)) {
            return false;
        }
        if (patches != null) {
            if (patches.size() != other.patches.size()) {
                return false;
            }
            for (int i = 0; i < patches.size(); i++) {
                if (Arrays.equals(patches.get(i), other.patches.get(i)) == false) {
                    return false;
                }
            }
        }
        return Objects.equals(document, other.document) && Objects.equals(image, other.image) && Objects.equals(level, other.level);
    }

    @Override
    public int hashCode() {
        return Objects.hash(patches == null ? 0 : patches.stream().mapToInt(Arrays::hashCode).sum(), document, image, level);
    }
}
