package org.instanceretrieval.expansion;

import org.instanceretrieval.math.VectorMath;

import org.apache.lucene.util.IntroSorter;

import java.util.Arrays;
import java.util.Locale;

/**
 * Query-set expansion (InsCLR, seed 002, section 3.3; definitions, "Query-set expansion"), used at
 * search time: a set of query vectors that grows over iterations by mining a fixed candidate pool.
 *
 * <p>Contract of {@link #rank(float[][], float[][])}, with {@code Q} the starting set and {@code P}
 * the pool in first-round order:
 * <ol>
 *   <li>similarities: {@code S(i, q) = p_i . q} for every pool item and member, a dot product
 *       accumulated in double over the dimensions in order (the cosine for unit vectors);</li>
 *   <li>sparsity (optional, threshold {@code tau}): {@code S(i, q) < tau} becomes 0;</li>
 *   <li>aggregation: {@code s_set(i)} = the mean over {@code Q} (the members summed in the order
 *       they joined, then divided by {@code |Q|}) or the maximum;</li>
 *   <li>one iteration ranks the pool by {@code s_set} (descending, ties by pool order; -0.0 ties
 *       0.0); pool items not yet in {@code Q} join it in that order: {@code top_k} takes the first
 *       {@code k} of them, {@code threshold} every one with {@code s_set >= T}; an iteration in which
 *       none joins ends the iterations early;</li>
 *   <li>after at most {@code iterations} iterations the pool is ranked by {@code s_set} computed
 *       with the final {@code Q} (members that joined in the last iteration included).</li>
 * </ol>
 * A pool item equal to a starting vector (a query document in the index) is still a pool item: it
 * joins {@code Q} like any other. Similarities of the pool to a member are computed once, when the
 * member joins (running sum or maximum per pool item), so the whole run costs
 * {@code |P| x |Q_final|} dot products and {@code O(|P| x dims)} working memory; the result equals
 * recomputing the {@code |P| x |Q|} matrix every iteration. Working memory: {@link #workingBytes}, a copy of the pool
 * included. Deterministic. Immutable.
 */
public final class QuerySetExpansion {

    /** How a pool item's similarities to the members of {@code Q} become {@code s_set}. */
    public enum Aggregation { AVG, MAX }

    /** Which pool items join {@code Q} in an iteration. */
    public enum Selection { TOP_K, THRESHOLD }

    /** Default candidate pool size (the definitions' 1,000); the caller builds the pool. */
    public static final int DEFAULT_POOL = 1_000;
    /** The seed's {@code k} of {@code top_k} selection. */
    public static final int DEFAULT_K = 5;
    /** The seed's {@code T_m} of {@code threshold} selection. */
    public static final double DEFAULT_THRESHOLD = 0.6;
    /** The seed's sparsity threshold (table 2, "w/ spa."); sparsity is off by default. */
    public static final double SEED_SPARSITY = 0.6;
    /** The seed's adopted number of iterations. */
    public static final int DEFAULT_ITERATIONS = 4;
    /**
     * Working memory per pool item besides its dimension-major copy, an upper bound: the accumulator, a member's sums and the
     * scores, the membership flag, the ranking, a selection.
     */
    public static final long BYTES_PER_POOL_ITEM = 8 + 8 + 8 + 1 + 4 + 16 + 8;

    private final Aggregation aggregation;
    private final Selection selection;
    private final int k;
    private final double threshold;
    private final Double sparsity;
    private final int iterations;

    /**
     * @param aggregation {@code AVG} or {@code MAX}
     * @param selection   {@code TOP_K} or {@code THRESHOLD}
     * @param k           members taken per iteration by {@code TOP_K}, at least 1 (ignored by {@code THRESHOLD})
     * @param threshold   {@code T}, finite (ignored by {@code TOP_K})
     * @param sparsity    {@code tau}, finite, or null for no sparsity
     * @param iterations  at least 1
     * @throws IllegalArgumentException naming the first invalid parameter
     */
    public QuerySetExpansion(Aggregation aggregation, Selection selection, int k, double threshold, Double sparsity, int iterations) {
        if (aggregation == null || selection == null) {
            throw new IllegalArgumentException("query-set expansion needs an aggregation and a selection");
        }
        if (k < 1) {
            throw new IllegalArgumentException("query-set expansion [k] must be >= 1 but was [" + k + "]");
        }
        if (Double.isFinite(threshold) == false) {
            throw new IllegalArgumentException("query-set expansion [threshold] must be finite but was [" + threshold + "]");
        }
        if (sparsity != null && Double.isFinite(sparsity) == false) {
            throw new IllegalArgumentException("query-set expansion [sparsity] must be finite but was [" + sparsity + "]");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("query-set expansion [iterations] must be >= 1 but was [" + iterations + "]");
        }
        this.aggregation = aggregation;
        this.selection = selection;
        this.k = k;
        this.threshold = threshold;
        this.sparsity = sparsity;
        this.iterations = iterations;
    }

