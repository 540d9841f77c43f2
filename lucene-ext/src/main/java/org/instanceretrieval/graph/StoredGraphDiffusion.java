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
 * Cost O(R k log k) to build A_R plus the solve; memory O(R k). Immutable and thread-safe.
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
        SparseMatrix affinity = windowAffinity(windowIds, lists);
        if (similarities.length != windowIds.length) {
            throw new IllegalArgumentException("window has [" + windowIds.length + "] ids but [" + similarities.length + "] similarities");
        }
        return solve(affinity, similarities);
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
        return solve(windowAffinity(window), similarities);
    }

    private CgSolution solve(SparseMatrix affinity, float[] similarities) {
        double[] y = weighting.queryVector(similarities);
        return solver.solve(normalize(affinity), y);
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
        if (windowIds == null || lists == null) {
            throw new IllegalArgumentException("window ids and neighbour lists must not be null");
        }
        int r = windowIds.length;
        if (lists.length != r) {
            throw new IllegalArgumentException("window has [" + r + "] ids but [" + lists.length + "] neighbour lists");
        }
        WindowNeighbours.Builder builder = window(windowIds);
        for (int i = 0; i < r; i++) {
            builder.add(i, lists[i]);
        }
        return windowAffinity(builder.build());
    }

    /**
     * A_R of a resolved window.
     *
     * @throws IllegalArgumentException if the window was resolved with another k than this diffusion's
     */
    public SparseMatrix windowAffinity(WindowNeighbours window) {
        if (window.k() != graph.k()) {
            throw new IllegalArgumentException("window lists were resolved with k [" + window.k() + "] but the graph uses k ["
                + graph.k() + "]");
        }
        int r = window.size();
        int[] rowStart = new int[r + 1];
        int[] columns = new int[countMutual(window, null, null, rowStart)];
        double[] values = new double[columns.length];
        countMutual(window, columns, values, rowStart);
        return SparseMatrix.symmetric(rowStart, columns, values);
    }

    /**
     * Counts (columns == null) or writes the edges with a non-zero affinity; rowStart is filled
     * on the counting pass. Columns come out ascending because the neighbour rows are sorted.
     */
    private int countMutual(WindowNeighbours window, int[] columns, double[] values, int[] rowStart) {
        int e = 0;
        for (int i = 0; i < window.size(); i++) {
            int[] row = window.positions(i);
            float[] stored = window.similarities(i);
            for (int t = 0; t < row.length; t++) {
                int j = row[t];
                int back = Arrays.binarySearch(window.positions(j), i);
                if (back < 0) {
                    continue;
                }
                float s = Math.max(stored[t], window.similarities(j)[back]);
                double a = s > 0 ? Math.pow(s, graph.gamma()) : 0d;
                if (a > 0) {
                    if (columns != null) {
                        columns[e] = j;
                        values[e] = a;
                    }
                    e++;
                }
            }
            if (columns == null) {
                rowStart[i + 1] = e;
            }
        }
        return e;
    }

    /** S = D^-1/2 A D^-1/2 on the same structure; isolated items keep an empty row. */
    private static SparseMatrix normalize(SparseMatrix affinity) {
        int r = affinity.size();
        double[] degrees = new double[r];
        for (int i = 0; i < r; i++) {
            degrees[i] = affinity.rowSum(i);
        }
        int[] rowStart = new int[r + 1];
        int[] columns = new int[affinity.nonZeros()];
        double[] values = new double[columns.length];
        for (int i = 0; i < r; i++) {
            int[] cols = affinity.rowColumns(i);
            double[] vals = affinity.rowValues(i);
            int at = rowStart[i];
            for (int t = 0; t < cols.length; t++) {
                columns[at + t] = cols[t];
                // d_i d_j commutes, so S stays exactly symmetric; an edge means both degrees > 0
                values[at + t] = vals[t] / Math.sqrt(degrees[i] * degrees[cols[t]]);
            }
            rowStart[i + 1] = at + cols.length;
        }
        return SparseMatrix.symmetric(rowStart, columns, values);
    }

    @Override
    public String toString() {
        return "StoredGraphDiffusion[" + graph + ", " + weighting + ", " + solver + "]";
    }
}
