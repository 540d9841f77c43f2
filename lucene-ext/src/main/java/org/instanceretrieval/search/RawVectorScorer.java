package org.instanceretrieval.search;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

import java.io.IOException;

/**
 * The scorer of the exact vector queries: over the documents of an approximation, the score is {@code boost} times a raw
 * score computed once per document from its float vector ({@link #rawScore(float[])}); with a minimum raw score, a
 * two-phase iterator keeps only the documents that reach it. No upper bound on scores is known.
 */
abstract class RawVectorScorer extends Scorer {

    private final DocIdSetIterator approximation;
    private final FloatVectorValues values;
    private final float boost;
    private final TwoPhaseIterator threshold;
    private int scoredDoc = -1;
    private float score;

    /**
     * @param approximation the candidate documents; {@code values} is positioned on each of them (it is, or is part of, it)
     * @param minScore      the minimum raw score, or {@link Float#NEGATIVE_INFINITY} for none
     * @param matchCost     the cost of one raw score (for the two-phase iterator)
     */
    RawVectorScorer(Weight weight, DocIdSetIterator approximation, FloatVectorValues values, float boost, float minScore,
                    float matchCost) {
        super(weight);
        this.approximation = approximation;
        this.values = values;
        this.boost = boost;
        this.threshold = minScore == Float.NEGATIVE_INFINITY ? null : new TwoPhaseIterator(approximation) {
            @Override
            public boolean matches() throws IOException {
                return rawScore() >= minScore;
            }

            @Override
            public float matchCost() {
                return matchCost;
            }
        };
    }

    /** The raw score of the current document, whose vector is {@code vector} (a buffer the caller may reuse). */
    protected abstract float rawScore(float[] vector) throws IOException;

    private float rawScore() throws IOException {
        if (scoredDoc != approximation.docID()) {
            score = rawScore(values.vectorValue());
            scoredDoc = approximation.docID();
        }
        return score;
    }

    @Override
    public int docID() {
        return approximation.docID();
    }

    @Override
    public DocIdSetIterator iterator() {
        return threshold == null ? approximation : TwoPhaseIterator.asDocIdSetIterator(threshold);
    }

    @Override
    public TwoPhaseIterator twoPhaseIterator() {
        return threshold;
    }

    @Override
    public float getMaxScore(int upTo) {
        return Float.POSITIVE_INFINITY;
    }

    @Override
    public float score() throws IOException {
        return rawScore() * boost;
    }
}
