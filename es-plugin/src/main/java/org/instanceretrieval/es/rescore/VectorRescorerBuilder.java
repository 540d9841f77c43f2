package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentLocation;
import org.instanceretrieval.es.PluginWriteable;
import org.instanceretrieval.es.query.QueryVectorSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the rescorers of a window by one query vector ({@code diffusion}, {@code k_reciprocal}) share: a {@code dense_vector}
 * {@code field}, a {@code query_vector} and an option group {@code P} that writes and sends itself, as in
 * <pre>
 * "rescore": { "window_size": 100, "&lt;name&gt;": { "field": "v", "query_vector": [...], &lt;options of P&gt; } }
 * </pre>
 * This class validates the field, the vector and {@code window_size} (in [1, {@value #MAX_WINDOW}]) with
 * {@link IllegalArgumentException}s (HTTP 400) naming the rescorer, the option and the rule; it reads, writes and compares the
 * three, and declares {@code field} and {@code query_vector} on a subclass's {@code ObjectParser} ({@link #parser}). A subclass
 * adds its own options through {@link #doWriteExtra}, {@link #doXContentExtra}, {@code equals} and {@code hashCode}, and builds
 * the shard's rescore context. Immutable apart from the inherited window size.
 *
 * @param <RB> the rescorer builder itself
 * @param <P> its option group
 */
public abstract class VectorRescorerBuilder<RB extends VectorRescorerBuilder<RB, P>, P extends Writeable & ToXContentFragment>
    extends RescorerBuilder<RB> implements PluginWriteable {

    /** Largest {@code window_size} of a vector rescorer (index.max_result_window's default). */
    public static final int MAX_WINDOW = 10_000;

    public static final ParseField FIELD = new ParseField("field");

    private final String name;
    private final String field;
    private final float[] queryVector;
    private final P parameters;

    /**
     * @param name the rescorer's name, its writeable name and the prefix of its error messages
     * @throws IllegalArgumentException if the field is empty or the query vector missing, empty or not finite
     */
    protected VectorRescorerBuilder(String name, String field, float[] queryVector, P parameters) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + name + "] requires [" + FIELD.getPreferredName() + "]");
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException("[" + name + "] requires a non-empty [" + QueryVectorSource.QUERY_VECTOR.getPreferredName()
                + "]");
        }
        this.name = name;
        this.field = field;
        this.queryVector = QueryVectorSource.checkVector(name, queryVector).clone();
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** Reads the window size, the field, the vector and the options, in that order (a subclass reads its own after them). */
    protected VectorRescorerBuilder(String name, StreamInput in, Writeable.Reader<P> parameters) throws IOException {
        super(in);
        this.name = name;
        this.field = in.readString();
        this.queryVector = in.readFloatArray();
        this.parameters = parameters.read(in);
    }

    @Override
    protected final void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeFloatArray(queryVector);
        parameters.writeTo(out);
        doWriteExtra(out);
    }

    /** Writes a subclass's own options after the shared ones; nothing by default. */
    protected void doWriteExtra(StreamOutput out) throws IOException {}

    /**
     * Sets the rescore window, validated when the request is parsed: {@code window_size} must be in [1, {@value #MAX_WINDOW}]
     * (a 400 naming the value).
     */
    @Override
    public final RB windowSize(int windowSize) {
        if (windowSize < 1 || windowSize > MAX_WINDOW) {
            throw new IllegalArgumentException("[" + name + "] [window_size] must be in [1, " + MAX_WINDOW + "] but was [" + windowSize
                + "]");
        }
        return super.windowSize(windowSize);
    }

    /** The body as parsed: the field and the query vector, plus a subclass's options. Mutable, for one parse. */
    protected static class ParsedBody {
        protected String field;
        protected final QueryVectorSource.Parsed source = new QueryVectorSource.Parsed();

        /** The query vector as parsed, or null. */
        protected float[] vector() {
            return source.vector();
        }
    }

    /**
     * A parser for the body of {@code "<name>": {...}} that rejects unknown fields and has {@code field} and
     * {@code query_vector} declared; the subclass declares its options on it.
     */
    protected static <T extends ParsedBody> ObjectParser<T, Void> parser(String name, Supplier<T> parsed) {
        ObjectParser<T, Void> parser = new ObjectParser<>(name, (p, key, value) -> {
            throw new ParsingException(XContentLocation.UNKNOWN, "[" + name + "] unknown field [" + key + "]");
        }, parsed);
        parser.declareString((p, v) -> p.field = v, FIELD);
        QueryVectorSource.declareVector(parser, name, p -> p.source);
        return parser;
    }

    @Override
    protected final void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(name);
        builder.field(FIELD.getPreferredName(), field);
        builder.array(QueryVectorSource.QUERY_VECTOR.getPreferredName(), queryVector);
        parameters.toXContent(builder, params);
        doXContentExtra(builder, params);
        builder.endObject();
    }

    /** Writes a subclass's own options after the shared ones; nothing by default. */
    protected void doXContentExtra(XContentBuilder builder, Params params) throws IOException {}

    @Override
    @SuppressWarnings("unchecked")
    public final RB rewrite(QueryRewriteContext ctx) {
        return (RB) this;
    }

    @Override
    public final String getWriteableName() {
        return name;
    }

    /**
     * A copy that rescores for {@code queryVector}, keeping the field, the options, the window size and what the node gave the
     * builder.
     *
     * @throws IllegalArgumentException if the vector is empty or not finite
     */
    public final RB withQueryVector(float[] queryVector) {
        RB copy = copyWith(queryVector);
        return windowSize == null ? copy : copy.windowSize(windowSize);
    }

    /** A copy with {@code queryVector} and everything else but the window size. */
    protected abstract RB copyWith(float[] queryVector);

    public final String field() {
        return field;
    }

    /** A copy of the query vector. */
    public final float[] queryVector() {
        return queryVector.clone();
    }

    /** The rescorer's options. */
    public final P parameters() {
        return parameters;
    }

    @Override
    public boolean equals(Object o) {
        if (super.equals(o) == false) {
            return false;
        }
        VectorRescorerBuilder<?, ?> other = (VectorRescorerBuilder<?, ?>) o;
        return field.equals(other.field) && Arrays.equals(queryVector, other.queryVector) && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), field, Arrays.hashCode(queryVector), parameters);
    }
}
