package org.instanceretrieval.expansion;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/** A deliberately simple double-precision reference for the expansion tests, written from the definitions. */
final class ExpansionReference {

    private ExpansionReference() {}

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    static double weight(double s, double alpha) {
        return alpha == 0 ? 1 : Math.pow(Math.max(s, 0), alpha);
    }

    static float[] l2(double[] v) {
        double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = norm == 0 ? 0 : (float) (v[j] / norm);
        }
        return out;
    }

    /** All database ids sorted by similarity to {@code query} descending, then id ascending (a full sort). */
    static Integer[] ranking(float[][] database, float[] query) {
        Integer[] ids = new Integer[database.length];
        double[] s = new double[database.length];
        for (int i = 0; i < database.length; i++) {
            ids[i] = i;
            s[i] = dot(query, database[i]);
        }
        Arrays.sort(ids, Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
        return ids;
    }

    /** L2(q + sum_{j < n} w_j d_j) over the top n of the exact ranking. */
    static float[] alphaQe(float[] q, float[][] database, int n, double alpha) {
        Integer[] rank = ranking(database, q);
        double[] sum = new double[q.length];
        for (int j = 0; j < q.length; j++) {
            sum[j] = q[j];
        }
        for (int r = 0; r < Math.min(n, rank.length); r++) {
            double w = weight(dot(q, database[rank[r]]), alpha);
            for (int j = 0; j < q.length; j++) {
                sum[j] += w * database[rank[r]][j];
            }
        }
        return l2(sum);
    }

    /** alpha-DBA (self among the top n) or PyRetri (self removed, k others, self added once). */
    static float[][] dba(float[][] database, int n, double alpha, boolean pyRetri) {
        float[][] out = new float[database.length][];
        for (int i = 0; i < database.length; i++) {
            Integer[] rank = ranking(database, database[i]);
            double[] sum = new double[database[i].length];
            if (pyRetri) {
                for (int j = 0; j < sum.length; j++) {
                    sum[j] = database[i][j];
                }
            }
            int used = 0;
            for (int r = 0; r < rank.length && used < n; r++) {
                if (pyRetri && rank[r] == i) {
                    continue;
                }
                double w = weight(dot(database[i], database[rank[r]]), alpha);
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += w * database[rank[r]][j];
                }
                used++;
            }
            out[i] = l2(sum);
        }
        return out;
    }

    static float[][] randomUnitVectors(Random random, int n, int d) {
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = random.nextGaussian();
            }
            x[i] = l2(v);
        }
        return x;
    }
}
