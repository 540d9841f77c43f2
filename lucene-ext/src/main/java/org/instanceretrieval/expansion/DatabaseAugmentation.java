package org.instanceretrieval.expansion;

import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.neighbours.NeighbourSearch;
import org.instanceretrieval.neighbours.Neighbours;

/**
 * Database-side augmentation: alpha-DBA and PyRetri's DBA (definitions, "Query expansion and
 * database-side augmentation"). Every database vector {@code x_i} is replaced by a normalised
 * weighted sum of its nearest neighbours, with the weights of alpha-QE
 * ({@link AlphaQueryExpansion#weight}, {@code max(s, 0)^alpha}, 1 when {@code alpha = 0}).
 * Applied to the database first; query expansion then runs against the augmented vectors.
 *
 * <p>The sums always use the <em>original</em> vectors, never partially augmented ones, so the
 * result does not depend on the order in which items are processed. The neighbour search is
 * separate: {@link #augment} takes precomputed neighbour lists (from any search, in ranking
 * order), {@link #augmentWithExactNeighbours} computes them exhaustively
 * ({@link ExactNeighbourSearch}, the item itself a candidate).
 *
 * <p>Two named treatments of the item itself ({@link SelfTerm}):
 * <ul>
 *   <li>{@link SelfTerm#AMONG_NEIGHBOURS} (alpha-DBA, the default): {@code x_i <- L2(sum_{j in
 *       top n'} w_j d_j)} over the first {@code n'} entries of the item's ranked list, the item
 *       itself included as ranked (with exact search on L2-normalised vectors it is first, with
 *       similarity 1 and weight 1). Default {@code n' = }{@value #DEFAULT_NEIGHBOURS} (seed).</li>
 *   <li>{@link SelfTerm#EXCLUDED_THEN_ADDED} (PyRetri's {@code DBA}, {@link #pyRetri()}):
 *       {@code x_i <- L2(x_i + sum_{j in top k, j != i} w_j d_j)}: the item's own entry is
 *       removed from its list, the next {@code k} neighbours are summed and the item's vector is
 *       added with weight 1; unweighted ({@code alpha = 0}) with
 *       {@code k = }{@value #PYRETRI_NEIGHBOURS} in PyRetri. PyRetri drops the first-ranked
 *       entry rather than the entry with the item's id; the two differ only when an exact
 *       duplicate outranks the item, and removing by id is the deterministic choice.</li>
 * </ul>
 * A sum that is exactly zero stays the zero vector (never NaN). Immutable.
 */
public final class DatabaseAugmentation {

    /** How an item's own vector enters its augmented vector. */
    public enum SelfTerm {
        /** alpha-DBA: the item is one of its own top {@code n'} neighbours, weighted like the others. */
        AMONG_NEIGHBOURS,
        /** PyRetri: the item is removed from its neighbours, and its own vector added with weight 1. */
        EXCLUDED_THEN_ADDED
    }

    /** Default {@code n' = 20} neighbours, the item itself included (the seed study). */
    public static final int DEFAULT_NEIGHBOURS = 20;
    /** PyRetri's default {@code k = 10} neighbours besides the item itself. */
    public static final int PYRETRI_NEIGHBOURS = 10;

    private final int neighbours;
    private final float alpha;
    private final SelfTerm selfTerm;

    /**
     * @param neighbours number of neighbours summed: {@code n' >= 1} with
     *                   {@link SelfTerm#AMONG_NEIGHBOURS}, {@code k >= 0} with
     *                   {@link SelfTerm#EXCLUDED_THEN_ADDED}
     * @param alpha      weighting exponent, finite and {@code >= 0} (0: unweighted)
     * @param selfTerm   treatment of the item itself
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public DatabaseAugmentation(int neighbours, float alpha, SelfTerm selfTerm) {
        if (selfTerm == null) {
            throw new IllegalArgumentException("self term must not be null");
        }
        int minimum = selfTerm == SelfTerm.AMONG_NEIGHBOURS ? 1 : 0;
        if (neighbours < minimum) {
            throw new IllegalArgumentException(
                "database augmentation neighbours must be >= " + minimum + " with " + selfTerm + " but was [" + neighbours + "]");
        }
        AlphaQueryExpansion.requireValidAlpha(alpha);
        this.neighbours = neighbours;
        this.alpha = alpha;
        this.selfTerm = selfTerm;
    }

    /** alpha-DBA as in the seed: {@code n' = 20}, {@code alpha = 0}, the item among its neighbours. */
    public static DatabaseAugmentation seedDefault() {
        return alphaDba(DEFAULT_NEIGHBOURS, 0f);
    }

    /** alpha-DBA over the top {@code neighbours} (item included) with exponent {@code alpha}. */
    public static DatabaseAugmentation alphaDba(int neighbours, float alpha) {
        return new DatabaseAugmentation(neighbours, alpha, SelfTerm.AMONG_NEIGHBOURS);
    }

