package org.instanceretrieval.es.vectors;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.search.SearchExtBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.math.VectorMath;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;

/**
 * The search section {@code "ext": {"retrieval_similarity": {"field": "v", "query_vector": [...]}}}: each hit gets the
 * field {@value #HIT_FIELD}, its similarity to the query vector computed on its shard from the field's indexed floats by
 * {@link QuerySimilarityFetchPhase}. Immutable; validated when built, parsed or read.
 */
public final class QuerySimilarityExt extends SearchExtBuilder {

    public static final String NAME = "retrieval_similarity";
    /** The hit field that holds the similarity (one float). */
    public static final String HIT_FIELD = "_retrieval_similarity";

    static final ParseField FIELD = new ParseField("field");
    static final ParseField QUERY_VECTOR = new ParseField("query_vector");

    @SuppressWarnings("unchecked")
    private static final ConstructingObjectParser<QuerySimilarityExt, Void> PARSER = new ConstructingObjectParser<>(NAME,
        args -> new QuerySimilarityExt((String) args[0], toArray((List<Float>) args[1])));

    static {
        PARSER.declareString(constructorArg(), FIELD);
        PARSER.declareFloatArray(constructorArg(), QUERY_VECTOR);
    }

    private final String field;
    private final float[] queryVector;

    /**
     * @param field       a {@code dense_vector} field of float elements
     * @param queryVector the query vector: non-empty, finite values (copied)
     * @throws IllegalArgumentException naming the option otherwise
     */
    public QuerySimilarityExt(String field, float[] queryVector) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] [field] is required");
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException("[" + NAME + "] [query_vector] must be a non-empty list of numbers");
        }
        VectorMath.requireFinite(queryVector, "[" + NAME + "] [query_vector]");
        this.field = field;
        this.queryVector = queryVector.clone();
    }

    public QuerySimilarityExt(StreamInput in) throws IOException {
        this(in.readString(), in.readFloatArray());
    }

    /** A copy of {@code request} whose search carries this section (in place of any other {@code ext}). */
    public SearchRequest addTo(SearchRequest request) {
        return new SearchRequest(request).source(request.source().shallowCopy().ext(List.of(this)));
    }

    /** Each hit's similarity from the field {@value #HIT_FIELD}, in the order given, or null when a hit has none. */
    public static float[] similarities(SearchHit[] hits) {
        float[] s = new float[hits.length];
        for (int i = 0; i < hits.length; i++) {
            DocumentField value = hits[i].field(HIT_FIELD);
            if (value == null || value.getValues().size() != 1) {
                return null;
            }
            s[i] = ((Number) value.getValue()).floatValue();
        }
        return s;
    }

    public static QuerySimilarityExt fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null);
    }

    public String field() {
        return field;
    }

    /** A copy of the query vector. */
    public float[] queryVector() {
        return queryVector.clone();
    }

    /** The similarity of the query to {@code vector} (of the query's dimension): {@link VectorMath#dotInDouble}. */
    float similarity(float[] vector) {
        return VectorMath.dotInDouble(queryVector, vector);
    }

    int dims() {
        return queryVector.length;
    }

    private static float[] toArray(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeFloatArray(queryVector);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD.getPreferredName(), field);
        builder.array(QUERY_VECTOR.getPreferredName(), queryVector);
        return builder.endObject();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuerySimilarityExt other && field.equals(other.field) && Arrays.equals(queryVector, other.queryVector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, Arrays.hashCode(queryVector));
    }
}
