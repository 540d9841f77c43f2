package org.instanceretrieval.es.graph;

import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.graph.NeighbourList;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Independent dense expectations for readers of a stored graph (test code only; none of the plugin's or lucene-ext's diffusion
 * classes): documents {@code "0"} .. {@code "n-1"} of a {@link StoredGraphFixture} over {@code vectors}. The mutual kNN
 * affinity takes j into i's neighbourhood when j is among the first k entries of i's stored list; a_ij = max(dot, 0)^gamma;
 * S, y and CG are {@link BruteForce}'s dense loops. Ranks are by score descending, then {@code _id} (String order).
 */
public final class StoredGraphBruteForce {

    private StoredGraphBruteForce() {}

    /** Dense normalised S of the first k entries of every stored list. */
    public static double[][] normalized(StoredGraphFixture graph, float[][] vectors, int k, double gamma) {
        int n = vectors.length;
        boolean[][] near = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            NeighbourList list = graph.list(i);
            for (int t = 0; t < Math.min(k, list.size()); t++) {
                near[i][Integer.parseInt(list.id(t))] = true;
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && near[i][j] && near[j][i]) {
                    double s = BruteForce.dot(vectors[Math.min(i, j)], vectors[Math.max(i, j)]);
                    a[i][j] = s > 0 ? Math.pow(s, gamma) : 0;
                }
            }
        }
        return BruteForce.normalize(a);
    }

    /** Document indices ordered by {@code f} descending, then {@code _id} ascending. */
    public static Integer[] rank(double[] f) {
        Integer[] order = new Integer[f.length];
        for (int i = 0; i < f.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -(f[i] + 0.0)).thenComparing(i -> Integer.toString(i)));
        return order;
    }

    /**
     * Document i's offline row: T = i followed by the first nTrunc - 1 entries of its stored list; (I - alpha S[T, T]) x = e_i by
     * dense CG on the whole graph's S; the row as a dense vector over all documents (x rounded to float, 0 outside T).
     */
    public static double[] offlineRow(StoredGraphFixture graph, double[][] s, int i, int nTrunc, double alpha, double tolerance,
                                      int maxIterations) {
        NeighbourList list = graph.list(i);
        int m = Math.min(nTrunc - 1, list.size());
        int[] t = new int[m + 1];
        t[0] = i;
        for (int e = 0; e < m; e++) {
            t[e + 1] = Integer.parseInt(list.id(e));
        }
        double[][] sub = new double[t.length][t.length];
        for (int a = 0; a < t.length; a++) {
            for (int b = 0; b < t.length; b++) {
                sub[a][b] = s[t[a]][t[b]];
            }
        }
        double[] unit = new double[t.length];
        unit[0] = 1;
        double[] x = BruteForce.conjugateGradient(sub, unit, alpha, tolerance, maxIterations);
        double[] row = new double[s.length];
        Arrays.fill(row, Double.NaN); // NaN marks "not in T"
        for (int a = 0; a < t.length; a++) {
            row[t[a]] = (float) x[a];
        }
        return row;
    }
}
