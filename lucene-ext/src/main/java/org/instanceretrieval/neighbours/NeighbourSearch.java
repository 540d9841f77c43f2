package org.instanceretrieval.neighbours;

/**
 * Exact or approximate k-nearest-neighbour search by inner product (the similarity of
 * L2-normalised descriptors), the seam behind which query expansion, database-side
 * augmentation and diffusion find neighbours.
 *
 * <p>Like {@link org.instanceretrieval.math.ScoreKernel}, a search first {@link #prepare}s a
 * database (copied into the search's working layout, once), then answers any number of
 * queries on it. The two default methods prepare and search in one call, for one-off use.
 *
 * <p>Contract for every implementation: similarity is the dot product; results are
 * {@link Neighbours} in ranking order (similarity descending, then index ascending); exactly
 * {@code min(k, candidates)} neighbours are returned; inputs are validated with
 * {@link IllegalArgumentException} (ragged or non-finite vectors, dimension mismatch,
 * {@code k < 0}).
 */
public interface NeighbourSearch {

    /** Whether a database row is a candidate neighbour of itself in {@link Prepared#allNearest}. */
    enum Self {
        /**
         * Row i is a candidate like any other (alpha-DBA: "its top n' neighbours, itself
         * included"); for L2-normalised vectors it is normally first, unless an exact duplicate
         * with a lower index ties with it.
         */
        INCLUDED,
        /**
         * Row i is excluded by index (the diffusion graph: "k nearest neighbours", zero
         * diagonal); exact duplicates at other indices are kept.
         */
        EXCLUDED
    }

    /**
     * Brings a database into this search's working layout; later changes to the arrays are
     * not seen.
     *
     * @param database row-major vectors of one dimension, finite; may be empty
     * @return the prepared database, immutable and thread-safe
     * @throws IllegalArgumentException if the database is null, ragged or not finite
     */
    Prepared prepare(float[][] database);

    /**
     * One-off {@link Prepared#nearest}: prepares {@code database} and searches once.
     *
     * @param database row-major vectors of one dimension, finite
     * @param query the query vector, of the database's dimension, finite
     * @param k number of neighbours, {@code >= 0}
     * @return the {@code min(k, database.length)} most similar rows
     * @throws IllegalArgumentException on invalid input (see the class notes)
     */
    default Neighbours nearest(float[][] database, float[] query, int k) {
        return prepare(database).nearest(query, k);
    }

    /**
     * One-off {@link Prepared#allNearest}: prepares {@code database} and searches every row.
     *
     * @param database row-major vectors of one dimension, finite
     * @param k number of neighbours per row, {@code >= 0}
     * @param self whether a row is its own candidate
     * @return one list per row, in row order
     * @throws IllegalArgumentException on invalid input (see the class notes)
     */
    default Neighbours[] allNearest(float[][] database, int k, Self self) {
        return prepare(database).allNearest(k, self);
    }

    /** A database prepared by a {@link NeighbourSearch}; immutable and thread-safe. */
    interface Prepared {

        /** @return the number of database rows */
        int size();

        /**
         * The {@code k} database rows most similar to {@code query}.
         *
         * @param query the query vector, of the database's dimension, finite
         * @param k number of neighbours, {@code >= 0}
         * @return the {@code min(k, size())} most similar rows, in ranking order
         * @throws IllegalArgumentException on a null, non-finite or wrongly sized query, or
         *     {@code k < 0}
         */
        Neighbours nearest(float[] query, int k);

        /**
         * For every row {@code i} of the database, its {@code k} most similar rows.
         *
         * @param k number of neighbours per row, {@code >= 0}; at most {@code size()} (self
         *     included) or {@code size() - 1} (self excluded) are returned
         * @param self whether row {@code i} is a candidate for itself
         * @return one {@link Neighbours} per row, in row order
         * @throws IllegalArgumentException if {@code k < 0} or {@code self} is null
         */
        Neighbours[] allNearest(int k, Self self);
    }
}
