package org.instanceretrieval.rerank;

import java.util.Arrays;

/**
 * The rows of {@link KReciprocal} on a window's stored neighbour lists ({@code graph: stored}): points p_0 = the query and
 * p_1..p_w = the window's items (item i is point i + 1), n = w + 1.
 * <ul>
 *   <li>Known pairs: the query knows every item, with s(q, j) the caller's query similarity; item i knows the query (the same
 *       s(q, i)) and the items its stored list names inside the window, with the similarity the list stores (s(i, j) need not
 *       equal s(j, i), and i may name j without j naming i). Every other pair is unknown.</li>
 *   <li>d = max(0, 2 - 2 s) for a known pair, d(a, a) = 0; each row is divided by its largest known entry (a row whose
 *       entries are all 0 stays 0), giving D(a, ·) in [0, 1] on a's known points.</li>
 *   <li>N(a, m): a first, then a's known points by D(a, ·) ascending, ties by lower index, at most m in all; shorter than m
 *       when a knows fewer than m - 1 points (an unknown point is never in N(a, ·)).</li>
 *   <li>In the encoding, a member b of R*(a) that a's row does not know weighs exp(-1), as if D(a, b) = 1, the row's
 *       largest.</li>
 * </ul>
 * When every list names the whole window the rows are the window path's ({@link DenseRows}) and so are the distances. Built in
 * O(n L) for lists of at most L entries plus O(n L K) for the rankings (K the ranking length kept); no vector products.
 * Immutable.
 */
final class StoredListRows implements KReciprocalRows {

    /** Row a's known points other than a, ascending. */
    private final int[][] index;
    /** D(a, ·) aligned with {@link #index}. */
    private final double[][] dist;
    /** N(a, keep) as far as a's row reaches. */
    private final int[][] rank;

    private StoredListRows(int[][] index, double[][] dist, int[][] rank) {
        this.index = index;
        this.dist = dist;
        this.rank = rank;
    }

    /**
     * @param keep the ranking length K kept per row (at least 1, at most n)
     * @throws IllegalArgumentException as {@link KReciprocal#distances(double[], int[][], float[][], Runnable)}
     */
    static StoredListRows of(double[] querySimilarities, int[][] neighbours, float[][] similarities, int keep, Runnable checkpoint) {
        int w = querySimilarities.length;
        if (neighbours.length != w || similarities.length != w) {
            throw new IllegalArgumentException("the window has [" + w + "] query similarities but [" + neighbours.length
                + "] neighbour lists and [" + similarities.length + "] similarity lists");
        }
        int n = w + 1;
        int[][] index = new int[n][];
        double[][] dist = new double[n][];
        int[][] rank = new int[n][];
        index[0] = new int[w];
        dist[0] = new double[w];
        double[] queryRow = new double[n];
        for (int j = 0; j < w; j++) {
            index[0][j] = j + 1;
            dist[0][j] = Math.max(0d, 2 - 2 * querySimilarities[j]);
            queryRow[j + 1] = dist[0][j];
        }
        normalise(dist[0]);
        int[] stamp = new int[n];
        long[] packed = new long[16];
        for (int i = 0; i < w; i++) {
            checkpoint.run();
            int[] list = neighbours[i];
            if (list.length != similarities[i].length) {
                throw new IllegalArgumentException("window item [" + i + "] names [" + list.length + "] neighbours but stores ["
                    + similarities[i].length + "] similarities");
            }
            int a = i + 1;
            stamp[a] = a;
            if (packed.length < list.length + 1) {
                packed = new long[list.length + 1];
            }
            for (int t = 0; t < list.length; t++) {
                int j = list[t];
                if (j < 0 || j >= w || j == i || stamp[j + 1] == a) {
                    throw new IllegalArgumentException("the list of window item [" + i + "] names position [" + j
                        + "], which is outside [0, " + w + "), the item itself or named twice");
                }
                stamp[j + 1] = a;
                packed[t + 1] = ((long) (j + 1) << 32) | t;
            }
            Arrays.sort(packed, 1, list.length + 1);
            int[] idx = new int[list.length + 1];
            double[] d = new double[list.length + 1];
            d[0] = queryRow[a]; // idx[0] = 0: the query, known to every item
            for (int t = 1; t <= list.length; t++) {
                idx[t] = (int) (packed[t] >>> 32);
                d[t] = Math.max(0d, 2 - 2 * (double) similarities[i][(int) packed[t]]);
            }
            normalise(d);
            index[a] = idx;
            dist[a] = d;
        }
        for (int a = 0; a < n; a++) {
            checkpoint.run();
            rank[a] = nearest(a, index[a], dist[a], Math.min(keep, index[a].length + 1));
        }
        return new StoredListRows(index, dist, rank);
    }

    private static void normalise(double[] row) {
        double max = 0;
        for (double d : row) {
            max = Math.max(max, d);
        }
        if (max > 0) {
            for (int t = 0; t < row.length; t++) {
                row[t] /= max;
            }
        }
    }

    /** a first, then the known points by D ascending, ties by lower index (they arrive ascending), m in all. */
    private static int[] nearest(int a, int[] idx, double[] d, int m) {
        int[] top = new int[m];
        double[] topD = new double[m];
        top[0] = a;
        int size = 1;
        for (int t = 0; t < idx.length && m > 1; t++) {
            if (size == m && d[t] >= topD[m - 1]) {
                continue;
            }
            int at = size == m ? m - 1 : size++;
            while (at > 1 && topD[at - 1] > d[t]) {
                top[at] = top[at - 1];
                topD[at] = topD[at - 1];
                at--;
            }
            top[at] = idx[t];
            topD[at] = d[t];
        }
        return top;
    }

    @Override
    public int size() {
        return index.length;
    }

    @Override
    public int[] ranking(int a) {
        return rank[a];
    }

    @Override
    public boolean ranksWithin(int b, int a, int m) {
        if (a == b) {
            return true;
        }
        int[] row = rank[b];
        for (int t = 1, end = Math.min(m, row.length); t < end; t++) {
            if (row[t] == a) {
                return true;
            }
        }
        return false;
    }

    @Override
    public double distance(int a, int b) {
        if (a == b) {
            return 0;
        }
        int at = Arrays.binarySearch(index[a], b);
        return at >= 0 ? dist[a][at] : 1;
    }
}
