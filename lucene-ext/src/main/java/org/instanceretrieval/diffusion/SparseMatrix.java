package org.instanceretrieval.diffusion;

import java.util.Arrays;

/**
 * An immutable square sparse matrix in compressed sparse row (CSR) form: {@code rowStart}
 * (n + 1 offsets), {@code columns} and {@code values} (one per stored entry), columns ascending
 * within each row. Used for the affinity matrix A and the normalised matrix S of
 * {@link AffinityGraph}, which share the same structure arrays. Every instance built by this
 * package is symmetric (the graph matrices and their principal sub-matrices), which
 * {@link ConjugateGradient} relies on.
 *
 * <p>Memory: 4 (n + 1) + 12 nnz bytes.
 */
public final class SparseMatrix {

    private final int[] rowStart;
    private final int[] columns;
    private final double[] values;

    /** Takes ownership of the arrays (package-internal: callers guarantee a valid CSR layout). */
    SparseMatrix(int[] rowStart, int[] columns, double[] values) {
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
    }

    /**
     * A symmetric matrix from CSR arrays built outside this package (e.g. the window of a
     * stored neighbour graph, {@code org.instanceretrieval.graph.StoredGraphDiffusion}); the
     * arrays are copied.
     *
     * @param rowStart n + 1 offsets, from 0, non-decreasing, ending at {@code columns.length}
     * @param columns  column of each entry, in [0, n), strictly ascending within a row
     * @param values   value of each entry, finite, aligned with {@code columns}
     * @throws IllegalArgumentException if the layout is invalid or the matrix is not exactly
     *     symmetric (entry (i, j) stored with the same value as (j, i))
     */
    public static SparseMatrix symmetric(int[] rowStart, int[] columns, double[] values) {
        if (rowStart == null || columns == null || values == null || rowStart.length < 1 || columns.length != values.length) {
            throw new IllegalArgumentException("sparse matrix needs n + 1 row offsets and one value per column index");
        }
        int n = rowStart.length - 1;
        if (rowStart[0] != 0 || rowStart[n] != columns.length) {
            throw new IllegalArgumentException("row offsets must run from 0 to [" + columns.length + "]");
        }
        SparseMatrix m = new SparseMatrix(rowStart.clone(), columns.clone(), values.clone());
        for (int i = 0; i < n; i++) {
            if (rowStart[i + 1] < rowStart[i]) {
                throw new IllegalArgumentException("row offsets decrease at row [" + i + "]");
            }
        }
        for (int i = 0; i < n; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                int j = columns[e];
                if (j < 0 || j >= n || (e > rowStart[i] && j <= columns[e - 1])) {
                    throw new IllegalArgumentException("row [" + i + "] column [" + j + "] is out of range [0, " + n
                        + ") or not strictly ascending");
                }
                if (Double.isFinite(values[e]) == false) {
                    throw new IllegalArgumentException("entry (" + i + ", " + j + ") is not finite: [" + values[e] + "]");
                }
            }
        }
        // symmetric iff the transpose, built row by row (so with ascending columns), has the same layout and values: O(n + nnz)
        int[] tStart = new int[n + 1];
        for (int e = 0; e < columns.length; e++) {
            tStart[columns[e] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            tStart[i + 1] += tStart[i];
        }
        int[] fill = Arrays.copyOf(tStart, n);
        int[] tColumns = new int[columns.length];
        double[] tValues = new double[columns.length];
        for (int i = 0; i < n; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                int at = fill[columns[e]]++;
                tColumns[at] = i;
                tValues[at] = values[e];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                int j = columns[e];
                if (tStart[i + 1] != rowStart[i + 1] || tStart[i] != rowStart[i] || tColumns[e] != j || tValues[e] != values[e]) {
                    int back = Arrays.binarySearch(columns, rowStart[j], rowStart[j + 1], i);
                    throw new IllegalArgumentException("matrix is not symmetric at (" + i + ", " + j + "): [" + values[e] + "] vs ["
                        + (back < 0 ? "absent" : values[back]) + "]");
                }
            }
            if (tStart[i + 1] != rowStart[i + 1]) {
                throw new IllegalArgumentException("matrix is not symmetric: row [" + i + "] has [" + (rowStart[i + 1] - rowStart[i])
                    + "] entries but column [" + i + "] has [" + (tStart[i + 1] - tStart[i]) + "]");
            }
        }
        return m;
    }

    /** Number of rows (= columns). */
    public int size() {
        return rowStart.length - 1;
    }

    /** Number of stored (non-zero) entries. */
    public int nonZeros() {
        return columns.length;
    }

    /** Number of stored entries in row {@code i}. */
    public int rowLength(int i) {
        return rowStart[i + 1] - rowStart[i];
    }

    /** Column indices of the stored entries of row {@code i}, ascending (a copy). */
    public int[] rowColumns(int i) {
        return Arrays.copyOfRange(columns, rowStart[i], rowStart[i + 1]);
    }

    /** Values of the stored entries of row {@code i}, aligned with {@link #rowColumns(int)} (a copy). */
    public double[] rowValues(int i) {
        return Arrays.copyOfRange(values, rowStart[i], rowStart[i + 1]);
    }

    /** Entry (i, j); 0 when not stored. */
    public double get(int i, int j) {
        int at = Arrays.binarySearch(columns, rowStart[i], rowStart[i + 1], j);
        return at >= 0 ? values[at] : 0d;
    }

    /** Sum of the stored values of row {@code i}. */
    public double rowSum(int i) {
        double sum = 0;
        for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
            sum += values[e];
        }
        return sum;
    }

    /**
     * {@code out = x - alpha * (this x)}: the operator (I - alpha S) of the diffusion system.
     * A loop over the CSR arrays is the algorithm itself (VectorUtil has no sparse product).
     */
    void applyShiftedOperator(double alpha, double[] x, double[] out) {
        int n = size();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int e = rowStart[i], end = rowStart[i + 1]; e < end; e++) {
                sum += values[e] * x[columns[e]];
            }
            out[i] = x[i] - alpha * sum;
        }
    }

    /** As {@link #applyShiftedOperator(double, double[], double[])} for the rows {@code rows[0..count)} only. */
    void applyShiftedOperator(double alpha, double[] x, double[] out, int[] rows, int count) {
        for (int r = 0; r < count; r++) {
            int i = rows[r];
            double sum = 0;
            for (int e = rowStart[i], end = rowStart[i + 1]; e < end; e++) {
                sum += values[e] * x[columns[e]];
            }
            out[i] = x[i] - alpha * sum;
        }
    }

    /**
     * Marks the not yet marked neighbours (columns of the rows) of {@code frontier[0..count)} in
     * {@code marked}, writes them to {@code added} and returns how many were added.
     */
    int markNeighbours(int[] frontier, int count, boolean[] marked, int[] added) {
        int addedCount = 0;
        for (int f = 0; f < count; f++) {
            int i = frontier[f];
            for (int e = rowStart[i], end = rowStart[i + 1]; e < end; e++) {
                int j = columns[e];
                if (marked[j] == false) {
                    marked[j] = true;
                    added[addedCount++] = j;
                }
            }
        }
        return addedCount;
    }

    /**
     * The principal sub-matrix on {@code ids}, without any re-normalisation: entry (s, t) of the
     * result is entry (ids[s], ids[t]) of this matrix. This is the late truncation of Yang et al.
     *
     * @param ids distinct row indices in {@code [0, size())}; their order defines the local order
     * @throws IllegalArgumentException if an index is out of range or repeated
     */
    public SparseMatrix restrictTo(int[] ids) {
        int[] localOf = new int[size()];
        Arrays.fill(localOf, -1);
        return restrictTo(ids, localOf);
    }

    /**
     * As {@link #restrictTo(int[])} with a caller-supplied scratch map of length {@code size()}
     * filled with -1; it is restored to all -1 before returning (so one scratch array serves many calls of one thread).
     */
    public SparseMatrix restrictTo(int[] ids, int[] localOf) {
        int n = size();
        try {
            for (int s = 0; s < ids.length; s++) {
                int id = ids[s];
                if (id < 0 || id >= n) {
                    throw new IllegalArgumentException("sub-matrix id [" + id + "] is out of range [0, " + n + ")");
                }
                if (localOf[id] >= 0) {
                    throw new IllegalArgumentException("sub-matrix id [" + id + "] is repeated");
                }
                localOf[id] = s;
            }
            int[] subStart = new int[ids.length + 1];
            for (int s = 0; s < ids.length; s++) {
                int kept = 0;
                for (int e = rowStart[ids[s]]; e < rowStart[ids[s] + 1]; e++) {
                    if (localOf[columns[e]] >= 0) {
                        kept++;
                    }
                }
                subStart[s + 1] = subStart[s] + kept;
            }
            int[] subColumns = new int[subStart[ids.length]];
            double[] subValues = new double[subColumns.length];
            long[] packed = new long[0];
            for (int s = 0; s < ids.length; s++) {
                int len = subStart[s + 1] - subStart[s];
                if (packed.length < len) {
                    packed = new long[Math.max(len, 2 * packed.length)];
                }
                int kept = 0;
                for (int e = rowStart[ids[s]]; e < rowStart[ids[s] + 1]; e++) {
                    int local = localOf[columns[e]];
                    if (local >= 0) {
                        // sort by local column; the source entry index rides along in the low bits
                        packed[kept++] = ((long) local << 32) | e;
                    }
                }
                Arrays.sort(packed, 0, kept);
                for (int t = 0; t < kept; t++) {
                    subColumns[subStart[s] + t] = (int) (packed[t] >>> 32);
                    subValues[subStart[s] + t] = values[(int) packed[t]];
                }
            }
            return new SparseMatrix(subStart, subColumns, subValues);
        } finally {
            for (int id : ids) {
                if (id >= 0 && id < n) {
                    localOf[id] = -1;
                }
            }
        }
    }
}