    /** PyRetri's DBA defaults: unweighted, {@code k = 10}, the item excluded from its neighbours and added once. */
    public static DatabaseAugmentation pyRetri() {
        return new DatabaseAugmentation(PYRETRI_NEIGHBOURS, 0f, SelfTerm.EXCLUDED_THEN_ADDED);
    }

    /** Number of neighbours summed ({@code n'} or {@code k}). */
    public int neighbours() {
        return neighbours;
    }

    /** The weighting exponent. */
    public float alpha() {
        return alpha;
    }

    /** Treatment of the item itself. */
    public SelfTerm selfTerm() {
        return selfTerm;
    }

    /**
     * Augments every database vector from precomputed neighbour lists.
     *
     * @param database   the original vectors, one dimension, finite; not modified
     * @param neighbours {@code neighbours[i]} = ranked neighbours of item {@code i} (ids into
     *                   {@code database}, scores = similarity to {@code database[i]}); only the
     *                   leading entries needed are read. With {@link SelfTerm#AMONG_NEIGHBOURS}
     *                   the list is used as given (it should contain the item itself, as exact
     *                   search does) and must not be empty.
     * @return new augmented vectors, in database order
     * @throws IllegalArgumentException on a count mismatch, an id outside the database, an
     *                                  empty list with {@link SelfTerm#AMONG_NEIGHBOURS}, a
     *                                  ragged database or a non-finite value
     */
    public float[][] augment(float[][] database, Neighbours[] neighbours) {
        VectorMath.requireFiniteRows(database, "database vector");
        if (neighbours == null || neighbours.length != database.length) {
            throw new IllegalArgumentException(
                "need one neighbour list per database vector: [" + database.length + "] vectors but ["
                    + (neighbours == null ? 0 : neighbours.length) + "] lists");
        }
        float[][] augmented = new float[database.length][];
        for (int i = 0; i < database.length; i++) {
            augmented[i] = augmentOne(database, i, neighbours[i]);
        }
        return augmented;
    }

    /**
     * Augments every database vector using exact neighbours by dot product
     * ({@link ExactNeighbourSearch#defaults()} with {@link NeighbourSearch.Self#INCLUDED}, ties
     * by id ascending): the top {@code n'} for
     * {@link SelfTerm#AMONG_NEIGHBOURS}, the top {@code k + 1} (of which the item itself is
     * dropped) for {@link SelfTerm#EXCLUDED_THEN_ADDED}. {@code O(N^2 d)}.
     *
     * @param database the original vectors, normally L2-normalised; not modified
     * @return new augmented vectors, in database order
     */
    public float[][] augmentWithExactNeighbours(float[][] database) {
        return augmentWithExactNeighbours(database, ExactNeighbourSearch.defaults());
    }

    /**
     * {@link #augmentWithExactNeighbours(float[][])} with a given exact search, e.g. one on
     * dedicated threads instead of the common fork-join pool (a server must not put long work
     * on the JVM-wide pool). The result does not depend on the search's thread count.
     *
     * @param database the original vectors, normally L2-normalised; not modified
     * @param search   an exact search by dot product (ties by id ascending), e.g. {@link ExactNeighbourSearch}
     * @return new augmented vectors, in database order
     */
    public float[][] augmentWithExactNeighbours(float[][] database, NeighbourSearch search) {
        int k = selfTerm == SelfTerm.AMONG_NEIGHBOURS ? neighbours : neighbours + 1;
        return augment(database, search.allNearest(database, k, NeighbourSearch.Self.INCLUDED));
    }

    private float[] augmentOne(float[][] database, int item, Neighbours list) {
        if (list == null) {
            throw new IllegalArgumentException("neighbour list of database vector " + item + " is null");
        }
        float[] sum = new float[database[item].length];
        if (selfTerm == SelfTerm.EXCLUDED_THEN_ADDED) {
            VectorMath.addScaled(sum, 1f, database[item]);
        } else if (list.size() == 0) {
            throw new IllegalArgumentException(
                "neighbour list of database vector " + item + " is empty: alpha-DBA sums over the item's ranked neighbours");
        }
        int used = 0;
        for (int r = 0; r < list.size() && used < neighbours; r++) {
            int id = list.id(r);
            if (id >= database.length) {
                throw new IllegalArgumentException(
                    "neighbour id [" + id + "] of database vector " + item + " is outside the database of size [" + database.length + "]");
            }
            if (selfTerm == SelfTerm.EXCLUDED_THEN_ADDED && id == item) {
                continue;
            }
            VectorMath.addScaled(sum, AlphaQueryExpansion.weight(list.score(r), alpha), database[id]);
            used++;
        }
        return VectorMath.l2NormalizeInPlace(sum);
    }

    @Override
    public String toString() {
        return "DatabaseAugmentation[neighbours=" + neighbours + ", alpha=" + alpha + ", self=" + selfTerm + "]";
    }
}
