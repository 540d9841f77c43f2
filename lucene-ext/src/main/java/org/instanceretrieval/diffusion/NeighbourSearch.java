package org.instanceretrieval.diffusion;

/**
 * Exact k-nearest-neighbour search by inner product, the seam behind which the graph build and
 * the query step find neighbours (a blocked SIMD kernel may replace the brute-force one).
 *
 * <p>Contract for every implementation: similarity is the dot product; results are ordered by
 * similarity descending, then index ascending; exactly {@code min(k, candidates)} neighbours are
 * returned. Inputs are validated by the callers in this package.
 */
public interface NeighbourSearch {

    /**
     * The {@code k} database rows most similar to {@code query}.
     *
     * @param database row-major vectors, all of the query's dimension
     * @param query    the query vector
     * @param k        number of neighbours, {@code >= 1}; fewer are returned when the database is smaller
     */
    Neighbours nearest(float[][] database, float[] query, int k);

    /**
     * For every row {@code i} of {@code database}, its {@code k} most similar other rows (row
     * {@code i} itself excluded by index; exact duplicates at other indices are kept).
     *
     * @param k number of neighbours, {@code >= 1}; at most {@code n - 1} are returned
     * @return one {@link Neighbours} per row, in row order
     */
    Neighbours[] allNearest(float[][] database, int k);
}
