package org.instanceretrieval.expansion;

import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.neighbours.Neighbours;

/**
 * alpha-weighted query expansion, alpha-QE, and its special case average query expansion, AQE
 * ({@code alpha = 0}) (definitions, "Query expansion and database-side augmentation").
 *
 * <p>Given the query vector {@code q} and its top {@code n} results {@code d_1..d_n} with
 * similarities {@code s_1..s_n}, in ranking order, the expanded query is
 * {@code L2(q + sum_j w_j d_j)} with {@code w_j = weight(s_j, alpha) = max(s_j, 0)^alpha}.
 * The query itself always has weight 1. When fewer than {@code n} results are given, all are
 * used. If the query is itself among the results (a query image that is in the database), it
 * is simply one of the results.
 *
 * <p>Weights ({@link #weight}): for {@code alpha = 0} every weight is 1, including neighbours
 * with a negative similarity: the definitions give {@code w = 1} for AQE, which is also
 * {@code max(s, 0)^0} with the usual convention {@code 0^0 = 1}. For {@code alpha > 0} a
 * negative similarity is clamped to 0 before the power, so its weight is 0, never NaN.
 *
 * <p>Defaults (the seed study): {@code n = }{@value #DEFAULT_NEIGHBOURS},
 * {@code alpha = 0} (AQE). Immutable.
 */
public final class AlphaQueryExpansion {

    /** Default number of top results used, {@code n = 10} (the seed study). */
    public static final int DEFAULT_NEIGHBOURS = 10;
    /** Default weighting exponent, 0: average query expansion. */
    public static final float DEFAULT_ALPHA = 0f;

    private final int neighbours;
    private final float alpha;

    /**
     * @param neighbours number {@code n >= 0} of top results to add to the query ({@code 0}
     *                   returns the normalised query)
     * @param alpha      weighting exponent, finite and {@code >= 0} ({@code 0} is AQE)
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public AlphaQueryExpansion(int neighbours, float alpha) {
        if (neighbours < 0) {
            throw new IllegalArgumentException("query expansion neighbours must be >= 0 but was [" + neighbours + "]");
        }
        requireValidAlpha(alpha);
        this.neighbours = neighbours;
        this.alpha = alpha;
    }

    /** AQE with the seed's {@code n = 10}. */
    public static AlphaQueryExpansion seedDefault() {
        return new AlphaQueryExpansion(DEFAULT_NEIGHBOURS, DEFAULT_ALPHA);
    }

    /** Average query expansion (alpha = 0) over the top {@code neighbours} results. */
    public static AlphaQueryExpansion averageQueryExpansion(int neighbours) {
        return new AlphaQueryExpansion(neighbours, 0f);
    }

    /** The number {@code n} of top results used. */
    public int neighbours() {
        return neighbours;
    }

    /** The weighting exponent {@code alpha}. */
    public float alpha() {
        return alpha;
    }

    /**
     * The weight of a neighbour with similarity {@code similarity}: {@code max(similarity, 0)^alpha},
     * which is 1 for {@code alpha = 0} whatever the similarity. Shared by alpha-QE and alpha-DBA
     * ({@link DatabaseAugmentation}).
     *
     * @throws IllegalArgumentException if {@code similarity} is not finite or {@code alpha} is
     *                                  negative or not finite
     */
    public static float weight(float similarity, float alpha) {
        requireValidAlpha(alpha);
        if (Float.isFinite(similarity) == false) {
            throw new IllegalArgumentException("similarity must be finite but was [" + similarity + "]");
        }
        if (alpha == 0) {
            return 1f;
        }
        // clamp first: a negative base with a fractional exponent would be NaN
        return (float) Math.pow(Math.max(similarity, 0f), alpha);
    }

    /**
     * Expands a query from its ranked results.
     *
     * @param query         the query vector (normally L2-normalised), finite; not modified
     * @param rankedVectors the result vectors in ranking order, same dimension as the query;
     *                      only the first {@code min(n, length)} are read (and validated)
     * @param rankedScores  their similarities to the query, same length as {@code rankedVectors}
     * @return a new vector {@code L2(q + sum_j w_j d_j)}; zero only if that sum is zero
     * @throws IllegalArgumentException on a length or dimension mismatch or a non-finite value
     */
    public float[] expand(float[] query, float[][] rankedVectors, float[] rankedScores) {
        requireQuery(query);
        if (rankedVectors == null || rankedScores == null) {
            throw new IllegalArgumentException("ranked vectors and scores must not be null");
        }
        if (rankedVectors.length != rankedScores.length) {
            throw new IllegalArgumentException(
                "[" + rankedVectors.length + "] ranked vectors but [" + rankedScores.length + "] scores");
        }
        float[] expanded = query.clone();
        int used = Math.min(neighbours, rankedVectors.length);
        for (int j = 0; j < used; j++) {
            float[] d = requireNeighbour(rankedVectors[j], query, "result at rank " + j);
            VectorMath.addScaled(expanded, weight(rankedScores[j], alpha), d);
        }
        return VectorMath.l2NormalizeInPlace(expanded);
    }

    /**
     * Expands a query from a ranking over {@code database}: the same as
     * {@link #expand(float[], float[][], float[])} with the vectors {@code database[ranking.id(j)]}.
     * To run AQE against database-side augmented vectors (definitions: DBA first, then AQE),
     * pass the augmented database.
     *
     * @throws IllegalArgumentException on an id outside the database, a dimension mismatch or a non-finite value
     */
    public float[] expand(float[] query, Neighbours ranking, float[][] database) {
        requireQuery(query);
        if (ranking == null || database == null) {
            throw new IllegalArgumentException("ranking and database must not be null");
        }
        float[] expanded = query.clone();
        int used = Math.min(neighbours, ranking.size());
        for (int j = 0; j < used; j++) {
            int id = ranking.id(j);
            if (id >= database.length) {
                throw new IllegalArgumentException("result id [" + id + "] at rank " + j + " is outside the database of size [" + database.length + "]");
            }
            float[] d = requireNeighbour(database[id], query, "database vector " + id);
            VectorMath.addScaled(expanded, weight(ranking.score(j), alpha), d);
        }
        return VectorMath.l2NormalizeInPlace(expanded);
    }

    private static void requireQuery(float[] query) {
        if (query == null) {
            throw new IllegalArgumentException("query vector is null");
        }
        VectorMath.requireFinite(query, "query");
    }

    private static float[] requireNeighbour(float[] d, float[] query, String what) {
        if (d == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        VectorMath.requireSameDimension(d, query, what, "query");
        VectorMath.requireFinite(d, what);
        return d;
    }

    static void requireValidAlpha(float alpha) {
        if ((alpha >= 0 && Float.isFinite(alpha)) == false) {
            throw new IllegalArgumentException("alpha must be finite and >= 0 but was [" + alpha + "]");
        }
    }

    @Override
    public String toString() {
        return "AlphaQueryExpansion[n=" + neighbours + ", alpha=" + alpha + "]";
    }
}
