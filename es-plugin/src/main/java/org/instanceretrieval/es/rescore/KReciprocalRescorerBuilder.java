package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.diffusion.GraphSource;
import org.instanceretrieval.es.diffusion.StoredGraphCheck;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.memory.MemoryBudget;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * The {@code k_reciprocal} rescorer of the {@code rescore} section: k-reciprocal re-ranking (Zhong et al., CVPR 2017; see
 * {@link KReciprocalRescorer}) of the rescore window, per shard.
 *
 * <pre>
 * "rescore": { "window_size": 100, "k_reciprocal": { "field": "v", "query_vector": [...], "k1": 20, "k2": 6, "lambda": 0.3,
 *   "graph": "auto" } }
 * </pre>
 *
 * <p>{@code graph} ({@link GraphSource}): {@code stored} re-ranks on the index's stored neighbour lists restricted to the
 * window, {@code window} on the window's vectors, {@code auto} (default) on the stored lists when the shard's index has a
 * usable graph ({@link StoredGraphCheck}, k1 at most the stored k), else on the vectors.
 *
 * <p>Every option is checked when the request is parsed (an {@link IllegalArgumentException}, HTTP 400 naming the option, its
 * value and the rule; field, query vector and window size as {@link VectorRescorerBuilder}); the field is checked against the
 * shard's mapping when the rescore context is built. Immutable apart from the inherited window size and segment id cache and
 * the node's memory budget it is given once ({@link #withMemory}).
 */
public final class KReciprocalRescorerBuilder extends VectorRescorerBuilder<KReciprocalRescorerBuilder, KReciprocalParameters> {

    public static final String NAME = "k_reciprocal";

    /** This node's memory budget (its retrieval breaker; not sent, not part of equality); null for a builder made in code. */
    private Supplier<MemoryBudget> memory;

    /** @throws IllegalArgumentException if the field is empty or the query vector missing, empty or not finite */
    public KReciprocalRescorerBuilder(String field, float[] queryVector, KReciprocalParameters parameters) {
        this(field, queryVector, parameters, GraphSource.AUTO);
    }

    /** @throws IllegalArgumentException as above, or if graph is null */
    public KReciprocalRescorerBuilder(String field, float[] queryVector, KReciprocalParameters parameters, GraphSource graph) {
        super(NAME, field, queryVector, parameters, graph);
    }

    /** With the paper's defaults k1 20, k2 6, lambda 0.3. */
    public KReciprocalRescorerBuilder(String field, float[] queryVector) {
        this(field, queryVector, KReciprocalParameters.defaults(NAME));
    }

    public KReciprocalRescorerBuilder(StreamInput in) throws IOException {
        super(NAME, in, KReciprocalParameters::new);
    }

    /** The body as parsed; {@link #build} validates it. */
    private static final class Parsed extends ParsedBody {
        private final KReciprocalParameters.Parsed options = new KReciprocalParameters.Parsed();

        KReciprocalRescorerBuilder build() {
            return new KReciprocalRescorerBuilder(field, vector(), options.build(NAME), graph(NAME));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = parser(NAME, Parsed::new);

    static {
        KReciprocalParameters.declare(PARSER, p -> p.options);
    }

    /** Parses the body of {@code "k_reciprocal": {...}} (the parser is on its start object). */
    public static KReciprocalRescorerBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    /**
     * Checks that the field is a {@code dense_vector} of this shard's mapping (its dimension is checked against the query vector
     * when the window's vectors are read) and decides, from the graph marker of the shard's index metadata, whether the stored
     * graph is used (diffusion's {@link StoredGraphCheck}, with {@code k1} as the k the stored lists must reach).
     *
     * @throws IllegalArgumentException if the field is not mapped or not a {@code dense_vector}, or {@code graph: stored}
     *     cannot be served (400; 409 while the graph is being built)
     */
    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) {
        VectorFieldInfo.of(context, NAME, field());
        GraphMarker stored = StoredGraphCheck.resolve(StoredGraphCheck.marker(context.getIndexSettings().getIndexMetadata(), graph(),
            NAME), context.getIndexSettings().getIndex().getName(), field(), parameters().k1(), graph(), NAME, "k1");
        return new KReciprocalRescorer.Context(windowSize, this, memory(), stored, segmentIds());
    }

    /**
     * This builder charging its window to {@code budget} (set by the plugin on every builder it parses or receives, to the
     * node's {@code retrieval} breaker; the builder is not yet shared then). Returns this.
     */
    public KReciprocalRescorerBuilder withMemory(Supplier<MemoryBudget> budget) {
        this.memory = budget;
        return this;
    }

    /** The memory budget of the window: the node's, or unlimited for a builder made in code. */
    MemoryBudget memory() {
        MemoryBudget budget = memory == null ? null : memory.get();
        return budget == null ? MemoryBudget.UNLIMITED : budget;
    }

    /** A copy that re-ranks for {@code queryVector}, keeping the field, the options, the graph and the memory budget. */
    @Override
    protected KReciprocalRescorerBuilder copyWith(float[] queryVector) {
        return new KReciprocalRescorerBuilder(field(), queryVector, parameters(), graph()).withMemory(memory);
    }
}
