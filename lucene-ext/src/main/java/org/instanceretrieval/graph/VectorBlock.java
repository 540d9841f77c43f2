package org.instanceretrieval.graph;

import java.util.Arrays;

/**
 * One block of a collection streamed through {@link BlockedKnnGraph} (for example one shard's
 * vectors, or 4,096 of them): row-major vectors of one dimension and, per row, the caller's
 * global ordinal, which identifies the document across blocks, decides exact ties (similarity
 * descending, then ordinal ascending) and excludes a row from its own list.
 *
 * <p>Contract, validated: at least one row; {@code dim >= 1}; {@code vectors.length ==
 * rows * dim}; every value finite; ordinals {@code >= 0} and distinct within the block
 * (distinctness across blocks is the caller's, checked by {@link BlockedKnnGraph#build}).
 * Memory: the arrays are copied, {@code 4 rows (dim + 1)} bytes. Immutable.
 */
public final class VectorBlock {

    private final float[] vectors;
    private final int dim;
    private final int[] ordinals;

    /**
     * @param vectors  row-major vectors, row r at {@code [r * dim, (r + 1) * dim)}; copied
     * @param dim      vector dimension, {@code >= 1}
     * @param ordinals global ordinal of each row; copied
     * @throws IllegalArgumentException if the contract above is broken
     */
    public VectorBlock(float[] vectors, int dim, int[] ordinals) {
        if (vectors == null || ordinals == null) {
            throw new IllegalArgumentException("block vectors and ordinals must not be null");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("block dimension must be >= 1 but was [" + dim + "]");
        }
        if (ordinals.length < 1) {
            throw new IllegalArgumentException("a vector block needs at least one row");
        }
        if ((long) ordinals.length * dim != vectors.length) {
            throw new IllegalArgumentException("block of [" + ordinals.length + "] rows of dimension [" + dim + "] needs ["
                + (long) ordinals.length * dim + "] values but has [" + vectors.length + "]");
        }
        for (int i = 0; i < vectors.length; i++) {
            if (Float.isFinite(vectors[i]) == false) {
                throw new IllegalArgumentException("block row [" + i / dim + "] (ordinal [" + ordinals[i / dim] + "]) has a non-finite value ["
                    + vectors[i] + "] at dimension " + i % dim);
            }
        }
        int[] sorted = ordinals.clone();
        Arrays.sort(sorted);
        if (sorted[0] < 0) {
            throw new IllegalArgumentException("block ordinal [" + sorted[0] + "] is negative");
        }
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("block ordinal [" + sorted[i] + "] occurs more than once");
            }
        }
        this.vectors = vectors.clone();
        this.dim = dim;
        this.ordinals = ordinals.clone();
    }

    /**
     * Rows given as arrays, with consecutive ordinals from {@code firstOrdinal}.
     *
     * @throws IllegalArgumentException if there are no rows, rows are ragged or empty, or the
     *     ordinals would overflow
     */
    public static VectorBlock ofRows(float[][] rows, int firstOrdinal) {
        if (rows == null || rows.length == 0 || rows[0] == null) {
            throw new IllegalArgumentException("a vector block needs at least one row");
        }
        if ((long) firstOrdinal + rows.length - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ordinals from [" + firstOrdinal + "] for [" + rows.length + "] rows exceed 2^31 - 1");
        }
        int dim = rows[0].length;
        float[] flat = new float[rows.length * dim];
        int[] ordinals = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != dim) {
                throw new IllegalArgumentException("block row [" + r + "] has dimension [" + (rows[r] == null ? "null" : rows[r].length)
                    + "] but row [0] has [" + dim + "]");
            }
            System.arraycopy(rows[r], 0, flat, r * dim, dim);
            ordinals[r] = firstOrdinal + r;
        }
        return new VectorBlock(flat, dim, ordinals);
    }

    /** Number of rows. */
    public int size() {
        return ordinals.length;
    }

    /** Vector dimension. */
    public int dim() {
        return dim;
    }

    /** Global ordinal of row {@code r}. */
    public int ordinal(int r) {
        return ordinals[r];
    }

    /** The ordinals (a copy). */
    public int[] ordinals() {
        return ordinals.clone();
    }

    /** The row-major vectors, not copied: package use only, never modified. */
    float[] vectorsView() {
        return vectors;
    }

    /** The ordinals, not copied: package use only, never modified. */
    int[] ordinalsView() {
        return ordinals;
    }
}
