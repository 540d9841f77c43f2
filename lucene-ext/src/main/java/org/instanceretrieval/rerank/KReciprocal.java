package org.instanceretrieval.rerank;

import org.instanceretrieval.math.DoubleDots;

import java.util.Arrays;

/**
 * k-reciprocal re-ranking of one query's window (Zhong et al., CVPR 2017), as the authors' {@code re_ranking} code computes
 * it for one query, the window being the gallery. The points are p_0 = the query and p_1..p_w = the window's items; n = w + 1.
 * <ol>
 *   <li>Original distance: x̂ = x / ||x|| (a zero vector stays zero), d(a, b) = max(0, 2 - 2 x̂_a · x̂_b) (the squared Euclidean
 *       distance of unit vectors), d(a, a) = 0; each row is divided by its largest entry (the reference's division by the column
 *       max, transposed; a row of zeros stays zero): D(a, b) = d(a, b) / max_c d(a, c).</li>
 *   <li>Ranking N(a, m): the first m points of a's row (m capped at n): a itself first, then by D(a, ·) ascending, ties by
 *       lower index.</li>
 *   <li>k-reciprocal set R(a, k) = { b in N(a, k + 1) : a in N(b, k + 1) }.</li>
 *   <li>Expansion: R*(a) = R(a, k1) united with every R(c, h), c in R(a, k1), for which |R(c, h) ∩ R(a, k1)| &gt; 2/3 |R(c, h)|;
 *       h = k1 / 2 rounded half to even, as numpy's {@code around} (k1 20 gives 10, k1 5 gives 2).</li>
 *   <li>Encoding: V(a, b) = exp(-D(a, b)) / sum_{c in R*(a)} exp(-D(a, c)) for b in R*(a), else 0.</li>
 *   <li>Local query expansion: V'(a) = the mean of V(b) over b in N(a, k2).</li>
 *   <li>Jaccard distance: J(a, b) = 1 - m / (2 - m), m = sum_c min(V'(a, c), V'(b, c)) (each V' row sums to 1, so this is
 *       1 - sum min / sum max).</li>
 *   <li>Final distance of window item j: (1 - lambda) J(p_0, p_j) + lambda D(p_0, p_j).</li>
 * </ol>
 * {@link #distances(double[], int[][], float[][], Runnable)} runs steps 3 to 8 on rows built from stored neighbour lists
 * instead of vectors (steps 1 and 2 as {@code StoredListRows} defines them).
 * Cost O(n^2 dims) for the distances, O(n^2 K) for the rankings (K = max(k1 + 1, k2)), O(n k1 h) for the sets and
 * O(n k2 |R*|) for the Jaccard distances; memory {@link #estimatedBytes}. Immutable and thread-safe.
 */
public final class KReciprocal {

    public static final int DEFAULT_K1 = 20;
    public static final int DEFAULT_K2 = 6;
    public static final double DEFAULT_LAMBDA = 0.3;
    /** Largest k1 and k2 accepted (the largest window a search may re-rank). */
    public static final int MAX_K = 10_000;

    private final int k1;
    private final int k2;
    private final double lambda;

    /** @throws IllegalArgumentException as {@link #check} */
    public KReciprocal(int k1, int k2, double lambda) {
        check(k1, k2, lambda);
        this.k1 = k1;
        this.k2 = k2;
        this.lambda = lambda;
    }

    /** The paper's defaults: k1 20, k2 6, lambda 0.3. */
    public static KReciprocal defaults() {
        return new KReciprocal(DEFAULT_K1, DEFAULT_K2, DEFAULT_LAMBDA);
    }

