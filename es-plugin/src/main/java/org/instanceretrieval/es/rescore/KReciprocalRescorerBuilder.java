package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.memory.MemoryBudget;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * The {@code k_reciprocal} rescorer of the {@code rescore} section: k-reciprocal re-ranking (Zhong et al., CVPR 2017; see
 * {@link KReciprocalRescorer}) of the rescore window, per shard.
 *
 * <pre>
 * "rescore": { "window_size": 100, "k_reciprocal": { "field": "v", "query_vector": [...], "k1": 20, "k2": 6, "lambda": 0.3 } }
 * </pre>
 *
 * <p>Every option is checked when the request is parsed (an {@link IllegalArgumentException}, HTTP 400 naming the option, its
 * value and the rule; field, query vector and window size as {@link VectorRescorerBuilder}); the field is checked against the
 * shard's mapping when the rescore context is built. Immutable apart from the inherited window size and the node's memory
 * budget it is given once ({@link #withMemory}).
 */
public final class KReciprocalRescorerBuilder extends VectorRescorerBuilder<KReciprocalRescorerBuilder, KReciprocalParameters> {

    public static final String NAME = "k_reciprocal";

    /** This node's memory budget (its retrieval breaker; not sent, not part of equality); null for a builder made in code. */
    private Supplier<MemoryBudget> memory;

    /** @throws IllegalArgumentException if the field is empty or the query vector missing, empty or not finite */
    public KReciprocalRescorerBuilder(String field, float[] queryVector, KReciprocalParameters parameters) {
        super(NAME, field, queryVector, parameters);
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
            return new KReciprocalRescorerBuilder(field, vector(), options.build(NAME));
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
     * when the window's vectors are read).
     *
     * @throws IllegalArgumentException if the field is not mapped or not a {@code dense_vector}
     */
    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) {
        VectorFieldInfo.of(context, NAME, field());
        return new KReciprocalRescorer.Context(windowSize, this, memory());
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

    /** A copy that re-ranks for {@code queryVector}, keeping the field, the options and the memory budget. */
    @Override
    protected KReciprocalRescorerBuilder copyWith(float[] queryVector) {
        return new KReciprocalRescorerBuilder(field(), queryVector, parameters()).withMemory(memory);
    }
}
