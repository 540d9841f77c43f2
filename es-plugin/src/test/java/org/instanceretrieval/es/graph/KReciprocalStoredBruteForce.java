package org.instanceretrieval.es.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code k_reciprocal} rescorer's final distances on stored lists, from the definition of docs/api.md ("On the stored
 * graph"), written for the tests without the plugin's or lucene-ext's code: dense n x n matrices with unknown pairs as NaN, sets
 * as lists, J = 1 - Σ min / Σ max.
 */
final class KReciprocalStoredBruteForce {

    private KReciprocalStoredBruteForce() {}

    /**
     * @param window the window's ids in first-pass order
     * @param querySims s(q, i) per window item
     * @param lists every document's decoded stored list
     */
    static double[] finalDistances(String[] window, double[] querySims, Map<String, GraphTestData.List2> lists, int k1, int k2,
                                   double lambda) {
        int w = window.length;
        int n = w + 1;
        List<String> ids = Arrays.asList(window);
        double[][] d = new double[n][n];
        for (double[] row : d) {
            Arrays.fill(row, Double.NaN);
        }
        for (int a = 0; a < n; a++) {
            d[a][a] = 0;
        }
        for (int i = 0; i < w; i++) {
            d[0][i + 1] = Math.max(0, 2 - 2 * querySims[i]);
            d[i + 1][0] = d[0][i + 1];
            GraphTestData.List2 list = lists.get(window[i]);
            for (int t = 0; list != null && t < list.ids().size(); t++) {
                int j = ids.indexOf(list.ids().get(t));
                if (j >= 0) {
                    d[i + 1][j + 1] = Math.max(0, 2 - 2 * (double) list.sims().get(t));
                }
            }
        }
        for (double[] row : d) {
            double max = 0;
            for (double x : row) {
                max = Double.isNaN(x) ? max : Math.max(max, x);
            }
            for (int b = 0; b < n && max > 0; b++) {
                row[b] /= max;
            }
        }
        int h = (int) Math.rint(k1 / 2.0);
        double[][] v = new double[n][n];
        for (int a = 0; a < n; a++) {
            List<Integer> r = reciprocal(d, a, k1);
            Set<Integer> star = new HashSet<>(r);
            for (int c : r) {
                List<Integer> rc = reciprocal(d, c, h);
                if (rc.stream().filter(r::contains).count() > 2.0 / 3 * rc.size()) {
                    star.addAll(rc);
                }
            }
            double sum = 0;
            for (int b : star) {
                v[a][b] = Math.exp(-(Double.isNaN(d[a][b]) ? 1 : d[a][b]));
                sum += v[a][b];
            }
            for (int b = 0; b < n; b++) {
                v[a][b] /= sum;
            }
        }
        double[][] vq = new double[n][n];
        for (int a = 0; a < n; a++) {
            List<Integer> na = nearest(d, a, k2);
            for (int b : na) {
                for (int c = 0; c < n; c++) {
                    vq[a][c] += v[b][c] / na.size();
                }
            }
        }
        double[] out = new double[w];
        for (int j = 1; j < n; j++) {
            double min = 0;
            double max = 0;
            for (int c = 0; c < n; c++) {
                min += Math.min(vq[0][c], vq[j][c]);
                max += Math.max(vq[0][c], vq[j][c]);
            }
            out[j - 1] = (1 - lambda) * (1 - min / max) + lambda * d[0][j];
        }
        return out;
    }

    private static List<Integer> nearest(double[][] d, int a, int m) {
        List<Integer> others = new ArrayList<>();
        for (int b = 0; b < d.length; b++) {
            if (b != a && Double.isNaN(d[a][b]) == false) {
                others.add(b);
            }
        }
        others.sort(Comparator.<Integer>comparingDouble(b -> d[a][b]).thenComparingInt(b -> b));
        List<Integer> out = new ArrayList<>();
        out.add(a);
        out.addAll(others);
        return out.subList(0, Math.min(m, out.size()));
    }

    private static List<Integer> reciprocal(double[][] d, int a, int k) {
        List<Integer> out = new ArrayList<>();
        for (int b : nearest(d, a, k + 1)) {
            if (nearest(d, b, k + 1).contains(a)) {
                out.add(b);
            }
        }
        return out;
    }

    /** Window indices by distance ascending, ties by index. */
    static int[] rank(double[] dist) {
        Integer[] order = new Integer[dist.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingInt(i -> i));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