    /**
     * The rules of the parameters, one message per rule naming the parameter, its value and the rule.
     *
     * @throws IllegalArgumentException if k1 or k2 is not in [1, {@value #MAX_K}] or lambda is not in [0, 1]
     */
    public static void check(int k1, int k2, double lambda) {
        if (k1 < 1 || k1 > MAX_K) {
            throw new IllegalArgumentException("[k1] must be in [1, " + MAX_K + "] but was [" + k1 + "]");
        }
        if (k2 < 1 || k2 > MAX_K) {
            throw new IllegalArgumentException("[k2] must be in [1, " + MAX_K + "] but was [" + k2 + "]");
        }
        if ((lambda >= 0 && lambda <= 1) == false) {
            throw new IllegalArgumentException("[lambda] must be in [0, 1] but was [" + lambda + "]");
        }
    }

    public int k1() {
        return k1;
    }

    public int k2() {
        return k2;
    }

    public double lambda() {
        return lambda;
    }

    /** h, the k of the expansion's sets: k1 / 2 rounded half to even. */
    public int halfK1() {
        return (int) Math.rint(k1 / 2.0);
    }

    /**
     * Upper estimate of the heap a re-ranking of a window of {@code w} items of {@code dims} dimensions holds, n = w + 1: the
     * window's float vectors as read by the caller (4 n dims), the n x n distance matrix (8 n^2), the unit vectors in double
     * (8 n dims), the rankings and the sets R(·, h) (4 n (K + h + 1), K = max(k1 + 1, k2)), the encodings V (12 bytes per
     * entry, at most min(n, (k1 + 1)(h + 2)) per row), and per point about 192 bytes of scratch rows, results, the final
     * sort and array headers.
     */
    public long estimatedBytes(int w, int dims) {
        long n = w + 1L;
        long h = halfK1();
        long ranks = Math.min(n, Math.max(k1 + 1L, k2));
        long encoding = Math.min(n, (k1 + 1L) * (h + 2));
        return 8 * n * n + 12 * n * dims + 4 * n * (ranks + h + 1) + 12 * n * encoding + 192 * n + 1024;
    }

    /** {@link #distances(float[], float[][], Runnable)} without cancellation checks. */
    public KReciprocalDistances distances(float[] query, float[][] window) {
        return distances(query, window, () -> {});
    }

    /**
     * The distances of {@code query} to each window item, in window order.
     *
     * @param checkpoint run once per point of each phase (throws to cancel)
     * @throws IllegalArgumentException if a window vector's dimension differs from the query's
     */
    public KReciprocalDistances distances(float[] query, float[][] window, Runnable checkpoint) {
        int n = window.length + 1;
        double[][] unit = new double[n][];
        unit[0] = unit(query);
        for (int i = 1; i < n; i++) {
            if (window[i - 1].length != query.length) {
                throw new IllegalArgumentException("window vector [" + (i - 1) + "] has [" + window[i - 1].length
                    + "] dimensions but the query has [" + query.length + "]");
            }
            unit[i] = unit(window[i - 1]);
        }
        double[][] dist = normalisedDistances(unit, checkpoint);
        int[][] rank = new int[n][];
        int keep = Math.min(n, Math.max(k1 + 1, k2));
        for (int a = 0; a < n; a++) {
            checkpoint.run();
            rank[a] = nearest(dist[a], a, keep);
        }
        return score(new DenseRows(dist, rank), checkpoint);
    }

    /**
     * The distances of the query to each window item from the window's stored neighbour lists instead of its vectors (the
     * definition is {@link StoredListRows}'s): no vector is read and no product computed, O(n L) to build the rows for lists
     * of at most L entries, then the sets and encodings as above.
     *
     * @param querySimilarities s(q, j) of each window item j (cosine similarity; the query's row of d)
     * @param neighbours for item i, the window positions its stored list names (inside the window, not i, distinct)
     * @param similarities the similarities the list stores, aligned with {@code neighbours}
     * @param checkpoint run once per point of each phase (throws to cancel)
     * @throws IllegalArgumentException if the arrays disagree in length, or a list names i, a position outside the window or
     *     a position twice
     */
    public KReciprocalDistances distances(double[] querySimilarities, int[][] neighbours, float[][] similarities,
                                          Runnable checkpoint) {
        int keep = Math.min(querySimilarities.length + 1, Math.max(k1 + 1, k2));
        return score(StoredListRows.of(querySimilarities, neighbours, similarities, keep, checkpoint), checkpoint);
    }

