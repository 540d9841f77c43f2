package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.xcontent.AbstractObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a query's vector comes from: {@code query_vector} (given), {@code query_document} (a
 * stored document's vector) or {@code query_image} (an image described by the
 * {@code image_descriptor} processor), or a set of query vectors ({@link QueryVectorSet}:
 * {@code query_vectors}, {@code query_documents} or {@code query_images}, with {@code query_aggregation}).
 * The one declaration, validation, x-content and wire form of these options, and their resolution
 * into vectors in the coordinating rewrite ({@link #resolve}). Exactly one of the six forms is set. Immutable.
 */
public final class QueryVectorSource implements Writeable, ToXContentFragment {

    public static final ParseField QUERY_VECTOR = new ParseField("query_vector");
    public static final ParseField QUERY_DOCUMENT = new ParseField("query_document");
    public static final ParseField QUERY_IMAGE = new ParseField("query_image");

    private final float[] vector;
    private final QueryDocument document;
    private final QueryImage image;
    private final QueryVectorSet set;

    /**
     * @param owner names the caller in errors, e.g. {@code retrieval_knn}
     * @throws IllegalArgumentException unless exactly one source is given, or if the vector is empty or not finite
     */
    public QueryVectorSource(String owner, float[] vector, QueryDocument document, QueryImage image) {
        this(owner, vector, document, image, null);
    }

    /**
     * @param set a set of query vectors, documents or images (in place of the single forms)
     * @throws IllegalArgumentException unless exactly one of the six forms is given, or if the vector is empty or not finite
     */
    public QueryVectorSource(String owner, float[] vector, QueryDocument document, QueryImage image, QueryVectorSet set) {
        if ((vector != null ? 1 : 0) + (document != null ? 1 : 0) + (image != null ? 1 : 0) + (set != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("[" + owner + "] requires exactly one of [query_vector], [query_document], [query_image], "
                + "[query_vectors], [query_documents] and [query_images]" + given(vector, document, image, set));
        }
        this.vector = vector == null ? null : checkVector(owner, vector).clone();
        this.document = document;
        this.image = image;
        this.set = set;
    }

    private static String given(float[] vector, QueryDocument document, QueryImage image, QueryVectorSet set) {
        List<String> given = new ArrayList<>();
        if (vector != null) {
            given.add("[" + QUERY_VECTOR.getPreferredName() + "]");
        }
        if (document != null) {
            given.add("[" + QUERY_DOCUMENT.getPreferredName() + "]");
        }
        if (image != null) {
            given.add("[" + QUERY_IMAGE.getPreferredName() + "]");
        }
        if (set != null) {
            given.add("[" + (set.vectors() != null ? QueryVectorSet.QUERY_VECTORS : set.documents() != null ? QueryVectorSet.QUERY_DOCUMENTS
                : QueryVectorSet.QUERY_IMAGES).getPreferredName() + "]");
        }
        return given.isEmpty() ? ", got none" : ", got " + String.join(" and ", given);
    }

    QueryVectorSource(StreamInput in) throws IOException {
        this.vector = in.readBoolean() ? in.readFloatArray() : null;
        this.document = in.readOptionalWriteable(QueryDocument::new);
        this.image = in.readOptionalWriteable(QueryImage::new);
        this.set = in.readOptionalWriteable(QueryVectorSet::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(vector != null);
        if (vector != null) {
            out.writeFloatArray(vector);
        }
        out.writeOptionalWriteable(document);
        out.writeOptionalWriteable(image);
        out.writeOptionalWriteable(set);
    }

    /** The set of query vectors, documents or images, or null for a single query. */
    public QueryVectorSet set() {
        return set;
    }

    /** Whether the query's vectors are known: a vector, or a set of vectors (not documents or images). */
    public boolean resolved() {
        return vector != null || (set != null && set.vectors() != null);
    }

    /** @return a copy of the vector, or null while the source is a document or an image */
    public float[] vector() {
        return vector == null ? null : vector.clone();
    }

    public QueryDocument document() {
        return document;
    }

    public QueryImage image() {
        return image;
    }

    /** Writes the one set option as a field of the enclosing object. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        if (vector != null) {
            builder.array(QUERY_VECTOR.getPreferredName(), vector);
        }
        if (document != null) {
            builder.field(QUERY_DOCUMENT.getPreferredName(), document);
        }
        if (image != null) {
            builder.field(QUERY_IMAGE.getPreferredName(), image);
        }
        if (set != null) {
            set.toXContent(builder, params);
        }
        return builder;
    }

    /**
     * The options as parsed (the document and image as raw maps, validated by {@link #build}, so
     * that their errors reach the caller unwrapped). Mutable, for one parse.
     */
    public static final class Parsed {
        private float[] vector;
        private Map<String, Object> document;
        private Map<String, Object> image;
        private final QueryVectorSet.Parsed set = new QueryVectorSet.Parsed();

        /** The query vector as parsed, or null. */
        public float[] vector() {
            return vector;
        }

        /**
         * @throws IllegalArgumentException as {@link QueryVectorSource#QueryVectorSource}, or for {@code query_aggregation}
         *     without a set
         */
        public QueryVectorSource build(String owner) {
            if (set.given() && set.listGiven() == false) {
                if (vector == null && document == null && image == null) {
                    throw new IllegalArgumentException("[" + owner + "] requires exactly one of [query_vector], [query_document], "
                        + "[query_image], [query_vectors], [query_documents] and [query_images], got none");
                }
                throw new IllegalArgumentException("[" + owner + "] [" + QueryVectorSet.QUERY_AGGREGATION.getPreferredName()
                    + "] applies to [query_vectors], [query_documents] and [query_images] only, not to a single query");
            }
            return new QueryVectorSource(owner, vector, document == null ? null : QueryDocument.fromMap(document),
                image == null ? null : QueryImage.fromMap(image), set.listGiven() ? set.build(owner) : null);
        }
    }

    /** Declares {@code query_vector} only (for callers that take no document or image). */
    public static <T> void declareVector(AbstractObjectParser<T, ?> parser, String owner, Function<T, Parsed> source) {
        parser.declareField((t, v) -> source.apply(t).vector = v, p -> parseVector(owner, p), QUERY_VECTOR,
            ObjectParser.ValueType.VALUE_ARRAY);
    }

    /** Declares {@code query_vector}, {@code query_document} and {@code query_image}. */
    public static <T> void declare(AbstractObjectParser<T, ?> parser, String owner, Function<T, Parsed> source) {
        declareVector(parser, owner, source);
        parser.declareObject((t, v) -> source.apply(t).document = v, (p, c) -> p.map(), QUERY_DOCUMENT);
        parser.declareObject((t, v) -> source.apply(t).image = v, (p, c) -> p.map(), QUERY_IMAGE);
    }

    /** Declares the single forms ({@link #declare}) and the set forms ({@link QueryVectorSet}). */
    public static <T> void declareWithSets(AbstractObjectParser<T, ?> parser, String owner, Function<T, Parsed> source) {
        declare(parser, owner, source);
        QueryVectorSet.declare(parser, owner, t -> source.apply(t).set);
    }

    /** Parses an array of numbers (numeric strings allowed); the parser is on its start. */
    static float[] parseVector(String owner, XContentParser parser) throws IOException {
        List<Float> values = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
            String element = "[" + owner + "] [query_vector] element [" + values.size() + "]";
            if (parser.currentToken() == XContentParser.Token.VALUE_NUMBER) {
                values.add(parser.floatValue());
            } else if (parser.currentToken() == XContentParser.Token.VALUE_STRING) {
                try {
                    values.add(parser.floatValue());
                } catch (IllegalArgumentException e) {
                    throw new ParsingException(parser.getTokenLocation(), element + " must be a number, got the string [" + parser.text() + "]");
                }
            } else {
                throw new ParsingException(parser.getTokenLocation(), element + " must be a number, got [" + parser.currentToken() + "]");
            }
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    /**
     * @return {@code vector}
     * @throws IllegalArgumentException if it is empty or has an element that is not finite
     */
    public static float[] checkVector(String owner, float[] vector) {
        if (vector.length == 0) {
            throw new IllegalArgumentException("[" + owner + "] [query_vector] must not be empty");
        }
        for (int i = 0; i < vector.length; i++) {
            if (Float.isFinite(vector[i]) == false) {
                throw new IllegalArgumentException("[" + owner + "] [query_vector] must be finite but element [" + i + "] is [" + vector[i]
                    + "]");
            }
        }
        return vector;
    }

    /**
     * Registers, in a coordinating rewrite, the resolution of an unresolved source (documents or
     * images) into vectors; the result is {@code then} of the resolved source once the rewrite's async actions ran.
     *
     * @param field the vector field (read from the documents' {@code _source})
     */
    <T> SetOnce<T> resolveSource(QueryRewriteContext context, String owner, String field, Function<QueryVectorSource, T> then) {
        if (set == null) {
            return resolve(context, owner, field, v -> then.apply(new QueryVectorSource(owner, v, null, null)));
        }
        SetOnce<T> result = new SetOnce<>();
        context.registerAsyncAction((client, listener) -> QueryVectorSetResolver.resolve(client, set, owner, field,
            listener.delegateFailureAndWrap((l, vectors) -> {
                result.set(then.apply(new QueryVectorSource(owner, null, null, null, set.withVectors(owner, vectors))));
                l.onResponse(null);
            })));
        return result;
    }

    /**
     * Registers, in a coordinating rewrite, the get of the query document or the description of
     * the query image; the result is {@code then} of the vector once the rewrite's async actions ran.
     *
     * @param field the vector field (read from the document's {@code _source})
     */
    <T> SetOnce<T> resolve(QueryRewriteContext context, String owner, String field, Function<float[], T> then) {
        SetOnce<T> result = new SetOnce<>();
        if (image != null) {
            context.registerAsyncAction((client, listener) -> QueryImageDescriber.describe(client, image,
                listener.delegateFailureAndWrap((l, v) -> {
                    result.set(then.apply(v));
                    l.onResponse(null);
                })));
            return result;
        }
        Objects.requireNonNull(document, "a vector needs no resolution");
        document.readSource(context, owner, field, source -> {
            float[] v = vectorFromSource(owner, source, field);
            if (v == null) {
                throw new IllegalArgumentException("[" + owner + "] query_document [" + document.id() + "] in index ["
                    + document.index() + "] has no vector in field [" + field + "] of its _source");
            }
            return then.apply(v);
        }, result);
        return result;
    }

    /**
     * The vector at {@code path} of a {@code _source} map, or null if absent.
     *
     * @throws IllegalArgumentException if the value there is not an array of numbers
     */
    static float[] vectorFromSource(String owner, Map<String, Object> source, String path) {
        Object value = source == null ? null : XContentMapValues.extractValue(path, source);
        return value == null ? null : numbers(value, "[" + owner + "] _source field [" + path + "]");
    }

    /**
     * A list of numbers as floats.
     *
     * @param what names the value in the error, e.g. {@code [retrieval_knn] _source field [v]}
     * @throws IllegalArgumentException if {@code value} is not a list of numbers
     */
    static float[] numbers(Object value, String what) {
        if (value instanceof List<?> list) {
            float[] vector = new float[list.size()];
            for (int i = 0; i < vector.length; i++) {
                if (list.get(i) instanceof Number number) {
                    vector[i] = number.floatValue();
                } else {
                    throw new IllegalArgumentException(what + " must be an array of numbers but element [" + i + "] is [" + list.get(i) + "]"
                        + (list.get(i) instanceof String ? " (a string)" : ""));
                }
            }
            return vector;
        }
        throw new IllegalArgumentException(what + " must be an array of numbers, got [" + value + "]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryVectorSource other && Arrays.equals(vector, other.vector) && Objects.equals(document, other.document)
            && Objects.equals(image, other.image) && Objects.equals(set, other.set);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), document, image, set);
    }
}
