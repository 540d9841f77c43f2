package org.instanceretrieval.graph;

import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.diffusion.SparseMatrix;

import java.util.Arrays;

/**
 * Diffusion by truncation on a precomputed graph (retrieval definitions, "Diffusion",
 * Iscen's setting): the window's stored neighbour lists are restricted to the window, never
 * replaced by other neighbours, and no vector products are computed.
 *
 * <p>Input: the window, R items with distinct document ids in first-stage order, each with
 * its first-stage similarity to the query and its stored {@link NeighbourList} (neighbours may
 * lie outside the window). Of each list only the first {@code k} entries are used
 * ({@link GraphParameters#k()}; fewer when the list is shorter). Then, with i, j window
 * positions:
 * <ul>
 *   <li>A_R: a_ij = max(s, 0)^gamma when j is among i's first k and i among j's first k
 *       (mutual) and both are in the window; 0 otherwise and on the diagonal (a list that
 *       names its own document adds no edge). The similarity used is the <b>larger</b> of the
 *       two stored ones, s = max(s_ij, s_ji): symmetric, and independent of the window's
 *       order, so A_R is the principal sub-matrix on the window of one fixed collection-wide
 *       A. (An exact build stores s_ij == s_ji bit for bit, so the rule only matters for lists
 *       from approximate or independently computed builds.)</li>
 *   <li>D from the row sums of A_R; S = D^-1/2 A_R D^-1/2, s_ij = a_ij / sqrt(d_i d_j); an
 *       item without edges has d_i = 0 and a zero row, never Inf or NaN.</li>
 *   <li>y: max(s, 0)^gamma for the kq window items with the highest first-stage similarity
 *       (ties by lower window position; the first kq when the window is sorted), 0 elsewhere
 *       ({@link QueryWeighting}).</li>
 *   <li>(I - alpha S) f = y by {@link ConjugateGradient}; the result ranks window positions
 *       by f, then position ascending ({@link CgSolution#ranking()}).</li>
 * </ul>
 * The affinity uses {@code s * s * s} for gamma 3 (and x, x * x for gamma 1, 2), within an ulp or two of
 * {@link Math#pow}. Cost O(R k log k) to build A_R (mutual pairs by one transpose and a merge per row) plus the solve;
 * memory O(R k). Immutable and thread-safe.
 */
public final class StoredGraphDiffusion {

    private final GraphParameters graph;
    private final QueryWeighting weighting;
    private final ConjugateGradient solver;

    /**
     * @param graph     k (stored entries used per list) and gamma of the affinity
     * @param weighting kq and gamma of the query vector
     * @param solver    alpha, tolerance and iteration limit
     * @throws IllegalArgumentException if a parameter is null
     */
    public StoredGraphDiffusion(GraphParameters graph, QueryWeighting weighting, ConjugateGradient solver) {
        if (graph == null || weighting == null || solver == null) {
            throw new IllegalArgumentException("graph parameters, query weighting and solver must not be null");
        }
        this.graph = graph;
        this.weighting = weighting;
        this.solver = solver;
    }

    /** k = 50, gamma = 3, kq = 10, alpha = 0.99, tolerance 1e-6, 20 iterations. */
    public static StoredGraphDiffusion defaults() {
        return new StoredGraphDiffusion(GraphParameters.defaults(), QueryWeighting.defaults(), ConjugateGradient.defaults());
    }

    /**
     * Diffuses over the window.
     *
     * @param windowIds    document ids of the R window items, distinct, first-stage order
     * @param similarities first-stage similarity of each window item to the query, finite
     * @param lists        stored neighbour list of each window item
     * @return f, one score per window position, and its ranking
     * @throws IllegalArgumentException on null or misaligned arrays, a null id or list, a
     *     repeated id or a non-finite similarity
     */
    public CgSolution diffuse(String[] windowIds, float[] similarities, NeighbourList[] lists) {
        if (similarities == null) {
            throw new IllegalArgumentException("window similarities must not be null");
        }
        WindowNeighbours window = resolve(windowIds, lists);
        if (similarities.length != windowIds.length) {
            throw new IllegalArgumentException("window has [" + windowIds.length + "] ids but [" + similarities.length + "] similarities");
        }
        return diffuse(window, similarities);
    }

    /**
     * Diffuses over a window whose lists are already resolved to window positions (the read path of a search: see
     * {@link #window}).
     *
     * @param similarities first-stage similarity of each window item to the query, finite, in window order
     * @throws IllegalArgumentException if the window was resolved with another k, or the similarities are misaligned or
     *     not finite
     */
    public CgSolution diffuse(WindowNeighbours window, float[] similarities) {
        if (window == null || similarities == null) {
            throw new IllegalArgumentException("window and similarities must not be null");
        }
        if (similarities.length != window.size()) {
            throw new IllegalArgumentException("window has [" + window.size() + "] items but [" + similarities.length + "] similarities");
        }
        requireK(window);
        Csr a = affinity(window);
        normalizeInPlace(a);
        return solver.solve(SparseMatrix.symmetric(a.rowStart, a.columns, a.values), weighting.queryVector(similarities));
    }