    /**
     * Upper estimate of the heap {@link #distances(double[], int[][], float[][], Runnable)} holds for a window of {@code w}
     * items whose lists have at most {@code listEntries} entries, n = w + 1: the rows (12 bytes per entry, the query's n,
     * each item's at most listEntries + 1), the rankings and the sets R(·, h) (4 n (K' + h + 1), K' = min(n, K)), the
     * encodings V (12 n min(n, (k1 + 1)(h + 2))) and 192 n of scratch rows, results and headers. The caller's inputs are
     * not included.
     */
    public long estimatedStoredListBytes(int w, int listEntries) {
        long n = w + 1L;
        long h = halfK1();
        long ranks = Math.min(n, Math.max(k1 + 1L, k2));
        long encoding = Math.min(n, (k1 + 1L) * (h + 2));
        return 12 * n * (Math.min(n, listEntries + 1L) + 1) + 4 * n * (ranks + h + 1) + 12 * n * encoding + 192 * n + 1024;
    }

    /** Steps 3 to 8 of the definition over the rows. */
    private KReciprocalDistances score(KReciprocalRows rows, Runnable checkpoint) {
        int n = rows.size();
        Encodings v = encodings(rows, checkpoint);
        double[] jaccard = new double[n - 1];
        double[] original = new double[n - 1];
        double[] distance = new double[n - 1];
        double[] expandedQuery = expanded(v, rows.ranking(0), n);
        double[] scratch = new double[n];
        int[] touched = new int[n];
        for (int j = 1; j < n; j++) {
            checkpoint.run();
            jaccard[j - 1] = jaccard(v, rows.ranking(j), expandedQuery, scratch, touched);
            original[j - 1] = rows.distance(0, j);
            distance[j - 1] = (1 - lambda) * jaccard[j - 1] + lambda * original[j - 1];
        }
        return new KReciprocalDistances(jaccard, original, distance);
    }

    private static double[] unit(float[] x) {
        double norm = 0;
        for (float f : x) {
            norm += (double) f * f;
        }
        norm = Math.sqrt(norm);
        double[] u = new double[x.length];
        if (norm > 0) {
            for (int t = 0; t < x.length; t++) {
                u[t] = x[t] / norm;
            }
        }
        return u;
    }

    /**
     * D: d(a, b) = max(0, 2 - 2 x̂_a · x̂_b), d(a, a) = 0, each row divided by its largest entry (unless that is 0). The
     * products are {@link DoubleDots#symmetric}'s.
     */
    private static double[][] normalisedDistances(double[][] unit, Runnable checkpoint) {
        int n = unit.length;
        double[][] dist = new double[n][n];
        DoubleDots.symmetric(unit, dist, checkpoint);
        for (int a = 0; a < n; a++) {
            double[] row = dist[a];
            double max = 0;
            for (int b = 0; b < n; b++) {
                row[b] = a == b ? 0 : Math.max(0d, 2 - 2 * row[b]);
                max = Math.max(max, row[b]);
            }
            if (max > 0) {
                for (int b = 0; b < n; b++) {
                    row[b] /= max;
                }
            }
        }
        return dist;
    }

    /** N(a, m): a first, then the others by row value ascending, ties by lower index (insertion into a sorted prefix). */
    static int[] nearest(double[] row, int a, int m) {
        int[] top = new int[m];
        top[0] = a;
        int size = 1;
        for (int b = 0; b < row.length && m > 1; b++) {
            if (b == a) {
                continue;
            }
            // b comes after every kept index of equal value (indices arrive ascending), so only a strictly smaller value passes
            if (size == m && row[b] >= row[top[m - 1]]) {
                continue;
            }
            int at = size == m ? m - 1 : size++;
            while (at > 1 && row[top[at - 1]] > row[b]) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = b;
        }
        return top;
    }

