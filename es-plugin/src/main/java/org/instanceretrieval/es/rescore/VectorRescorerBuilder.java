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
import org.instanceretrieval.es.diffusion.GraphSource;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.query.QueryVectorSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the rescorers of a window by one query vector ({@code diffusion}, {@code k_reciprocal}) share: a {@code dense_vector}
 * {@code field}, a {@code query_vector}, an option group {@code P} that writes and sends itself, and {@code graph}
 * ({@link GraphSource}: the index's stored neighbour graph, the window's vectors, or {@code auto}), as in
 * <pre>
 * "rescore": { "window_size": 100, "&lt;name&gt;": { "field": "v", "query_vector": [...], &lt;options of P&gt;, "graph": "auto" } }
 * </pre>
 * This class validates the field, the vector, the graph and {@code window_size} (in [1, {@value #MAX_WINDOW}]) with
 * {@link IllegalArgumentException}s (HTTP 400) naming the rescorer, the option and the rule; it reads, writes and compares
 * them, and declares {@code field}, {@code query_vector} and {@code graph} on a subclass's {@code ObjectParser}
 * ({@link #parser}). A subclass declares its options and builds the shard's rescore context. Immutable apart from the
 * inherited window size and the node's segment id cache it is given once ({@link #withSegmentIds}), which reads the window's
 * ids on the stored-graph path.
 *
 * @param <RB> the rescorer builder itself
 * @param <P> its option group
 */
public abstract class VectorRescorerBuilder<RB extends VectorRescorerBuilder<RB, P>, P extends Writeable & ToXContentFragment>
    extends RescorerBuilder<RB> implements PluginWriteable {

    /** Largest {@code window_size} of a vector rescorer (index.max_result_window's default). */
    public static final int MAX_WINDOW = 10_000;

    public static final ParseField FIELD = new ParseField("field");
    public static final ParseField GRAPH = new ParseField("graph");

    private final String name;
    private final String field;
    private final float[] queryVector;
    private final P parameters;
    private final GraphSource graph;
    /** This node's segment id cache (not sent, not part of equality); null reads ids from stored fields. */
    private SegmentIdCache segmentIds;

    /**
     * @param name the rescorer's name, its writeable name and the prefix of its error messages
     * @throws IllegalArgumentException if the field is empty, the query vector missing, empty or not finite, or graph null
     */
    protected VectorRescorerBuilder(String name, String field, float[] queryVector, P parameters, GraphSource graph) {
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
        if (graph == null) {
            throw new IllegalArgumentException("[" + name + "] requires [" + GRAPH.getPreferredName() + "]");
        }
        this.graph = graph;
    }

    /** Reads the window size, the field, the vector, the options and the graph, in that order. */
    protected VectorRescorerBuilder(String name, StreamInput in, Writeable.Reader<P> parameters) throws IOException {
        super(in);
        this.name = name;
        this.field = in.readString();
        this.queryVector = in.readFloatArray();
        this.parameters = parameters.read(in);
        this.graph = in.readEnum(GraphSource.class);
    }

    @Override
    protected final void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeFloatArray(queryVector);
        parameters.writeTo(out);
        out.writeEnum(graph);
    }

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

    /** The body as parsed: the field, the query vector and the graph, plus a subclass's options. Mutable, for one parse. */
    protected static class ParsedBody {
        protected String field;
        protected final QueryVectorSource.Parsed source = new QueryVectorSource.Parsed();
        String graph = GraphSource.AUTO.toString();

        /** The query vector as parsed, or null. */
        protected float[] vector() {
            return source.vector();
        }

        /** @throws IllegalArgumentException (400) naming the rescorer, the value and the accepted ones */
        protected GraphSource graph(String name) {
            return GraphSource.parse(name, graph);
        }
    }

    /**
     * A parser for the body of {@code "<name>": {...}} that rejects unknown fields and has {@code field}, {@code query_vector}
     * and {@code graph} declared; the subclass declares its options on it.
     */
    protected static <T extends ParsedBody> ObjectParser<T, Void> parser(String name, Supplier<T> parsed) {
        ObjectParser<T, Void> parser = new ObjectParser<>(name, (p, key, value) -> {
            throw new ParsingException(XContentLocation.UNKNOWN, "[" + name + "] unknown field [" + key + "]");
        }, parsed);
        parser.declareString((p, v) -> p.field = v, FIELD);
        QueryVectorSource.declareVector(parser, name, p -> p.source);
        parser.declareString((p, v) -> p.graph = v, GRAPH);
        return parser;
    }

    @Override
    protected final void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(name);
        builder.field(FIELD.getPreferredName(), field);
        builder.array(QueryVectorSource.QUERY_VECTOR.getPreferredName(), queryVector);
        parameters.toXContent(builder, params);
        builder.field(GRAPH.getPreferredName(), graph.toString());
        builder.endObject();
    }

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
        RB copy = copyWith(queryVector).withSegmentIds(segmentIds);
        return windowSize == null ? copy : copy.windowSize(windowSize);
    }

    /** A copy with {@code queryVector} and everything else but the window size and the segment id cache. */
    protected abstract RB copyWith(float[] queryVector);

    /**
     * This builder reading window ids through {@code cache} (set by the plugin on every builder it parses or receives; the
     * builder is not yet shared then). Returns this.
     */
    @SuppressWarnings("unchecked")
    public final RB withSegmentIds(SegmentIdCache cache) {
        this.segmentIds = cache;
        return (RB) this;
    }

    /** The node's segment id cache, null for a builder made in code. */
    protected final SegmentIdCache segmentIds() {
        return segmentIds;
    }

    /** Which graph the window is re-ranked on. */
    public final GraphSource graph() {
        return graph;
    }

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
    public final boolean equals(Object o) {
        if (super.equals(o) == false) {
            return false;
        }
        VectorRescorerBuilder<?, ?> other = (VectorRescorerBuilder<?, ?>) o;
        return field.equals(other.field) && Arrays.equals(queryVector, other.queryVector) && parameters.equals(other.parameters)
            && graph == other.graph;
    }

    @Override
    public final int hashCode() {
        return Objects.hash(super.hashCode(), field, Arrays.hashCode(queryVector), parameters, graph);
    }
}
