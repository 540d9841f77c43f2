package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.rescore.VectorRescorerBuilder;

import java.io.IOException;

/**
 * The {@code diffusion} rescorer of the {@code rescore} section: diffusion of Iscen et al.
 * (see {@link DiffusionRescorer}) over the rescore window, per shard.
 *
 * <pre>
 * "rescore": { "window_size": 100, "diffusion": { "field": "v", "query_vector": [...],
 *   "k": 50, "gamma": 3, "alpha": 0.99, "query_k": 10, "max_iterations": 20, "tolerance": 1e-6, "graph": "auto" } }
 * </pre>
 *
 * <p>{@code graph} ({@link GraphSource}): {@code stored} diffuses on the index's stored neighbour graph restricted to the
 * window, {@code window} on a kNN graph rebuilt from the window's vectors, {@code auto} (default) on the stored one when the
 * shard's index has a usable one ({@link StoredGraphCheck}), else on the window's.
 *
 * <p>Every parameter is checked when the request is parsed (an {@link IllegalArgumentException},
 * HTTP 400; field, query vector and window size as {@link VectorRescorerBuilder}); the field is checked against the shard's mapping when the rescore context is built.
 * Immutable apart from the inherited window size and segment id cache.
 */
public final class DiffusionRescorerBuilder extends VectorRescorerBuilder<DiffusionRescorerBuilder, DiffusionParameters> {

    public static final String NAME = "diffusion";

    /**
     * @throws IllegalArgumentException if a parameter is missing or out of range: field empty,
     *     query vector empty or not finite, or a diffusion option out of its range (see
     *     {@link DiffusionParameters})
     */
    public DiffusionRescorerBuilder(String field, float[] queryVector, int k, double gamma, double alpha, int queryK,
                                    int maxIterations, double tolerance) {
        this(field, queryVector, new DiffusionParameters(NAME, k, gamma, alpha, queryK, maxIterations, tolerance));
    }

    /** @throws IllegalArgumentException if the field is empty or the query vector missing, empty or not finite */
    public DiffusionRescorerBuilder(String field, float[] queryVector, DiffusionParameters parameters) {
        this(field, queryVector, parameters, GraphSource.AUTO);
    }

    /** @throws IllegalArgumentException if the field is empty, the query vector missing, empty or not finite, or graph null */
    public DiffusionRescorerBuilder(String field, float[] queryVector, DiffusionParameters parameters, GraphSource graph) {
        super(NAME, field, queryVector, parameters, graph);
    }

    /** The defaults of the reference: k 50, gamma 3, alpha 0.99, query_k 10, 20 iterations, tolerance 1e-6. */
    public DiffusionRescorerBuilder(String field, float[] queryVector) {
        this(field, queryVector, DiffusionParameters.defaults(NAME));
    }

    public DiffusionRescorerBuilder(StreamInput in) throws IOException {
        super(NAME, in, DiffusionParameters::new);
    }

    /** The body as parsed; {@link #build} validates it. */
    private static final class Parsed extends ParsedBody {
        private final DiffusionParameters.Parsed diffusion = new DiffusionParameters.Parsed();

        DiffusionRescorerBuilder build() {
            return new DiffusionRescorerBuilder(field, vector(), diffusion.build(NAME), graph(NAME));
        }
    }

    private static final ObjectParser<Parsed, Void> PARSER = parser(NAME, Parsed::new);

    static {
        DiffusionParameters.declare(PARSER, p -> p.diffusion);
    }

    /** Parses the body of {@code "diffusion": {...}} (the parser is on its start object). */
    public static DiffusionRescorerBuilder fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null).build();
    }

    /**
     * Checks that the field is a {@code dense_vector} of this shard's mapping (its dimension is
     * checked against the query vector when the window's vectors are read) and decides, from the
     * graph marker of the shard's index metadata, whether the stored graph is used ({@link StoredGraphCheck}).
     *
     * @throws IllegalArgumentException if the field is not mapped or not a {@code dense_vector}, or
     *     {@code graph: stored} cannot be served (400; 409 while the graph is being built)
     */
    @Override
    protected RescoreContext innerBuildContext(int windowSize, SearchExecutionContext context) throws IOException {
        VectorFieldInfo.of(context, NAME, field());
        if (windowSize > WindowDiffusion.MAX_WINDOW) {
            throw new IllegalArgumentException("[" + NAME + "] window_size must be <= " + WindowDiffusion.MAX_WINDOW + " but was ["
                + windowSize + "]");
        }
        String index = context.getIndexSettings().getIndex().getName();
        GraphMarker stored = StoredGraphCheck.resolve(StoredGraphCheck.marker(context.getIndexSettings().getIndexMetadata(), graph()), index, field(),
            parameters().k(), graph());
        return new DiffusionRescorer.Context(windowSize, this, context.getCircuitBreaker(), stored, segmentIds());
    }

    /** A copy that diffuses from {@code queryVector}, keeping the field, the diffusion options and the graph. */
    @Override
    protected DiffusionRescorerBuilder copyWith(float[] queryVector) {
        return new DiffusionRescorerBuilder(field(), queryVector, parameters(), graph());
    }
}