    /** R(a, k) with N(·, k + 1) as the first k + 1 (at most n) entries of the rankings, in a's ranking order. */
    private static int[] reciprocal(KReciprocalRows rows, int a, int k) {
        int[] rank = rows.ranking(a);
        int m = Math.min(rank.length, k + 1);
        int[] out = new int[m];
        int size = 0;
        for (int t = 0; t < m; t++) {
            int b = rank[t];
            if (rows.ranksWithin(b, a, k + 1)) {
                out[size++] = b;
            }
        }
        return Arrays.copyOf(out, size);
    }

    /** The sparse rows of V: the sorted members of R*(a) and their weights. */
    private record Encodings(int[][] index, double[][] weight) {}

    private Encodings encodings(KReciprocalRows rows, Runnable checkpoint) {
        int n = rows.size();
        int h = halfK1();
        int[][] halfSets = new int[n][];
        for (int c = 0; c < n; c++) {
            halfSets[c] = reciprocal(rows, c, h);
        }
        int[][] index = new int[n][];
        double[][] weight = new double[n][];
        int[] stamp = new int[n]; // stamp[b] == a: b is already in R*(a)
        int[] inR = new int[n]; // inR[b] == a: b is in R(a, k1)
        Arrays.fill(stamp, -1);
        Arrays.fill(inR, -1);
        int[] members = new int[n];
        for (int a = 0; a < n; a++) {
            checkpoint.run();
            int[] r = reciprocal(rows, a, k1);
            int size = 0;
            for (int b : r) {
                stamp[b] = a;
                inR[b] = a;
                members[size++] = b;
            }
            for (int c : r) {
                int[] candidate = halfSets[c];
                int common = 0;
                for (int b : candidate) {
                    if (inR[b] == a) {
                        common++;
                    }
                }
                if (common > 2.0 / 3 * candidate.length) {
                    for (int b : candidate) {
                        if (stamp[b] != a) {
                            stamp[b] = a;
                            members[size++] = b;
                        }
                    }
                }
            }
            int[] set = Arrays.copyOf(members, size);
            Arrays.sort(set);
            double[] w = new double[size];
            double sum = 0;
            for (int t = 0; t < size; t++) {
                w[t] = Math.exp(-rows.distance(a, set[t]));
                sum += w[t];
            }
            for (int t = 0; t < size; t++) {
                w[t] /= sum;
            }
            index[a] = set;
            weight[a] = w;
        }
        return new Encodings(index, weight);
    }

    /** V'(a) as a dense row: the mean of V(b) over b in N(a, k2). */
    private double[] expanded(Encodings v, int[] rankRow, int n) {
        int m = Math.min(rankRow.length, k2);
        double[] out = new double[n];
        for (int t = 0; t < m; t++) {
            int b = rankRow[t];
            int[] index = v.index()[b];
            double[] weight = v.weight()[b];
            for (int s = 0; s < index.length; s++) {
                out[index[s]] += weight[s];
            }
        }
        for (int c = 0; c < n; c++) {
            out[c] /= m;
        }
        return out;
    }

    /**
     * J(query, b) from the query's dense V' and b's ranking: V'(b) is accumulated in {@code scratch} only where the query's
     * V' is not 0 (elsewhere the minimum is 0), then {@code scratch} is cleared again.
     */
    private double jaccard(Encodings v, int[] rankRow, double[] query, double[] scratch, int[] touched) {
        int m = Math.min(rankRow.length, k2);
        int count = 0;
        for (int t = 0; t < m; t++) {
            int b = rankRow[t];
            int[] index = v.index()[b];
            double[] weight = v.weight()[b];
            for (int s = 0; s < index.length; s++) {
                int c = index[s];
                if (query[c] > 0) {
                    if (scratch[c] == 0) {
                        touched[count++] = c; // weights are > 0: a touched entry is never 0
                    }
                    scratch[c] += weight[s];
                }
            }
        }
        double common = 0;
        for (int t = 0; t < count; t++) {
            int c = touched[t];
            common += Math.min(query[c], scratch[c] / m);
            scratch[c] = 0;
        }
        return 1 - common / (2 - common);
    }
}
