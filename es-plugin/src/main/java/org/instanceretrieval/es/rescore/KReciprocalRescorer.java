package org.instanceretrieval.es.rescore;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.search.rescore.RescoreContext;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.rerank.KReciprocal;
import org.instanceretrieval.rerank.KReciprocalDistances;
import org.instanceretrieval.search.WindowVectors;

import java.io.IOException;

/**
 * Re-ranks a shard's rescore window by k-reciprocal encoding (Zhong et al., CVPR 2017; lucene-ext {@link KReciprocal}): the
 * points are the request's query vector and the window's hits in first-pass order, each with its indexed float vector of the
 * field ({@link WindowVectors}; a document without one is a zero vector, at the largest distance 2 from every point). The
 * window is returned ordered by the final distance ascending, ties in first-pass order, each hit scored
 * {@code 1 / (1 + final distance)} (in [0.5, 1]). With a stored graph ({@link StoredGraphKReciprocal}) the rows come from the
 * window's stored neighbour lists instead of products of the window's vectors.
 *
 * <p>It runs <b>per shard</b>: on an index of several shards each shard re-ranks its own window, so results equal a single
 * shard's only on one-shard indices. Hits after the window are dropped ({@link WindowRescorer}). The
 * computation's memory ({@link KReciprocal#estimatedBytes}) is reserved on the node's {@code retrieval} breaker before the
 * window's vectors are read and released when the window is re-ranked (over the limit: HTTP 429).
 */
final class KReciprocalRescorer extends WindowRescorer {

    static final KReciprocalRescorer INSTANCE = new KReciprocalRescorer();

    /** The rescore context of one shard: the window size, the request's options and the node's memory budget. */
    static final class Context extends RescoreContext {
        final KReciprocalRescorerBuilder parameters;
        final MemoryBudget memory;
        /** The marker of the stored graph re-ranked on, or null for the window's vectors. */
        final GraphMarker storedGraph;
        /** The node's segment id cache, or null (ids read from stored fields). */
        final SegmentIdCache segmentIds;

        Context(int windowSize, KReciprocalRescorerBuilder parameters, MemoryBudget memory, GraphMarker storedGraph,
                SegmentIdCache segmentIds) {
            super(windowSize, INSTANCE);
            this.parameters = parameters;
            this.memory = memory;
            this.storedGraph = storedGraph;
            this.segmentIds = segmentIds;
        }
    }

    private KReciprocalRescorer() {
        super("first-pass score; the hit's score is 1 / (1 + its k-reciprocal distance) over the rescore window, which depends on "
            + "the whole window");
    }

    @Override
    protected WindowRanking rank(ScoreDoc[] window, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        Context context = (Context) rescoreContext;
        KReciprocalRescorerBuilder p = context.parameters;
        float[] query = p.queryVector();
        KReciprocal reranking = p.parameters().reranking();
        KReciprocalDistances distances;
        if (context.storedGraph != null) {
            KReciprocalDistances stored = StoredGraphKReciprocal.distances(window, searcher, p.field(), query, reranking,
                context.storedGraph.k(), context.memory, context.segmentIds, context::checkCancellation);
            return new WindowRanking(stored.ranking(), i -> 1 / (1 + stored.distance(i)));
        }
        long bytes = reranking.estimatedBytes(window.length, query.length);
        try (Reservation reserved = context.memory.reserve(bytes, "<" + KReciprocalRescorerBuilder.NAME + " window of " + window.length
            + " x " + query.length + ", k1 " + reranking.k1() + ", k2 " + reranking.k2() + ">")) {
            float[][] vectors = WindowVectors.read(window, searcher, p.field(), query.length, KReciprocalRescorerBuilder.NAME);
            distances = reranking.distances(query, vectors, context::checkCancellation);
        }
        return new WindowRanking(distances.ranking(), i -> 1 / (1 + distances.distance(i)));
    }
}
