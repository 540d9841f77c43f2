package org.instanceretrieval.math;

/**
 * The two hot loops of exhaustive evaluation: inner products of a block of queries against a
 * collection, and counting how many items of a score row rank ahead of a given item.
 *
 * <p>Vectors are stored row-major and contiguously: vector {@code i} of dimension {@code d}
 * occupies {@code [i * d, (i + 1) * d)} of its array. Implementations are stateless and
 * thread-safe; obtain one from {@link ScoreKernels}. Apart from {@link #prepare}, the methods do
 * not validate their arguments
 * (callers on hot paths validate once, at their own boundary); out-of-range arguments give
 * an {@link IndexOutOfBoundsException} or unspecified results.
 *
 * <p>Ranking order (retrieval definitions, "Determinism"): score descending, then index
 * ascending. Scores compare numerically ({@code -0.0f == 0.0f}); scores must not be NaN.
 */
public interface ScoreKernel {

    /**
     * Brings a collection into this kernel's working layout (a copy; the kernel may pad or
     * interleave rows). Done once per collection, then shared by any number of
     * {@link #scoreBlock} calls on any number of threads.
     *
     * @param collection collection vectors, row-major, dimension {@code dim}: row {@code i} is
     *     {@code collection[i * dim .. (i + 1) * dim)}; at least {@code numRows * dim} long
     * @param numRows number of rows to take, at least 1
     * @param dim vector dimension, at least 1
     * @return the prepared collection, usable only with this kernel
     * @throws IllegalArgumentException if {@code numRows} or {@code dim} is not positive, the
     *     array is too short, or the prepared layout would exceed an array's capacity
     */
    Prepared prepare(float[] collection, int numRows, int dim);

    /**
     * Writes {@code out[q * numRows + r] = dot(query firstQuery + q, row r)} for
     * {@code q < numQueries} and every row {@code r} of the prepared collection. The result
     * agrees with {@code VectorUtil.dotProduct} up to float rounding (the summation order may
     * differ).
     *
     * @param queries    query vectors, row-major, of the collection's dimension
     * @param firstQuery index of the first query of the block
     * @param numQueries number of queries in the block
     * @param collection the output of {@link #prepare} of this kernel
     * @param out        receives {@code numQueries * collection.numRows()} scores, query-major
     * @throws IllegalArgumentException if {@code collection} was prepared by another kernel
     */
    void scoreBlock(float[] queries, int firstQuery, int numQueries, Prepared collection, float[] out);

    /**
     * {@link #scoreBlock} restricted to the collection rows from {@code firstRow} on: the
     * entries {@code out[m * numRows + r]} for {@code r >= firstRow} are written with exactly
     * the values {@link #scoreBlock} writes; entries of rows before {@code firstRow} may or may
     * not be. Lets a symmetric all-vs-all search score only the upper triangle. The default
     * scores every row.
     *
     * @param firstRow first collection row needed, {@code 0 <= firstRow}
     */
    default void scoreBlockFrom(float[] queries, int firstQuery, int numQueries, Prepared collection, float[] out, int firstRow) {
        scoreBlock(queries, firstQuery, numQueries, collection, out);
    }

    /**
     * For each {@code items[k]}, writes into {@code aheadOut[k]} the number of items ranked
     * ahead of it in the score row {@code scores[offset .. offset + length)}:
     * {@code #{i : s_i > s_p or (s_i == s_p and i < p)}} with {@code p = items[k]} an index
     * into the row ({@code 0 <= p < length}). Costs O(length * items.length / lanes).
     *
     * @param scores   array holding the score row
     * @param offset   start of the row in {@code scores}
     * @param length   row length (the collection size)
     * @param items    row indices to locate
     * @param aheadOut receives one count per item; at least {@code items.length} long
     */
    void countAhead(float[] scores, int offset, int length, int[] items, int[] aheadOut);

    /** A collection in a kernel's working layout; immutable and thread-safe. */
    interface Prepared {

        /** @return the number of collection rows */
        int numRows();

        /** @return the vector dimension */
        int dim();
    }
}