    /** The working memory of {@link #rank} over a pool of {@code poolSize} vectors of {@code dims} floats: the pool's copy too. */
    public static long workingBytes(int poolSize, int dims) {
        return poolSize * (4L * dims + BYTES_PER_POOL_ITEM);
    }

    /** The seed's adopted setting: avg, top_k with k = 5, no sparsity, 4 iterations. */
    public static QuerySetExpansion seedDefault() {
        return new QuerySetExpansion(Aggregation.AVG, Selection.TOP_K, DEFAULT_K, DEFAULT_THRESHOLD, null, DEFAULT_ITERATIONS);
    }

    /**
     * The outcome of a run.
     *
     * @param order      pool indices ranked by the final {@code s_set} (ties by pool index)
     * @param scores     the final {@code s_set} of every pool item, by pool index
     * @param members    the pool indices that joined {@code Q}, in joining order
     * @param iterations the iterations that added members (fewer than asked when one added none)
     */
    public record Result(int[] order, double[] scores, int[] members, int iterations) {}

    /**
     * Runs the expansion.
     *
     * @param start the starting query set, at least one vector, all finite and of one dimension; not modified
     * @param pool  the candidate pool in first-round order, vectors of the same dimension, finite; may be empty
     * @throws IllegalArgumentException on an empty start, a dimension mismatch or a non-finite value
     */
    public Result rank(float[][] start, float[][] pool) {
        if (start == null || start.length == 0) {
            throw new IllegalArgumentException("query-set expansion needs at least one query vector");
        }
        if (pool == null) {
            throw new IllegalArgumentException("query-set expansion needs a pool");
        }
        for (int q = 0; q < start.length; q++) {
            check(start[q], start[0], "query vector " + q);
        }
        for (int i = 0; i < pool.length; i++) {
            check(pool[i], start[0], "pool item " + i);
        }
        Accumulator acc = new Accumulator(pool, start[0].length);
        for (float[] q : start) {
            acc.add(q);
        }
        int[] members = new int[0];
        boolean[] inQ = new boolean[pool.length];
        int ran = 0;
        for (int it = 0; it < iterations; it++) {
            int[] joined = select(acc.scores(), inQ);
            if (joined.length == 0) {
                break;
            }
            for (int j : joined) {
                inQ[j] = true;
                acc.add(pool[j]);
            }
            int[] grown = Arrays.copyOf(members, members.length + joined.length);
            System.arraycopy(joined, 0, grown, members.length, joined.length);
            members = grown;
            ran++;
        }
        double[] scores = acc.scores();
        return new Result(rank(scores), scores, members, ran);
    }

