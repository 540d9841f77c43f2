package org.instanceretrieval.search;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The top {@code k} documents of a float vector field by the field's own kNN score, every vector scored: each segment is
 * asked through {@code LeafReader#searchNearestVectors} with a collector that asks for as many neighbours as the segment has
 * vectors, so the codec scores every accepted vector with the scorer its graph search uses (the quantised one for quantised
 * formats) instead of walking the graph, as Lucene's HNSW reader does by itself when {@code k} reaches a segment's vector
 * count. The result is the exact top {@code k} by those scores: the documents an approximate kNN search of the field would
 * return if it missed none.
 *
 * <p>Documents: a segment's live documents matching {@code filter} (all of them when it is null), scoring at least
 * {@code minScore}. Order: score descending, ties by document (segments in reader order, then by document within a segment).
 * Cost: one score per accepted vector, {@code O(k)} memory per segment; against a graph search whose cost grows with the
 * number of candidates rather than the segment's size, it pays when the candidates are a large part of the segment
 * ({@link #cheaperThanGraph}). Stateless.
 */
public final class KnnScan {

    /**
     * A scan is taken when the segments hold at most this many vectors per candidate of the graph search it replaces. A graph
     * search for 1,000 candidates over 50,000 int8 vectors of 128 dims took twice as long as the scan (4.2 against 2.1 ms,
     * docs/benchmarks.md); the scan's cost grows with the vectors, the graph's far more slowly, so the break-even lies near
     * 100 vectors per candidate there; 64 keeps a margin.
     */
    public static final int VECTORS_PER_CANDIDATE = 64;

    private KnnScan() {}

    /**
     * Whether a scan of {@code leaves} is expected to be cheaper than a graph search for {@code candidates} candidates: the
     * field's vectors number at most {@link #VECTORS_PER_CANDIDATE} times the candidates.
     */
    public static boolean cheaperThanGraph(List<LeafReaderContext> leaves, String field, int candidates) throws IOException {
        long vectors = 0;
        for (LeafReaderContext leaf : leaves) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
            vectors += values == null ? 0 : values.size();
        }
        return vectors <= (long) VECTORS_PER_CANDIDATE * candidates;
    }

    /**
     * @param leaves   the reader's leaves, in order
     * @param field    a float vector field (segments without it contribute nothing)
     * @param target   the query vector, as the field's kNN search takes it
     * @param k        the number of documents, at least 1
     * @param filter   the documents allowed, or null for all (live documents only in either case)
     * @param minScore lowest score kept, or {@code Float.NEGATIVE_INFINITY}
     * @return the top {@code k}, {@code totalHits} the number of documents returned
     */
    public static TopDocs search(List<LeafReaderContext> leaves, String field, float[] target, int k, Weight filter, float minScore)
        throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 but was [" + k + "]");
        }
        List<TopDocs> perLeaf = new ArrayList<>();
        for (LeafReaderContext leaf : leaves) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
            if (values == null || values.size() == 0) {
                continue;
            }
            Bits accepted = accepted(leaf, filter);
            if (accepted == NONE) {
                continue;
            }
            TopKnnCollector top = new TopKnnCollector(k, Integer.MAX_VALUE);
            leaf.reader().searchNearestVectors(field, target, new EveryVector(top, values.size()), accepted);
            List<ScoreDoc> kept = new ArrayList<>();
            for (ScoreDoc hit : top.topDocs().scoreDocs) {
                if (hit.score >= minScore) {
                    kept.add(new ScoreDoc(leaf.docBase + hit.doc, hit.score));
                }
            }
            perLeaf.add(new TopDocs(new TotalHits(kept.size(), TotalHits.Relation.EQUAL_TO), kept.toArray(ScoreDoc[]::new)));
        }
        TopDocs merged = TopDocs.merge(k, perLeaf.toArray(TopDocs[]::new));
        return new TopDocs(new TotalHits(merged.scoreDocs.length, TotalHits.Relation.EQUAL_TO), merged.scoreDocs);
    }

    private static final Bits NONE = new Bits.MatchNoBits(0);

    /** The live documents of {@code leaf} that match {@code filter}; null for every document, {@link #NONE} for none. */
    private static Bits accepted(LeafReaderContext leaf, Weight filter) throws IOException {
        Bits live = leaf.reader().getLiveDocs();
        if (filter == null) {
            return live;
        }
        Scorer scorer = filter.scorer(leaf);
        if (scorer == null) {
            return NONE;
        }
        int maxDoc = leaf.reader().maxDoc();
        BitSet matching = new FixedBitSet(maxDoc);
        DocIdSetIterator it = scorer.iterator();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            if (live == null || live.get(doc)) {
                matching.set(doc);
            }
        }
        return matching;
    }

    /**
     * A collector that asks for as many neighbours as the segment has vectors ({@code k = vectors}, which makes Lucene's HNSW
     * reader score every accepted vector instead of searching its graph; a flat reader always does) and keeps the best of them
     * in {@code top}.
     */
    private record EveryVector(TopKnnCollector top, int vectors) implements KnnCollector {
        @Override
        public boolean earlyTerminated() {
            return top.earlyTerminated();
        }

        @Override
        public void incVisitedCount(int count) {
            top.incVisitedCount(count);
        }

        @Override
        public long visitedCount() {
            return top.visitedCount();
        }

        @Override
        public long visitLimit() {
            return top.visitLimit();
        }

        @Override
        public int k() {
            return vectors;
        }

        @Override
        public boolean collect(int docId, float similarity) {
            return top.collect(docId, similarity);
        }

        @Override
        public float minCompetitiveSimilarity() {
            return top.minCompetitiveSimilarity();
        }

        @Override
        public TopDocs topDocs() {
            return top.topDocs();
        }
    }
}
