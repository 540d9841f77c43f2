package org.instanceretrieval.graph;

import org.instanceretrieval.diffusion.SparseMatrix;

import java.util.Arrays;

/**
 * The normalised affinity S of a whole {@link StoredGraph} for one (k, gamma), as the retrieval definitions give it
 * ("Diffusion"): a_ij = max(s, 0)^gamma when j is among i's first k stored neighbours and i among j's (mutual), with s the
 * larger of the two stored similarities (an exact build stores both equal), 0 otherwise and on the diagonal;
 * S = D^-1/2 A D^-1/2 with D the row sums of A over the whole graph (a document without edges keeps a zero row).
 *
 * <p>Memory ({@link #bytes}): S as CSR, {@code 4 (N + 1) + 12 E'} bytes for E' mutual edges (E' &lt;= N k), plus
 * {@link #transientBytes} while it is built. Stateless.
 */
public final class GraphAffinity {

    private GraphAffinity() {}

    /** Heap of S with {@code edges} stored entries over {@code n} documents. */
    public static long bytes(int n, long edges) {
        return 64L + 4L * (n + 1) + 12L * edges;
    }

    /** Upper bound of the heap building S holds besides the result: the sorted first-k rows and S's arrays before they are copied. */
    public static long transientBytes(int n, int k) {
        long firstK = (long) n * k;
        return 8L * firstK + bytes(n, firstK) + 16L * k;
    }

    /**
     * Builds S from the first {@code k} entries of each stored row.
     *
     * @throws IllegalArgumentException if k &lt; 1 or gamma is not finite and &gt; 0
     */
    public static SparseMatrix normalized(StoredGraph graph, int k, double gamma) {
        if (k < 1 || (gamma > 0 && Double.isFinite(gamma)) == false) {
            throw new IllegalArgumentException("graph affinity needs k >= 1 and a finite gamma > 0 but got k [" + k + "], gamma [" + gamma + "]");
        }
        int n = graph.size();
        // each row's first k entries, by neighbour ordinal ascending, with their similarity
        int[] firstStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            firstStart[i + 1] = firstStart[i] + Math.min(k, graph.rowLength(i));
        }
        int[] firstCols = new int[firstStart[n]];
        float[] firstSims = new float[firstStart[n]];
        long[] packed = new long[k];
        for (int i = 0; i < n; i++) {
            int m = firstStart[i + 1] - firstStart[i];
            for (int t = 0; t < m; t++) {
                packed[t] = ((long) graph.neighbour(i, t) << 32) | t;
            }
            Arrays.sort(packed, 0, m);
            for (int t = 0; t < m; t++) {
                int rank = (int) packed[t];
                firstCols[firstStart[i] + t] = (int) (packed[t] >>> 32);
                firstSims[firstStart[i] + t] = graph.similarity(i, rank);
            }
        }
        // A: mutual entries with a positive affinity, columns ascending
        int[] rowStart = new int[n + 1];
        for (int pass = 0; pass < 2; pass++) {
            int[] columns = pass == 0 ? null : new int[rowStart[n]];
            double[] values = pass == 0 ? null : new double[rowStart[n]];
            int used = 0;
            for (int i = 0; i < n; i++) {
                for (int e = firstStart[i]; e < firstStart[i + 1]; e++) {
                    int j = firstCols[e];
                    if (j == i) {
                        continue;
                    }
                    int back = Arrays.binarySearch(firstCols, firstStart[j], firstStart[j + 1], i);
                    if (back < 0) {
                        continue;
                    }
                    double s = Math.max(firstSims[e], firstSims[back]);
                    double a = s > 0 ? Math.pow(s, gamma) : 0;
                    if (a > 0) {
                        if (pass == 1) {
                            columns[used] = j;
                            values[used] = a;
                        }
                        used++;
                    }
                }
                if (pass == 0) {
                    rowStart[i + 1] = used;
                }
            }
            if (pass == 1) {
                return SparseMatrix.symmetric(rowStart, columns, normalize(rowStart, columns, values));
            }
        }
        throw new AssertionError("unreachable");
    }

    /** s_ij = a_ij / sqrt(d_i d_j), d the row sums (in column order); rows without edges stay empty. */
    private static double[] normalize(int[] rowStart, int[] columns, double[] a) {
        int n = rowStart.length - 1;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                sum += a[e];
            }
            d[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                a[e] = a[e] / Math.sqrt(d[i] * d[columns[e]]);
            }
        }
        return a;
    }
}