    /** A builder resolving the lists of the window {@code windowIds} with this diffusion's k. */
    public WindowNeighbours.Builder window(String[] windowIds) {
        return WindowNeighbours.builder(windowIds, graph.k());
    }

    /**
     * A_R, the unnormalised mutual affinity restricted to the window (see the class notes),
     * rows and columns in window order.
     *
     * @throws IllegalArgumentException on null or misaligned arrays, a null id or list, or a
     *     repeated id
     */
    public SparseMatrix windowAffinity(String[] windowIds, NeighbourList[] lists) {
        return windowAffinity(resolve(windowIds, lists));
    }

    private WindowNeighbours resolve(String[] windowIds, NeighbourList[] lists) {
        if (windowIds == null || lists == null) {
            throw new IllegalArgumentException("window ids and neighbour lists must not be null");
        }
        if (lists.length != windowIds.length) {
            throw new IllegalArgumentException("window has [" + windowIds.length + "] ids but [" + lists.length + "] neighbour lists");
        }
        WindowNeighbours.Builder builder = window(windowIds);
        for (int i = 0; i < lists.length; i++) {
            builder.add(i, lists[i]);
        }
        return builder.build();
    }

    /**
     * A_R of a resolved window.
     *
     * @throws IllegalArgumentException if the window was resolved with another k than this diffusion's
     */
    public SparseMatrix windowAffinity(WindowNeighbours window) {
        requireK(window);
        Csr a = affinity(window);
        return SparseMatrix.symmetric(a.rowStart, a.columns, a.values);
    }

    private void requireK(WindowNeighbours window) {
        if (window.k() != graph.k()) {
            throw new IllegalArgumentException("window lists were resolved with k [" + window.k() + "] but the graph uses k ["
                + graph.k() + "]");
        }
    }

    /** CSR arrays of a symmetric matrix under construction. */
    private record Csr(int[] rowStart, int[] columns, double[] values) {}

    /**
     * A_R in O(R + entries): the in-window entries are transposed once (by counting), so the mutual test of row i is a
     * merge of its out-list with its in-list, both ascending; the similarity is the larger of the two stored ones.
     */
    private Csr affinity(WindowNeighbours window) {
        int r = window.size();
        int[] inStart = new int[r + 1];
        for (int i = 0; i < r; i++) {
            for (int j : window.positions(i)) {
                inStart[j + 1]++;
            }
        }
        for (int i = 0; i < r; i++) {
            inStart[i + 1] += inStart[i];
        }
        int entries = inStart[r];
        int[] inFrom = new int[entries];
        float[] inSimilarity = new float[entries];
        int[] fill = Arrays.copyOf(inStart, r);
        for (int i = 0; i < r; i++) {
            int[] row = window.positions(i);
            float[] sims = window.similarities(i);
            for (int t = 0; t < row.length; t++) {
                int at = fill[row[t]]++;
                inFrom[at] = i;
                inSimilarity[at] = sims[t];
            }
        }
        int[] rowStart = new int[r + 1];
        int[] columns = new int[entries];
        double[] values = new double[entries];
        int e = 0;
        double gamma = graph.gamma();
        for (int i = 0; i < r; i++) {
            int[] row = window.positions(i);
            float[] sims = window.similarities(i);
            int t = 0;
            int u = inStart[i];
            int uEnd = inStart[i + 1];
            while (t < row.length && u < uEnd) {
                int j = row[t];
                int from = inFrom[u];
                if (j < from) {
                    t++;
                } else if (from < j) {
                    u++;
                } else {
                    double a = affinity(Math.max(sims[t], inSimilarity[u]), gamma);
                    if (a > 0) {
                        columns[e] = j;
                        values[e++] = a;
                    }
                    t++;
                    u++;
                }
            }
            rowStart[i + 1] = e;
        }
        return new Csr(rowStart, Arrays.copyOf(columns, e), Arrays.copyOf(values, e));
    }

    /** max(s, 0)^gamma; small integer gammas by multiplication (within an ulp or two of {@link Math#pow}). */
    private static double affinity(float s, double gamma) {
        if (s <= 0) {
            return 0d;
        }
        double x = s;
        if (gamma == 3) {
            return x * x * x;
        }
        if (gamma == 1) {
            return x;
        }
        if (gamma == 2) {
            return x * x;
        }
        return Math.pow(x, gamma);
    }

    /** A to S = D^-1/2 A D^-1/2 in place; d_i d_j commutes, so S stays exactly symmetric. */
    private static void normalizeInPlace(Csr a) {
        int r = a.rowStart.length - 1;
        double[] degrees = new double[r];
        for (int i = 0; i < r; i++) {
            double d = 0;
            for (int e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) {
                d += a.values[e];
            }
            degrees[i] = d;
        }
        for (int i = 0; i < r; i++) {
            for (int e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) {
                a.values[e] = a.values[e] / Math.sqrt(degrees[i] * degrees[a.columns[e]]);
            }
        }
    }

    @Override
    public String toString() {
        return "StoredGraphDiffusion[" + graph + ", " + weighting + ", " + solver + "]";
    }
}
