package org.instanceretrieval.es.query;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.AbstractObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A multi-image query of {@code retrieval_knn}: a set of query vectors given as
 * {@code query_vectors} (a list of vectors), {@code query_documents} (a list of {@code {index, id}})
 * or {@code query_images} ({@code {"images": [...], "pipeline" or "model", recipe overrides}}), with
 * {@code query_aggregation} ({@code avg}, the default, or {@code max}): a document scores the mean or the
 * maximum of its similarities to the members. Exactly one of the three lists is set, with
 * 1..{@value #MAX_MEMBERS} members. The documents and images are resolved into vectors in the
 * coordinating rewrite ({@link QueryVectorSetResolver}). Immutable.
 */
public final class QueryVectorSet implements Writeable, ToXContentFragment {

    public static final ParseField QUERY_VECTORS = new ParseField("query_vectors");
    public static final ParseField QUERY_DOCUMENTS = new ParseField("query_documents");
    public static final ParseField QUERY_IMAGES = new ParseField("query_images");
    public static final ParseField QUERY_AGGREGATION = new ParseField("query_aggregation");
    static final String IMAGES = "images";
    /** Most members: each costs one kNN search per shard (or a similarity per document with {@code exact}). */
    public static final int MAX_MEMBERS = 100;

    private final float[][] vectors;
    private final List<QueryDocument> documents;
    private final List<QueryImage> images;
    private final Aggregation aggregation;

    /**
     * @param vectors     the query vectors (finite, all of one dimension), or null
     * @param documents   the query documents, or null
     * @param images      the query images (all with the same pipeline or model and recipe), or null
     * @param aggregation {@code avg} or {@code max}, not null
     * @throws IllegalArgumentException unless exactly one list is given with 1..{@value #MAX_MEMBERS} valid members
     */
    public QueryVectorSet(String owner, float[][] vectors, List<QueryDocument> documents, List<QueryImage> images, Aggregation aggregation) {
        int given = (vectors != null ? 1 : 0) + (documents != null ? 1 : 0) + (images != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("[" + owner + "] requires exactly one of [query_vectors], [query_documents] and [query_images]");
        }
        String name = vectors != null ? QUERY_VECTORS.getPreferredName() : documents != null ? QUERY_DOCUMENTS.getPreferredName()
            : QUERY_IMAGES.getPreferredName();
        int size = vectors != null ? vectors.length : documents != null ? documents.size() : images.size();
        if (size == 0 || size > MAX_MEMBERS) {
            throw new IllegalArgumentException("[" + owner + "] [" + name + "] must have between 1 and " + MAX_MEMBERS
                + " members but had [" + size + "]");
        }
        if (vectors != null) {
            this.vectors = new float[vectors.length][];
            for (int i = 0; i < vectors.length; i++) {
                if (vectors[i] == null || vectors[i].length == 0) {
                    throw new IllegalArgumentException("[" + owner + "] [query_vectors] member [" + i + "] must not be empty");
                }
                if (vectors[i].length != vectors[0].length) {
                    throw new IllegalArgumentException("[" + owner + "] [query_vectors] member [" + i + "] has [" + vectors[i].length
                        + "] dimensions but member [0] has [" + vectors[0].length + "]; all members must have the same dimension");
                }
                for (int j = 0; j < vectors[i].length; j++) {
                    if (Float.isFinite(vectors[i][j]) == false) {
                        throw new IllegalArgumentException("[" + owner + "] [query_vectors] must be finite but element [" + j + "] of member ["
                            + i + "] is [" + vectors[i][j] + "]");
                    }
                }
                this.vectors[i] = vectors[i].clone();
            }
        } else {
            this.vectors = null;
        }
        this.documents = documents == null ? null : List.copyOf(documents);
        this.images = images == null ? null : List.copyOf(images);
        this.aggregation = Objects.requireNonNull(aggregation);
    }

    QueryVectorSet(StreamInput in) throws IOException {
        this.vectors = in.readBoolean() ? in.readArray(StreamInput::readFloatArray, float[][]::new) : null;
        this.documents = in.readBoolean() ? in.readCollectionAsImmutableList(QueryDocument::new) : null;
        this.images = in.readBoolean() ? in.readCollectionAsImmutableList(QueryImage::new) : null;
        this.aggregation = in.readEnum(Aggregation.class);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(vectors != null);
        if (vectors != null) {
            out.writeArray(StreamOutput::writeFloatArray, vectors);
        }
        out.writeBoolean(documents != null);
        if (documents != null) {
            out.writeCollection(documents);
        }
        out.writeBoolean(images != null);
        if (images != null) {
            out.writeCollection(images);
        }
        out.writeEnum(aggregation);
    }

    /** A set of these resolved vectors with this set's aggregation. */
    QueryVectorSet withVectors(String owner, float[][] resolved) {
        return new QueryVectorSet(owner, resolved, null, null, aggregation);
    }

    /** @return a copy of the vectors, or null while the members are documents or images */
    public float[][] vectors() {
        if (vectors == null) {
            return null;
        }
        float[][] copy = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            copy[i] = vectors[i].clone();
        }
        return copy;
    }

    public List<QueryDocument> documents() {
        return documents;
    }

    public List<QueryImage> images() {
        return images;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** The number of members. */
    public int size() {
        return vectors != null ? vectors.length : documents != null ? documents.size() : images.size();
    }

    /** Writes the set list and {@code query_aggregation} as fields of the enclosing object. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        if (vectors != null) {
            builder.startArray(QUERY_VECTORS.getPreferredName());
            for (float[] v : vectors) {
                builder.value(v);
            }
            builder.endArray();
        }
        if (documents != null) {
            builder.xContentList(QUERY_DOCUMENTS.getPreferredName(), documents);
        }
        if (images != null) {
            QueryImage first = images.get(0);
            builder.startObject(QUERY_IMAGES.getPreferredName()).startArray(IMAGES);
            for (QueryImage image : images) {
                builder.startObject().field(QueryImage.IMAGE, image.image());
                if (image.bbox() != null) {
                    builder.field(QueryImage.BBOX, image.bbox());
                }
                builder.endObject();
            }
            builder.endArray();
            if (first.pipeline() != null) {
                builder.field(QueryImage.PIPELINE, first.pipeline());
            }
            if (first.model() != null) {
                builder.field(QueryImage.MODEL, first.model());
            }
            for (Map.Entry<String, Object> option : new java.util.TreeMap<>(first.recipe()).entrySet()) {
                builder.field(option.getKey(), option.getValue());
            }
            builder.endObject();
        }
        return builder.field(QUERY_AGGREGATION.getPreferredName(), QuerySetOptions.name(aggregation));
    }

    /** The options as parsed (documents and images as raw maps, validated by {@link #build}). Mutable, for one parse. */
    static final class Parsed {
        private List<float[]> vectors;
        private List<Map<String, Object>> documents;
        private Map<String, Object> images;
        private String aggregation;

        /** Whether any of the set's options was given. */
        boolean given() {
            return vectors != null || documents != null || images != null || aggregation != null;
        }

        /** Whether a set list was given ({@code query_aggregation} alone is not a set). */
        boolean listGiven() {
            return vectors != null || documents != null || images != null;
        }

        /** @throws IllegalArgumentException naming the option, its value and the rule */
        QueryVectorSet build(String owner) {
            Aggregation agg = aggregation == null ? Aggregation.AVG : parseAggregation(owner, aggregation);
            List<QueryDocument> docs = null;
            if (documents != null) {
                docs = new ArrayList<>();
                for (Map<String, Object> document : documents) {
                    docs.add(QueryDocument.fromMap(document));
                }
            }
            return new QueryVectorSet(owner, vectors == null ? null : vectors.toArray(float[][]::new), docs,
                images == null ? null : images(owner, images), agg);
        }
    }

    /**
     * The aggregation named {@code value}.
     *
     * @throws IllegalArgumentException unless it is {@code avg} or {@code max}
     */
    public static Aggregation parseAggregation(String owner, String value) {
        for (Aggregation a : Aggregation.values()) {
            if (QuerySetOptions.name(a).equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("[" + owner + "] [query_aggregation] must be [avg] or [max] but was [" + value + "]");
    }

    /** The images of a {@code query_images} object: each element (a base64 string or {@code {image, bbox}}) with the shared options. */
    private static List<QueryImage> images(String owner, Map<String, Object> parsed) {
        Map<String, Object> shared = new LinkedHashMap<>(parsed);
        Object list = shared.remove(IMAGES);
        if (list instanceof List<?> == false) {
            throw new IllegalArgumentException("[" + owner + "] [query_images] needs [images], a list of base64 images or "
                + "{\"image\", \"bbox\"} objects" + (list == null ? "" : ", got [" + list + "]"));
        }
        if (shared.containsKey(QueryImage.IMAGE) || shared.containsKey(QueryImage.BBOX)) {
            throw new IllegalArgumentException("[" + owner + "] [query_images] takes [image] and [bbox] inside the elements of [images], "
                + "not beside them");
        }
        List<QueryImage> images = new ArrayList<>();
        for (Object element : (List<?>) list) {
            Map<String, Object> one = new LinkedHashMap<>(shared);
            if (element instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    if (QueryImage.IMAGE.equals(key) == false && QueryImage.BBOX.equals(key) == false) {
                        throw new IllegalArgumentException("[" + owner + "] [query_images] element [" + images.size()
                            + "] takes [image] and [bbox] only, not [" + key + "]");
                    }
                    one.put(key, entry.getValue());
                }
            } else {
                one.put(QueryImage.IMAGE, element);
            }
            images.add(QueryImage.fromMap(one));
        }
        return images;
    }

    /** Declares {@code query_vectors}, {@code query_documents}, {@code query_images} and {@code query_aggregation}. */
    static <T> void declare(AbstractObjectParser<T, ?> parser, String owner, Function<T, Parsed> set) {
        parser.declareField((t, v) -> set.apply(t).vectors = v, p -> parseVectors(owner, p), QUERY_VECTORS,
            ObjectParser.ValueType.OBJECT_ARRAY);
        parser.declareObjectArray((t, v) -> set.apply(t).documents = v, (p, c) -> p.map(), QUERY_DOCUMENTS);
        parser.declareObject((t, v) -> set.apply(t).images = v, (p, c) -> p.map(), QUERY_IMAGES);
        parser.declareString((t, v) -> set.apply(t).aggregation = v, QUERY_AGGREGATION);
    }

    /** Parses an array of arrays of numbers; the parser is on its start. */
    private static List<float[]> parseVectors(String owner, XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new ParsingException(parser.getTokenLocation(), "[" + owner + "] [query_vectors] must be an array of vectors, got ["
                + parser.currentToken() + "]");
        }
        List<float[]> vectors = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
            if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
                throw new ParsingException(parser.getTokenLocation(), "[" + owner + "] [query_vectors] member [" + vectors.size()
                    + "] must be an array of numbers, got [" + parser.currentToken() + "]");
            }
            vectors.add(QueryVectorSource.parseVector(owner, parser));
        }
        return vectors;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryVectorSet other && Arrays.deepEquals(vectors, other.vectors) && Objects.equals(documents, other.documents)
            && Objects.equals(images, other.images) && aggregation == other.aggregation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(vectors), documents, images, aggregation);
    }
}
