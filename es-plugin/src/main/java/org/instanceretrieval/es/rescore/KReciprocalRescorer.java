package org.instanceretrieval.es.rescore;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.Rescorer;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.rerank.KReciprocal;
import org.instanceretrieval.rerank.KReciprocalDistances;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Re-ranks a shard's rescore window by k-reciprocal encoding (Zhong et al., CVPR 2017; lucene-ext {@link KReciprocal}): the
 * points are the request's query vector and the window's hits in first-pass order, each with its indexed float vector of the
 * field ({@link WindowVectors}; a document without one is a zero vector, at the largest distance 2 from every point). The
 * window is returned ordered by the final distance ascending, ties in first-pass order, each hit scored
 * {@code 1 / (1 + final distance)} (in [0.5, 1]).
 *
 * <p>It runs <b>per shard</b>: on an index of several shards each shard re-ranks its own window, so results equal a single
 * shard's only on one-shard indices. Hits after the window are dropped (their first-pass scores are not comparable). The
 * computation's memory ({@link KReciprocal#estimatedBytes}) is reserved on the node's {@code retrieval} breaker before the
 * window's vectors are read and released when the window is re-ranked (over the limit: HTTP 429).
 */
final class KReciprocalRescorer implements Rescorer {

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

    private KReciprocalRescorer() {}

    @Override
    public TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        if (topDocs == null || topDocs.scoreDocs.length == 0) {
            return topDocs;
        }
        Context context = (Context) rescoreContext;
        KReciprocalRescorerBuilder p = context.parameters;
        ScoreDoc[] window = Arrays.copyOf(topDocs.scoreDocs, Math.min(context.getWindowSize(), topDocs.scoreDocs.length));
        float[] query = p.queryVector();
        KReciprocal reranking = p.parameters().reranking();
        KReciprocalDistances distances;
        if (context.storedGraph != null) {
            distances = StoredGraphKReciprocal.distances(window, searcher, p.field(), query, reranking, context.storedGraph.k(),
                context.memory, context.segmentIds, context::checkCancellation);
            return reordered(topDocs, window, distances, context);
        }
        long bytes = reranking.estimatedBytes(window.length, query.length);
        try (Reservation reserved = context.memory.reserve(bytes, "<" + KReciprocalRescorerBuilder.NAME + " window of " + window.length
            + " x " + query.length + ", k1 " + reranking.k1() + ", k2 " + reranking.k2() + ">")) {
            float[][] vectors = WindowVectors.read(window, searcher, p.field(), query.length, KReciprocalRescorerBuilder.NAME);
            distances = reranking.distances(query, vectors, context::checkCancellation);
        }
        return reordered(topDocs, window, distances, context);
    }

    private static TopDocs reordered(TopDocs topDocs, ScoreDoc[] window, KReciprocalDistances distances, Context context) {
        int[] ranking = distances.ranking();
        ScoreDoc[] rescored = new ScoreDoc[window.length];
        Set<Integer> docs = new HashSet<>();
        for (int r = 0; r < ranking.length; r++) {
            ScoreDoc hit = window[ranking[r]];
            rescored[r] = new ScoreDoc(hit.doc, (float) (1 / (1 + distances.distance(ranking[r]))), hit.shardIndex);
            docs.add(hit.doc);
        }
        context.setRescoredDocs(docs);
        return new TopDocs(topDocs.totalHits, rescored);
    }

    @Override
    public Explanation explain(int topLevelDocId, IndexSearcher searcher, RescoreContext rescoreContext, Explanation sourceExplanation) {
        if (rescoreContext.isRescored(topLevelDocId) == false) {
            return sourceExplanation;
        }
        return Explanation.match(sourceExplanation.getValue(), "first-pass score; the hit's score is 1 / (1 + its k-reciprocal "
            + "distance) over the rescore window, which depends on the whole window", sourceExplanation);
    }
}
