package org.instanceretrieval.diffusion;

import org.instanceretrieval.math.VectorMath;

/**
 * Builds the diffusion query vector y of the retrieval definitions: y_j = max(s_j, 0)^gamma for
 * the {@code kq} database items most similar to the query (ties by lower index), zero elsewhere.
 * The regional variant first sums each item's similarities over the query regions.
 * Defaults: kq = {@value #DEFAULT_KQ}, gamma = {@value #DEFAULT_GAMMA}. Immutable.
 */
public final class QueryWeighting {

    /** Default number of query neighbours. */
    public static final int DEFAULT_KQ = 10;
    /** Default weight exponent. */
    public static final double DEFAULT_GAMMA = 3;

    private final int kq;
    private final double gamma;

    /**
     * @param kq    query neighbours, {@code >= 1}
     * @param gamma weight exponent, finite and {@code > 0}
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public QueryWeighting(int kq, double gamma) {
        if (kq < 1) {
            throw new IllegalArgumentException("query parameter [kq] must be >= 1 but was [" + kq + "]");
        }
        GraphParameters.requirePositiveGamma(gamma, "query parameter [gamma]");
        this.kq = kq;
        this.gamma = gamma;
    }

    /** kq = 10, gamma = 3. */
    public static QueryWeighting defaults() {
        return new QueryWeighting(DEFAULT_KQ, DEFAULT_GAMMA);
    }

    /** Number of query neighbours. */
    public int kq() {
        return kq;
    }

    /** Weight exponent. */
    public double gamma() {
        return gamma;
    }

    /**
     * The kq nearest database items of {@code query} found with {@code search}.
     *
     * @throws IllegalArgumentException on a dimension mismatch or a non-finite query value
     */
    public Neighbours neighbours(float[][] database, float[] query, NeighbourSearch search) {
        VectorMath.requireFinite(query, "query vector");
        if (database.length > 0) {
            VectorMath.requireSameDimension(query, database[0], "query vector", "database vector [0]");
        }
        return search.nearest(database, query, kq);
    }

    /** The kq highest entries of a similarity row (one entry per database item). */
    public Neighbours neighbours(float[] similarities) {
        VectorMath.requireFinite(similarities, "similarity row");
        TopK top = new TopK(Math.min(kq, similarities.length));
        for (int j = 0; j < similarities.length; j++) {
            top.offer(j, similarities[j]);
        }
        return top.drain();
    }

    /** The weights max(s_t, 0)^gamma of the given neighbours, in their order (negative similarity gives 0). */
    public double[] weights(Neighbours neighbours) {
        double[] w = new double[neighbours.size()];
        for (int t = 0; t < w.length; t++) {
            w[t] = GraphParameters.affinity(neighbours.score(t), gamma);
        }
        return w;
    }

    /** Dense y of length {@code n} from the given neighbours. */
    public double[] queryVector(Neighbours neighbours, int n) {
        double[] y = new double[n];
        double[] w = weights(neighbours);
        for (int t = 0; t < w.length; t++) {
            int id = neighbours.id(t);
            if (id < 0 || id >= n) {
                throw new IllegalArgumentException("query neighbour id [" + id + "] is out of range [0, " + n + ")");
            }
            y[id] = w[t];
        }
        return y;
    }

    /** y for a query vector against {@code database} (n = database.length). */
    public double[] queryVector(float[][] database, float[] query, NeighbourSearch search) {
        return queryVector(neighbours(database, query, search), database.length);
    }

    /** y from one similarity row (n = similarities.length). */
    public double[] queryVector(float[] similarities) {
        return queryVector(neighbours(similarities), similarities.length);
    }

    /**
     * Regional query: sums each item's similarity over the query regions (row r = the
     * similarities of region r to every database item), then builds y from the summed row.
     *
     * @throws IllegalArgumentException if there are no regions or the rows differ in length
     */
    public double[] regionalQueryVector(float[][] regionSimilarities) {
        return queryVector(sumRegions(regionSimilarities));
    }

    /** Element-wise sum over regions, accumulated in double and rounded once. */
    static float[] sumRegions(float[][] regionSimilarities) {
        if (regionSimilarities.length == 0) {
            throw new IllegalArgumentException("regional query has no region similarity rows");
        }
        int n = regionSimilarities[0].length;
        double[] sum = new double[n];
        for (int r = 0; r < regionSimilarities.length; r++) {
            float[] row = regionSimilarities[r];
            VectorMath.requireSameDimension(row, regionSimilarities[0], "region similarity row [" + r + "]", "region similarity row [0]");
            VectorMath.requireFinite(row, "region similarity row [" + r + "]");
            for (int j = 0; j < n; j++) {
                sum[j] += row[j];
            }
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) sum[j];
        }
        return out;
    }

    @Override
    public String toString() {
        return "QueryWeighting[kq=" + kq + ", gamma=" + gamma + "]";
    }
}
