package org.instanceretrieval.graph;

import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.SparseMatrix;

import java.util.Arrays;

/**
 * One document's offline diffusion row (Yang et al., late truncation) on a whole stored graph: T_i = i followed by the first
 * {@code nTrunc - 1} entries of i's stored list (fewer when the list is shorter), (I - alpha S[T_i, T_i]) x = e_i solved with
 * S the normalised affinity of the <em>whole</em> graph (not re-normalised on T_i), and the row = the ids of T_i with x as
 * floats, sorted by value descending then id ascending (the {@code NeighbourListCodec} order). Per row O(n_trunc k) memory.
 * Not thread-safe (one scratch array per solver): one solver per thread.
 */
public final class OfflineRowSolver {

    private final StoredGraph graph;
    private final SparseMatrix s;
    private final int nTrunc;
    private final ConjugateGradient solver;
    private final int[] localOf;

    public OfflineRowSolver(StoredGraph graph, SparseMatrix s, int nTrunc, ConjugateGradient solver) {
        this.graph = graph;
        this.s = s;
        this.nTrunc = nTrunc;
        this.solver = solver;
        this.localOf = new int[graph.size()];
        Arrays.fill(localOf, -1);
    }

    /** Heap one solver holds besides its rows: the scratch map of the graph's size. */
    public static long bytes(int n) {
        return 16L + 4L * n;
    }

    /** The row of ordinal {@code i}. */
    public NeighbourList row(int i) {
        int m = Math.min(nTrunc - 1, graph.rowLength(i));
        int[] t = new int[m + 1];
        t[0] = i;
        for (int e = 0; e < m; e++) {
            t[e + 1] = graph.neighbour(i, e);
        }
        double[] unit = new double[t.length];
        unit[0] = 1;
        CgSolution x = solver.solve(s.restrictTo(t, localOf), unit);
        Integer[] order = new Integer[t.length];
        float[] values = new float[t.length];
        for (int a = 0; a < t.length; a++) {
            order[a] = a;
            values[a] = (float) x.score(a) + 0f;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(values[b], values[a]);
            return c != 0 ? c : graph.id(t[a]).compareTo(graph.id(t[b]));
        });
        String[] ids = new String[t.length];
        float[] sorted = new float[t.length];
        for (int r = 0; r < t.length; r++) {
            ids[r] = graph.id(t[order[r]]);
            sorted[r] = values[order[r]];
        }
        return new NeighbourList(ids, sorted);
    }
}
