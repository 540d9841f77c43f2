package org.instanceretrieval.es.rescore;

import java.util.Arrays;

/**
 * The final k-reciprocal distances of a query to a window, dense and literal after the authors' {@code re_ranking} (one query,
 * the window as gallery, original_dist = 2 - 2 cos divided by its column max and transposed, the point itself first in its
 * ranking, ties by index), for the ITs' expected values. Uses no class of the main code.
 */
final class KReciprocalBruteForce {

    private KReciprocalBruteForce() {}

    static double[] finalDistances(float[] query, float[][] window, int k1, int k2, double lambda) {
        int n = window.length + 1;
        float[][] p = new float[n][];
        p[0] = query;
        System.arraycopy(window, 0, p, 1, window.length);
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0, a = 0, b = 0;
                for (int t = 0; t < query.length; t++) {
                    dot += (double) p[i][t] * p[j][t];
                    a += (double) p[i][t] * p[i][t];
                    b += (double) p[j][t] * p[j][t];
                }
                double cos = a == 0 || b == 0 ? 0 : dot / Math.sqrt(a * b);
                d[i][j] = i == j ? 0 : Math.max(0, 2 - 2 * cos);
            }
        }
        double[][] od = new double[n][n]; // transpose(d / column max)
        for (int j = 0; j < n; j++) {
            double max = 0;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, d[i][j]);
            }
            for (int i = 0; i < n; i++) {
                od[j][i] = max == 0 ? 0 : d[i][j] / max;
            }
        }
        int[][] rank = new int[n][];
        for (int i = 0; i < n; i++) {
            int self = i;
            double[] row = od[i];
            rank[i] = java.util.stream.IntStream.range(0, n).boxed().sorted((x, y) -> x == self ? -1 : y == self ? 1
                : row[x] != row[y] ? Double.compare(row[x], row[y]) : Integer.compare(x, y)).mapToInt(Integer::intValue).toArray();
        }
        int half = (int) Math.rint(k1 / 2.0); // np.around: half to even
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            boolean[] r = reciprocal(rank, i, k1);
            boolean[] expanded = r.clone();
            int rSize = count(r);
            for (int c = 0; c < n; c++) {
                if (r[c]) {
                    boolean[] cr = reciprocal(rank, c, half);
                    int common = 0;
                    for (int x = 0; x < n; x++) {
                        common += cr[x] && r[x] ? 1 : 0;
                    }
                    if (common > 2. / 3 * count(cr)) {
                        for (int x = 0; x < n; x++) {
                            expanded[x] |= cr[x];
                        }
                    }
                }
            }
            assert rSize <= count(expanded);
            double sum = 0;
            for (int x = 0; x < n; x++) {
                sum += expanded[x] ? Math.exp(-od[i][x]) : 0;
            }
            for (int x = 0; x < n; x++) {
                v[i][x] = expanded[x] ? Math.exp(-od[i][x]) / sum : 0;
            }
        }
        int m = Math.min(k2, n);
        double[][] vqe = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < m; t++) {
                for (int x = 0; x < n; x++) {
                    vqe[i][x] += v[rank[i][t]][x] / m;
                }
            }
        }
        double[] out = new double[n - 1];
        for (int j = 1; j < n; j++) {
            double min = 0;
            for (int x = 0; x < n; x++) {
                min += Math.min(vqe[0][x], vqe[j][x]);
            }
            out[j - 1] = (1 - lambda) * (1 - min / (2 - min)) + lambda * od[0][j];
        }
        return out;
    }

    private static boolean[] reciprocal(int[][] rank, int i, int k) {
        int m = Math.min(k + 1, rank.length);
        boolean[] out = new boolean[rank.length];
        for (int f = 0; f < m; f++) {
            int b = rank[i][f];
            out[b] = Arrays.stream(rank[b], 0, m).anyMatch(x -> x == i);
        }
        return out;
    }

    private static int count(boolean[] set) {
        int c = 0;
        for (boolean b : set) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** Window indices by distance ascending, ties by index. */
    static int[] rank(double[] distances) {
        return java.util.stream.IntStream.range(0, distances.length).boxed()
            .sorted((x, y) -> distances[x] != distances[y] ? Double.compare(distances[x], distances[y]) : Integer.compare(x, y))
            .mapToInt(Integer::intValue).toArray();
    }
}
