package org.instanceretrieval.search;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.VectorUtil;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Scores documents by their aggregated similarity to a set of query vectors (a multi-image query).
 *
 * <p>For a document vector {@code d} (read raw, never quantised, from {@link FloatVectorValues}) and
 * each member {@code q_i}, the member similarity {@code s_i} is, by the field's Lucene similarity:
 * {@code q_i . d} for {@code DOT_PRODUCT} and {@code MAXIMUM_INNER_PRODUCT}, the cosine for
 * {@code COSINE}, and minus the l2 distance {@code -|q_i - d|} for {@code EUCLIDEAN}. The document's
 * similarity is {@code s = mean_i s_i} ({@link Aggregation#AVG}) or {@code max_i s_i}
 * ({@link Aggregation#MAX}); its score is {@code s} mapped as Lucene maps a single similarity:
 * {@code max((1 + s) / 2, 0)} for {@code DOT_PRODUCT}, {@code (1 + s) / 2} for {@code COSINE},
 * {@code 1 / (1 + s^2)} for {@code EUCLIDEAN} (so {@code avg} averages distances and {@code max} takes
 * the nearest member), {@code s < 0 ? 1 / (1 - s) : s + 1} for {@code MAXIMUM_INNER_PRODUCT}; times the
 * boost. With one member this is the kNN score of that member.
 *
 * <p>Only documents matching {@code candidates} (all documents with a vector when null) are scored;
 * those whose unboosted score is below {@code minScore} do not match. Immutable.
 */
public final class VectorSetQuery extends Query {

    private final String field;
    private final float[][] members;
    private final Aggregation aggregation;
    private final Query candidates;
    private final float minScore;

    /**
     * @param field       the float vector field
     * @param members     the query vectors, at least one, all of the field's dimension (normalised by the
     *                    caller where the field's similarity needs it); copied
     * @param aggregation how member similarities combine
     * @param candidates  the documents scored, or null for every document with a vector
     * @param minScore    lowest matching (unboosted) score, or {@code Float.NEGATIVE_INFINITY}
     * @throws IllegalArgumentException if there is no member or the members differ in dimension
     */
    public VectorSetQuery(String field, float[][] members, Aggregation aggregation, Query candidates, float minScore) {
        this.field = Objects.requireNonNull(field);
        if (members.length == 0) {
            throw new IllegalArgumentException("a vector set query needs at least one member");
        }
        this.members = new float[members.length][];
        for (int i = 0; i < members.length; i++) {
            if (members[i].length != members[0].length) {
                throw new IllegalArgumentException("member [" + i + "] has " + members[i].length + " dimensions, member [0] has "
                    + members[0].length);
            }
            this.members[i] = members[i].clone();
        }
        this.aggregation = Objects.requireNonNull(aggregation);
        this.candidates = candidates;
        this.minScore = minScore;
    }

    /**
     * The score of document vector {@code d} (see the class comment), unboosted.
     *
     * @param function the field's similarity function
     */
    public float score(VectorSimilarityFunction function, float[] d) {
        double aggregated = aggregation == Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (float[] q : members) {
            double s = switch (function) {
                case DOT_PRODUCT, MAXIMUM_INNER_PRODUCT -> VectorUtil.dotProduct(q, d);
                case COSINE -> VectorUtil.cosine(q, d);
                case EUCLIDEAN -> -Math.sqrt(VectorUtil.squareDistance(q, d));
            };
            aggregated = aggregation == Aggregation.MAX ? Math.max(aggregated, s) : aggregated + s;
        }
        double s = aggregation == Aggregation.MAX ? aggregated : aggregated / members.length;
        double score = switch (function) {
            case DOT_PRODUCT -> Math.max((1 + s) / 2, 0);
            case COSINE -> (1 + s) / 2;
            case EUCLIDEAN -> 1 / (1 + s * s);
            case MAXIMUM_INNER_PRODUCT -> s < 0 ? 1 / (1 - s) : s + 1;
        };
        return (float) score;
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        if (candidates != null) {
            Query rewritten = searcher.rewrite(candidates);
            if (rewritten != candidates) {
                return new VectorSetQuery(field, members, aggregation, rewritten, minScore);
            }
        }
        return this;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
        Weight candidateWeight = candidates == null ? null : searcher.createWeight(candidates, ScoreMode.COMPLETE_NO_SCORES, 1f);
        return new Weight(this) {
            @Override
            public Explanation explain(LeafReaderContext context, int doc) throws IOException {
                Scorer scorer = scorer(context);
                if (scorer != null && scorer.iterator().advance(doc) == doc) {
                    return Explanation.match(scorer.score(), "[" + aggregation.name().toLowerCase(java.util.Locale.ROOT)
                        + "] vector similarity to " + members.length + " query vectors on [" + field + "], times boost " + boost);
                }
                return Explanation.noMatch("not a candidate, no vector in [" + field + "] or below the similarity threshold");
            }

            @Override
            public Scorer scorer(LeafReaderContext context) throws IOException {
                LeafFloatVectors vectors = LeafFloatVectors.of(context, field, members[0].length, "scoring a set of query vectors");
                if (vectors == null) {
                    return null;
                }
                FloatVectorValues values = vectors.values();
                DocIdSetIterator docs = values;
                if (candidateWeight != null) {
                    Scorer candidateScorer = candidateWeight.scorer(context);
                    if (candidateScorer == null) {
                        return null;
                    }
                    docs = ConjunctionUtils.intersectIterators(List.of(candidateScorer.iterator(), values));
                }
                return new SetScorer(this, docs, values, vectors.similarity(), boost);
            }

            @Override
            public boolean isCacheable(LeafReaderContext ctx) {
                return candidateWeight == null || candidateWeight.isCacheable(ctx);
            }
        };
    }

    private final class SetScorer extends RawVectorScorer {
        private final VectorSimilarityFunction function;

        SetScorer(Weight weight, DocIdSetIterator approximation, FloatVectorValues values, VectorSimilarityFunction function, float boost) {
            super(weight, approximation, values, boost, minScore, (float) members.length * members[0].length);
            this.function = function;
        }

        @Override
        protected float rawScore(float[] vector) {
            return VectorSetQuery.this.score(function, vector);
        }
    }

    @Override
    public String toString(String defaultField) {
        return "VectorSetQuery[" + field + ", " + members.length + " x " + members[0].length + ", "
            + aggregation.name().toLowerCase(java.util.Locale.ROOT) + (candidates == null ? "" : ", candidates=" + candidates.toString(defaultField))
            + (minScore == Float.NEGATIVE_INFINITY ? "" : ", min_score=" + minScore) + "]";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(field)) {
            visitor.visitLeaf(this);
        }
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && field.equals(((VectorSetQuery) other).field)
            && Arrays.deepEquals(members, ((VectorSetQuery) other).members)
            && aggregation == ((VectorSetQuery) other).aggregation
            && Objects.equals(candidates, ((VectorSetQuery) other).candidates)
            && Float.compare(minScore, ((VectorSetQuery) other).minScore) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), field, Arrays.deepHashCode(members), aggregation, candidates, minScore);
    }
}
