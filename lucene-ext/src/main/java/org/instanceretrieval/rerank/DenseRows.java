package org.instanceretrieval.rerank;

/**
 * The window path's rows of {@link KReciprocal}: the full n x n matrix D computed from the vectors and each point's ranking
 * of K = min(n, max(k1 + 1, k2)) points. Immutable by convention (the arrays are not copied: package use only).
 */
record DenseRows(double[][] dist, int[][] rank) implements KReciprocalRows {

    @Override
    public int size() {
        return dist.length;
    }

    @Override
    public int[] ranking(int a) {
        return rank[a];
    }

    @Override
    public boolean ranksWithin(int b, int a, int m) {
        return ranksWithin(dist[b], rank[b], b, a, Math.min(m, rank[b].length));
    }

    @Override
    public double distance(int a, int b) {
        return dist[a][b];
    }

    /** Whether a is in N(b, m), in O(1): b itself, or not after the m-th of b's ranking in b's order (row value, then index). */
    static boolean ranksWithin(double[] row, int[] rankRow, int b, int a, int m) {
        if (a == b) {
            return true;
        }
        int last = rankRow[m - 1];
        return last != b && (row[a] < row[last] || (row[a] == row[last] && a <= last));
    }
}
