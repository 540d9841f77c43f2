package org.instanceretrieval.search;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Brute-force scoring of every document with a float vector in {@code field}: the score is the
 * field's Lucene {@link VectorSimilarityFunction#compare} of the query and the document's raw
 * (never quantised) vector, the same score Elasticsearch's kNN gives for that similarity.
 * Documents scoring below {@code minScore} do not match. Reads the raw vectors with
 * {@link FloatVectorValues#vectorValue()}, so quantised index options (int8_hnsw, ...) are
 * scored on their original floats, unlike Elasticsearch's own exact kNN query whose scorer may
 * use the quantised copy.
 */
public final class ExactVectorQuery extends Query {

    private final String field;
    private final float[] query;
    private final float minScore;

    /**
     * @param field    the vector field
     * @param query    the query vector (already normalised where the field's similarity needs it)
     * @param minScore lowest matching score, or {@code Float.NEGATIVE_INFINITY}
     */
    public ExactVectorQuery(String field, float[] query, float minScore) {
        this.field = Objects.requireNonNull(field);
        this.query = query.clone();
        this.minScore = minScore;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new Weight(this) {
            @Override
            public Explanation explain(LeafReaderContext context, int doc) throws IOException {
                Scorer scorer = scorer(context);
                if (scorer != null && scorer.iterator().advance(doc) == doc
                    && (scorer.twoPhaseIterator() == null || scorer.twoPhaseIterator().matches())) {
                    return Explanation.match(scorer.score(), "exact vector similarity on [" + field + "], times boost " + boost);
                }
                return Explanation.noMatch("no vector in [" + field + "] or below the similarity threshold");
            }

            @Override
            public Scorer scorer(LeafReaderContext context) throws IOException {
                LeafFloatVectors vectors = LeafFloatVectors.of(context, field, query.length, "[retrieval_knn] exact scoring");
                return vectors == null ? null : new VectorScorer(this, vectors.values(), vectors.similarity(), boost);
            }

            @Override
            public boolean isCacheable(LeafReaderContext ctx) {
                return true;
            }
        };
    }

    private final class VectorScorer extends RawVectorScorer {
        private final VectorSimilarityFunction function;

        VectorScorer(Weight weight, FloatVectorValues values, VectorSimilarityFunction function, float boost) {
            super(weight, values, values, boost, minScore, query.length);
            this.function = function;
        }

        @Override
        protected float rawScore(float[] vector) {
            return function.compare(query, vector);
        }
    }

    @Override
    public String toString(String defaultField) {
        return "ExactVectorQuery[" + field + ", dims=" + query.length + (minScore == Float.NEGATIVE_INFINITY ? "" : ", min_score=" + minScore) + "]";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(field)) {
            visitor.visitLeaf(this);
        }
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other)
            && field.equals(((ExactVectorQuery) other).field)
            && Arrays.equals(query, ((ExactVectorQuery) other).query)
            && Float.compare(minScore, ((ExactVectorQuery) other).minScore) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), field, Arrays.hashCode(query), minScore);
    }
}
