package org.instanceretrieval.es.diffusion;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.search.rescore.RescoreContext;
import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.Diffusion;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.rescore.WindowRescorer;
import org.instanceretrieval.search.WindowVectors;

import java.io.IOException;

/**
 * Re-ranks a shard's rescore window by diffusion (Iscen et al.; lucene-ext {@link Diffusion}):
 * node i of the graph is the i-th hit of the window in first-pass order, its vector the indexed
 * float vector of the field ({@link WindowVectors}; for {@code cosine} fields that is the
 * normalised vector Elasticsearch stores). The affinity graph (k, gamma) is built over the
 * window, y holds max(s, 0)^gamma of the query's query_k most similar window items (s the dot
 * product), (I - alpha S) f = y is solved by conjugate gradient, and the window is returned
 * ordered by f descending, ties in first-pass order, with f as the score.
 *
 * <p>It runs <b>per shard</b>: on an index of several shards each shard diffuses over its own
 * window, so results equal a single shard's only on one-shard indices. Hits after the window
 * are dropped ({@link WindowRescorer}): use a {@code window_size}
 * of at least {@code from + size}. A window document without a vector is a node without
 * edges (a zero vector): it scores 0. The computation is {@link WindowDiffusion}'s (shared with the
 * global {@code diffusion} retriever); its memory is accounted on the request circuit breaker
 * while the window is diffused (a window over the budget fails with HTTP 429).
 *
 * <p>With a stored graph ({@code graph: stored}, or {@code auto} when the index has a usable one: {@link StoredGraphCheck}) the
 * graph is not rebuilt: the window's stored neighbour lists are restricted to the window and re-normalised
 * ({@link StoredGraphWindow}); the rest (y, solve, ranking, scores) is as above.
 */
final class DiffusionRescorer extends WindowRescorer {

    static final DiffusionRescorer INSTANCE = new DiffusionRescorer();

    /** The rescore context of one shard: the window size and the request's parameters. */
    static final class Context extends RescoreContext {
        final DiffusionRescorerBuilder parameters;
        /** The request breaker the window's memory is accounted on while it is diffused. */
        final CircuitBreaker breaker;
        /** The marker of the stored graph diffused on ({@link StoredGraphCheck}), or null for the window's graph. */
        final GraphMarker storedGraph;
        /** The node's segment id cache, or null (ids read from stored fields). */
        final SegmentIdCache segmentIds;

        Context(int windowSize, DiffusionRescorerBuilder parameters, CircuitBreaker breaker, GraphMarker storedGraph,
                SegmentIdCache segmentIds) {
            super(windowSize, INSTANCE);
            this.parameters = parameters;
            this.breaker = breaker;
            this.storedGraph = storedGraph;
            this.segmentIds = segmentIds;
        }
    }

    private DiffusionRescorer() {
        super("first-pass score; the hit's score is its diffusion score f over the rescore window, which depends on the whole window");
    }

    @Override
    protected WindowRanking rank(ScoreDoc[] window, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        Context context = (Context) rescoreContext;
        DiffusionRescorerBuilder p = context.parameters;
        float[] query = p.queryVector();
        CgSolution solution;
        if (context.storedGraph != null) {
            solution = StoredGraphWindow.diffuse(window, searcher, p.field(), query, p.parameters(), context.breaker, context.segmentIds,
                context::checkCancellation);
        } else {
            try (Releasable reserved = WindowDiffusion.reserve(context.breaker, window.length, query.length, p.parameters().k(),
                DiffusionRescorerBuilder.NAME)) {
                float[][] vectors = readVectors(window, searcher, p.field(), query.length);
                context.checkCancellation();
                solution = WindowDiffusion.diffuse(vectors, query, p.parameters());
            }
        }
        return new WindowRanking(solution.ranking(), solution::score);
    }

    /**
     * The window's vectors in window order (zero for a document without one): {@link WindowVectors#read}.
     *
     * @throws IllegalArgumentException if the field holds byte vectors or its dimension is not the query's
     */
    private static float[][] readVectors(ScoreDoc[] window, IndexSearcher searcher, String field, int dims) throws IOException {
        return WindowVectors.read(window, searcher, field, dims, DiffusionRescorerBuilder.NAME);
    }

    /**
     * @throws IllegalArgumentException if the field holds byte vectors or its dimension is not the query's
     */
    static void checkFloatVectors(FieldInfo info, String field, int dims) {
        WindowVectors.checkFloatVectors(info, field, dims, DiffusionRescorerBuilder.NAME);
    }
}