    /**
     * The pool items that join {@code Q}, in ranking order: the first {@code k} items not in {@code Q} ({@code top_k}), or every
     * item not in {@code Q} with {@code s_set >= T} ({@code threshold}). The same items in the same order as walking the full
     * {@link #rank ranking}, without sorting the whole pool: {@code top_k} keeps the best {@code k} seen so far in a sorted
     * array ({@code |P| x k} comparisons at most), {@code threshold} sorts only the items that reach {@code T}.
     */
    private int[] select(double[] scores, boolean[] inQ) {
        if (selection == Selection.THRESHOLD) {
            int[] reaching = new int[scores.length];
            int count = 0;
            for (int i = 0; i < scores.length; i++) {
                if (inQ[i] == false && scores[i] >= threshold) {
                    reaching[count++] = i;
                }
            }
            return sortByScore(Arrays.copyOf(reaching, count), scores);
        }
        int[] best = new int[Math.min(k, scores.length)];
        int count = 0;
        for (int i = 0; i < scores.length; i++) {
            if (inQ[i] || (count == best.length && before(best[count - 1], i, scores))) {
                continue; // in Q, or the k kept so far all rank before i
            }
            int at = count == best.length ? count - 1 : count++;
            while (at > 0 && before(i, best[at - 1], scores)) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        return Arrays.copyOf(best, count);
    }

    /** Pool indices by score descending, then index ascending; -0.0 ties 0.0. */
    static int[] rank(double[] scores) {
        int[] order = new int[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return sortByScore(order, scores);
    }

    /** Sorts {@code items} (distinct pool indices) in {@link #rank} order, in place, without boxing; returns them. */
    private static int[] sortByScore(int[] items, double[] scores) {
        new IntroSorter() {
            private int pivot;

            @Override
            protected void swap(int i, int j) {
                int t = items[i];
                items[i] = items[j];
                items[j] = t;
            }

            @Override
            protected int compare(int i, int j) {
                return order(items[i], items[j], scores);
            }

            @Override
            protected void setPivot(int i) {
                pivot = items[i];
            }

            @Override
            protected int comparePivot(int j) {
                return order(pivot, items[j], scores);
            }
        }.sort(0, items.length);
        return items;
    }

    /** Negative when pool item {@code a} ranks before {@code b}: score descending ({@code -0.0} ties {@code 0.0}), then index. */
    private static int order(int a, int b, double[] scores) {
        int c = Double.compare(scores[b] + 0.0, scores[a] + 0.0);
        return c != 0 ? c : Integer.compare(a, b);
    }

    private static boolean before(int a, int b, double[] scores) {
        return order(a, b, scores) < 0;
    }

    /**
     * The running sum or maximum of the (sparsified) similarities of every pool item to the members so far. The pool is held
     * dimension-major (one column of {@code |P|} floats per dimension), so a member's similarities to the whole pool are one
     * pass of element-wise steps {@code sum_i += p_ij * q_j} over the columns in dimension order: for each pool item the
     * same additions in the same order as the contract's dot product (item 1: the same doubles), in a loop the JIT runs on SIMD
     * lanes.
     */
    private final class Accumulator {
        private final int n;
        private final float[] columns;
        private final double[] sums;
        private final double[] values;
        private int size;

        Accumulator(float[][] pool, int dims) {
            this.n = pool.length;
            this.columns = new float[n * dims];
            for (int from = 0; from < n; from += 16) { // 16 items at a time: each column is written 64 bytes at once
                int to = Math.min(from + 16, n);
                for (int j = 0; j < dims; j++) {
                    for (int i = from; i < to; i++) {
                        columns[j * n + i] = pool[i][j];
                    }
                }
            }
            this.sums = new double[n];
            this.values = new double[n];
        }

        void add(float[] member) {
            Arrays.fill(sums, 0);
            for (int j = 0; j < member.length; j++) {
                addColumn(columns, j * n, member[j], sums);
            }
            for (int i = 0; i < n; i++) {
                double s = sparsity != null && sums[i] < sparsity ? 0 : sums[i];
                values[i] = aggregation == Aggregation.AVG ? values[i] + s : size == 0 ? s : Math.max(values[i], s);
            }
            size++;
        }

        /** {@code sums[i] += columns[from + i] * m} for every pool item (locals only, a loop C2 vectorises). */
        private static void addColumn(float[] columns, int from, double m, double[] sums) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += columns[from + i] * m;
            }
        }

        double[] scores() {
            double[] out = values.clone();
            if (aggregation == Aggregation.AVG) {
                for (int i = 0; i < out.length; i++) {
                    out[i] /= size;
                }
            }
            return out;
        }
    }

    private static void check(float[] v, float[] first, String what) {
        if (v == null) {
            throw new IllegalArgumentException("query-set expansion: " + what + " is null");
        }
        VectorMath.requireSameDimension(v, first, what, "query vector 0");
        VectorMath.requireFinite(v, what);
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    public Selection selection() {
        return selection;
    }

    public int k() {
        return k;
    }

    public double threshold() {
        return threshold;
    }

    /** The sparsity threshold, or null when off. */
    public Double sparsity() {
        return sparsity;
    }

    public int iterations() {
        return iterations;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "QuerySetExpansion[%s, %s, k=%d, threshold=%s, sparsity=%s, iterations=%d]",
            aggregation, selection, k, threshold, sparsity, iterations);
    }
}
