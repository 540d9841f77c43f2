package org.instanceretrieval.es;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;

/**
 * Independent brute-force implementations of the retrieval definitions, for the expected side
 * of the integration tests. Nothing here calls lucene-ext: every formula is a plain loop over
 * float/double arrays on small dense data, written from the retrieval definitions (sections
 * "Determinism", "Query expansion", "Diffusion" and "Evaluation protocols"), so that a test
 * comparing the plugin with these methods checks the plugin's formulas rather than restating them.
 *
 * <p>Ranking rule everywhere: <b>score descending, then position (index) ascending</b>;
 * {@code -0.0} and {@code 0.0} tie.
 */
public final class BruteForce {

    private BruteForce() {}

    // ---- vectors ----

    /** s = sum_j a_j b_j, accumulated in double and rounded once to float. */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += (double) a[j] * b[j];
        }
        return (float) sum;
    }

    /** v / ||v||_2 (a new array; a zero vector is returned unchanged). */
    public static float[] l2(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = v.clone();
        if (norm > 0) {
            for (int j = 0; j < out.length; j++) {
                out[j] = (float) (v[j] / norm);
            }
        }
        return out;
    }

    /** v / ||v||_2 in place, returning v. */
    public static float[] l2InPlace(float[] v) {
        float[] n = l2(v);
        System.arraycopy(n, 0, v, 0, v.length);
        return v;
    }

    // ---- ranking ----

    /** Indices of {@code scores} by score descending, then index ascending (-0.0 ties 0.0). */
    public static int[] rank(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            double x = scores[a] + 0.0;
            double y = scores[b] + 0.0;
            return x > y ? -1 : x < y ? 1 : Integer.compare(a, b);
        });
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** {@link #rank(double[])} on float scores. */
    public static int[] rank(float[] scores) {
        double[] d = new double[scores.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = scores[i];
        }
        return rank(d);
    }

    /** s_i = dot(q, db_i) for every row. */
    public static float[] similarities(float[] q, float[][] db) {
        float[] s = new float[db.length];
        for (int i = 0; i < db.length; i++) {
            s[i] = dot(q, db[i]);
        }
        return s;
    }

    /**
     * The {@code k} rows of {@code db} with the highest dot product with {@code q} (fewer when the
     * database is smaller), by the ranking rule; row {@code exclude} is skipped (-1 for none).
     */
    public static int[] nearest(float[][] db, float[] q, int k, int exclude) {
        int[] all = rank(similarities(q, db));
        return Arrays.stream(all).filter(i -> i != exclude).limit(k).toArray();
    }

    // ---- query expansion ----

    /**
     * alpha-QE (AQE when alpha = 0): q' = L2(q + sum_j w_j d_j) over the given neighbours
     * {@code ids} (the query's top n), w_j = max(s_j, 0)^alpha with s_j = dot(q, d_j); alpha = 0
     * gives w_j = 1 for every neighbour (AQE, negative similarities included).
     */
    public static float[] alphaQe(float[] q, float[][] db, int[] ids, double alpha) {
        double[] sum = new double[q.length];
        for (int j = 0; j < q.length; j++) {
            sum[j] = q[j];
        }
        for (int id : ids) {
            double s = dot(q, db[id]);
            double w = alpha == 0 ? 1 : (s > 0 ? Math.pow(s, alpha) : 0);
            for (int j = 0; j < q.length; j++) {
                sum[j] += w * db[id][j];
            }
        }
        double norm = 0;
        for (double x : sum) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[q.length];
        for (int j = 0; j < q.length; j++) {
            out[j] = (float) (norm > 0 ? sum[j] / norm : sum[j]);
        }
        return out;
    }

    /**
     * alpha-DBA: d_i' = L2(sum over the {@code n} nearest of d_i, d_i itself included (it ranks
     * first as its own best match when the rows are unit), of w_j d_j), w_j = max(s_ij, 0)^alpha
     * (1 for alpha = 0).
     */
    public static float[][] alphaDba(float[][] db, int n, double alpha) {
        float[][] out = new float[db.length][];
        for (int i = 0; i < db.length; i++) {
            int[] ids = nearest(db, db[i], n, -1);
            double[] sum = new double[db[i].length];
            for (int id : ids) {
                double s = dot(db[i], db[id]);
                double w = alpha == 0 ? 1 : (s > 0 ? Math.pow(s, alpha) : 0);
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += w * db[id][j];
                }
            }
            double norm = 0;
            for (double x : sum) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            out[i] = new float[sum.length];
            for (int j = 0; j < sum.length; j++) {
                out[i][j] = (float) (norm > 0 ? sum[j] / norm : sum[j]);
            }
        }
        return out;
    }

    // ---- diffusion (Iscen et al.) ----

    /**
     * Dense mutual-kNN affinity: a_ij = max(s_ij, 0)^gamma when j is among the k nearest other
     * nodes of i (ranking rule, self excluded) and i among j's, else 0; zero diagonal.
     */
    public static double[][] affinity(float[][] nodes, int k, double gamma) {
        int n = nodes.length;
        boolean[][] near = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j : nearest(nodes, nodes[i], k, i)) {
                near[i][j] = true;
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && near[i][j] && near[j][i]) {
                    double s = dot(nodes[Math.min(i, j)], nodes[Math.max(i, j)]);
                    a[i][j] = s > 0 ? Math.pow(s, gamma) : 0;
                }
            }
        }
        return a;
    }

    /** S = D^-1/2 A D^-1/2, d_i = sum_j a_ij; a node without edges keeps a zero row. */
    public static double[][] normalize(double[][] a) {
        int n = a.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i] += a[i][j];
            }
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (a[i][j] != 0) {
                    s[i][j] = a[i][j] / Math.sqrt(d[i] * d[j]);
                }
            }
        }
        return s;
    }

    /**
     * Conjugate gradient on (I - alpha S) f = y as MATLAB's pcg (no preconditioner): from f = 0,
     * r = p = y; each step q = (I - alpha S) p, step = r.r / p.q, f += step p, r -= step q; stop
     * when ||r|| <= tol ||y||; after {@code maxIterations} steps without reaching it, return the
     * iterate of smallest ||r|| seen (the zero start included). y = 0 gives f = 0.
     */
    public static double[] conjugateGradient(double[][] s, double[] y, double alpha, double tolerance, int maxIterations) {
        int n = y.length;
        double normY = Math.sqrt(dotD(y, y));
        double[] x = new double[n];
        if (normY == 0) {
            return x;
        }
        double[] r = y.clone();
        double[] p = y.clone();
        double rho = dotD(r, r);
        double[] best = x.clone();
        double bestNorm = normY;
        for (int it = 1; it <= maxIterations; it++) {
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += s[i][j] * p[j];
                }
                q[i] = p[i] - alpha * sum;
            }
            double pq = dotD(p, q);
            if (pq <= 0) {
                break;
            }
            double step = rho / pq;
            for (int i = 0; i < n; i++) {
                x[i] += step * p[i];
                r[i] -= step * q[i];
            }
            double rr = dotD(r, r);
            double normR = Math.sqrt(rr);
            if (normR <= tolerance * normY) {
                return x;
            }
            if (normR < bestNorm) {
                bestNorm = normR;
                best = x.clone();
            }
            double beta = rr / rho;
            rho = rr;
            for (int i = 0; i < n; i++) {
                p[i] = r[i] + beta * p[i];
            }
        }
        return best;
    }

    /** y_j = max(s_j, 0)^gamma for the queryK nodes most similar to q (ranking rule), 0 elsewhere. */
    public static double[] queryVector(float[][] nodes, float[] q, int queryK, double gamma) {
        double[] y = new double[nodes.length];
        for (int j : nearest(nodes, q, queryK, -1)) {
            double s = dot(q, nodes[j]);
            y[j] = s > 0 ? Math.pow(s, gamma) : 0;
        }
        return y;
    }

    /**
     * Online diffusion over {@code nodes}: the mutual-kNN graph ({@link #affinity}), normalised
     * ({@link #normalize}), y from the queryK nearest ({@link #queryVector}), f by
     * {@link #conjugateGradient}. Returns f, one score per node.
     */
    public static double[] diffusion(float[][] nodes, float[] q, int k, double gamma, int queryK, double alpha, double tolerance,
                                     int maxIterations) {
        double[][] s = normalize(affinity(nodes, k, gamma));
        return conjugateGradient(s, queryVector(nodes, q, queryK, gamma), alpha, tolerance, maxIterations);
    }

    /**
     * Offline diffusion row of item i (Yang et al., late truncation): T_i = i followed by its
     * nTrunc - 1 nearest other items (ranking rule); solve (I - alpha S[T_i, T_i]) x = e_i with S
     * the full normalised graph (not re-normalised on T_i); the row maps item T_i[t] to x_t,
     * rounded to float as stored. Returns a dense row (0 outside T_i).
     */
    public static double[] offlineRow(float[][] nodes, double[][] s, int i, int nTrunc, double alpha, double tolerance,
                                      int maxIterations) {
        int n = nodes.length;
        int[] others = nearest(nodes, nodes[i], Math.min(nTrunc, n) - 1, i);
        int[] t = new int[others.length + 1];
        t[0] = i;
        System.arraycopy(others, 0, t, 1, others.length);
        double[][] sub = new double[t.length][t.length];
        for (int a = 0; a < t.length; a++) {
            for (int b = 0; b < t.length; b++) {
                sub[a][b] = s[t[a]][t[b]];
            }
        }
        double[] unit = new double[t.length];
        unit[0] = 1;
        double[] x = conjugateGradient(sub, unit, alpha, tolerance, maxIterations);
        double[] row = new double[n];
        for (int a = 0; a < t.length; a++) {
            row[t[a]] = (float) x[a];
        }
        return row;
    }

    /**
     * Online scores of offline diffusion: f = sum_t w_t row_{ids[t]} with the rows of
     * {@link #offlineRow} on the full graph of {@code nodes} (k, gamma).
     */
    public static double[] offlineScores(float[][] nodes, int k, double gamma, double alpha, int nTrunc, double tolerance,
                                         int maxIterations, int[] ids, double[] weights) {
        double[][] s = normalize(affinity(nodes, k, gamma));
        double[] f = new double[nodes.length];
        for (int t = 0; t < ids.length; t++) {
            double[] row = offlineRow(nodes, s, ids[t], nTrunc, alpha, tolerance, maxIterations);
            for (int j = 0; j < f.length; j++) {
                f[j] += weights[t] * row[j];
            }
        }
        return f;
    }

    // ---- whitening ----

    /** m = (1/n) sum_i x_i, in double. */
    public static double[] mean(float[][] x) {
        double[] m = new double[x[0].length];
        for (float[] row : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j];
            }
        }
        for (int j = 0; j < m.length; j++) {
            m[j] /= x.length;
        }
        return m;
    }

    /** C = Xc^T Xc / n with Xc = X - m (divided by n, not n - 1). */
    public static double[][] covariance(float[][] x) {
        double[] m = mean(x);
        int d = m.length;
        double[][] c = new double[d][d];
        for (float[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (row[a] - m[a]) * (row[b] - m[b]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                c[a][b] /= x.length;
            }
        }
        return c;
    }

    /**
     * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: returns
     * {eigenvalues (descending), V} with column t of V the unit eigenvector of eigenvalue t.
     */
    public static double[][][] symmetricEigen(double[][] matrix) {
        int d = matrix.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = matrix[i].clone();
        }
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < d; k++) { // A = J^T A J, columns then rows
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[][] values = new double[1][d];
        double[][] vectors = new double[d][d];
        for (int t = 0; t < d; t++) {
            values[0][t] = a[order[t]][order[t]];
            for (int k = 0; k < d; k++) {
                vectors[k][t] = v[k][order[t]];
            }
        }
        return new double[][][] { values, vectors };
    }

    /**
     * PCA whitening (cirtorch pcawhitenlearn, dirtorch power): P = diag(lambda_t^-p) v_t^T for the
     * {@code dimensions} largest eigenvalues of {@link #covariance} (descending), each eigenvector
     * signed so that its largest-magnitude component is positive (the project's convention; the
     * sign is otherwise free). Returns P, {@code dimensions} rows.
     */
    public static double[][] pcaProjection(float[][] x, double power, int dimensions) {
        double[][][] eigen = symmetricEigen(covariance(x));
        int n = eigen[1].length;
        double[][] p = new double[dimensions][n];
        for (int t = 0; t < dimensions; t++) {
            int largest = 0;
            for (int a = 1; a < n; a++) {
                if (Math.abs(eigen[1][a][t]) > Math.abs(eigen[1][largest][t])) {
                    largest = a;
                }
            }
            double sign = eigen[1][largest][t] < 0 ? -1 : 1;
            double w = Math.pow(eigen[0][0][t], -power);
            for (int a = 0; a < n; a++) {
                p[t][a] = sign * w * eigen[1][a][t];
            }
        }
        return p;
    }

    // ---- multi-vector ----

    /** MaxSim sum: S = sum over query vectors of the best dot product with any document vector. */
    public static double maxSimSum(float[][] query, float[][] document) {
        double total = 0;
        for (float[] q : query) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] d : document) {
                best = Math.max(best, dot(q, d));
            }
            total += best;
        }
        return total;
    }

    // ---- evaluation ----

    /**
     * AP of revisitop / Oxford compute_ap over a ranking (document keys, best first): junk is
     * skipped entirely; a positive at junk-free 0-based position r_j (j-th positive found, 0-based)
     * adds (P0 + P1) / 2 with P0 = 1 if r_j = 0 else j / r_j and P1 = (j + 1) / (r_j + 1); the sum
     * is divided by npos = |positives| (unretrieved positives add 0). npos = 0 gives NaN.
     */
    public static <T> double averagePrecision(Iterable<T> ranking, Set<T> positives, Set<T> junk) {
        int position = 0;
        int found = 0;
        double sum = 0;
        for (T doc : ranking) {
            if (junk.contains(doc)) {
                continue;
            }
            if (positives.contains(doc)) {
                double p0 = position == 0 ? 1.0 : (double) found / position;
                double p1 = (double) (found + 1) / (position + 1);
                sum += (p0 + p1) / 2;
                found++;
            }
            position++;
        }
        return positives.isEmpty() ? Double.NaN : sum / positives.size();
    }

    /**
     * revisitop mP@k of one query: 1-based junk-free positions; kq = min(position of the last
     * retrieved positive, k); P@k = #positives at positions <= kq / kq. NaN when there are no
     * positives (the query is excluded from the means); 0 when none was retrieved (a ranking cut
     * at a depth above every positive).
     */
    public static <T> double precisionAt(Iterable<T> ranking, Set<T> positives, Set<T> junk, int k) {
        int position = 0;
        int last = 0;
        java.util.List<Integer> hits = new java.util.ArrayList<>();
        for (T doc : ranking) {
            if (junk.contains(doc)) {
                continue;
            }
            position++;
            if (positives.contains(doc)) {
                hits.add(position);
                last = position;
            }
        }
        int kq = Math.min(last, k);
        if (positives.isEmpty()) {
            return Double.NaN;
        }
        if (kq == 0) {
            return 0;
        }
        int count = 0;
        for (int h : hits) {
            if (h <= kq) {
                count++;
            }
        }
        return (double) count / kq;
    }

    private static double dotD(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Comparator helper kept for callers that sort boxed indices by a double score (ranking rule). */
    public static Comparator<Integer> byScoreThenIndex(double[] scores) {
        return (a, b) -> {
            double x = scores[a] + 0.0;
            double y = scores[b] + 0.0;
            return x > y ? -1 : x < y ? 1 : Integer.compare(a, b);
        };
    }
}
