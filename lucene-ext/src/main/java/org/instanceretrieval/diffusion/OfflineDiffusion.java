package org.instanceretrieval.diffusion;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.neighbours.NeighbourSearch;
import org.instanceretrieval.neighbours.Neighbours;

/**
 * Offline/online decoupled diffusion (Yang et al., "Efficient image retrieval via decoupling
 * diffusion into online and offline processing", AAAI 2019), as in the retrieval definitions.
 *
 * <p><b>Offline</b>, for each database item i: its truncation set T_i is i itself followed by
 * its {@code nTrunc - 1} nearest other items (similarity descending, index ascending;
 * {@code nTrunc} is capped at n). With late truncation the sub-system is the principal
 * sub-matrix of the <em>full</em> normalised S on T_i, not re-normalised:
 * (I - alpha S[T_i, T_i]) x = e_i is solved with the given {@link ConjugateGradient} and x is
 * stored as row i (ids T_i, values x). Default {@code nTrunc} = {@value #DEFAULT_N_TRUNC}.
 *
 * <p><b>Online</b>: score = sum_j w_j * row_{id_j} over the query's kq nearest items, with
 * w_j = max(s_j, 0)^gamma (gamma = 3 in the definitions). Without truncation (nTrunc = n) row i
 * is the i-th column of (I - alpha S)^-1, so the online score equals the full diffusion of y.
 *
 * <p><b>Memory</b>: every row stores min(nTrunc, n) entries as an int id and a float value,
 * i.e. 8 n min(nTrunc, n) bytes plus array headers: 40 MB for 5,000 items with nTrunc = 1,000,
 * 8 GB for a million. Values are kept in float, as the reference implementation does; this
 * rounds each stored value to about 6e-8 relative. Offline cost: n CG solves on nTrunc-node
 * systems (the definitions quote ~1.4 ms per item), spread over all cores. Immutable.
 */
public final class OfflineDiffusion {

    /** Default truncation size. */
    public static final int DEFAULT_N_TRUNC = 1000;

    /** Items whose truncated systems one parallel task solves. */
    private static final int SOLVE_BLOCK = 32;

    private final int[][] rowIds;
    private final float[][] rowValues;

    private OfflineDiffusion(int[][] rowIds, float[][] rowValues) {
        this.rowIds = rowIds;
        this.rowValues = rowValues;
    }

    /**
     * Precomputes all rows.
     *
     * @param database the vectors the graph was built on (node order)
     * @param graph    the full graph over {@code database} (its S is restricted, not re-normalised)
     * @param nTrunc   truncation size, {@code >= 1}
     * @param solver   alpha, tolerance and iteration limit of the per-item solves
     * @param search   neighbour search for the truncation sets
     * @throws IllegalArgumentException if {@code nTrunc < 1} or the graph does not match the vectors
     */
    public static OfflineDiffusion build(
        float[][] database,
        AffinityGraph graph,
        int nTrunc,
        ConjugateGradient solver,
        NeighbourSearch search
    ) {
        if (nTrunc < 1) {
            throw new IllegalArgumentException("offline diffusion [n_trunc] must be >= 1 but was [" + nTrunc + "]");
        }
        int n = database.length;
        if (graph.size() != n) {
            throw new IllegalArgumentException("graph has [" + graph.size() + "] nodes but [" + n + "] vectors were given");
        }
        VectorMath.requireFiniteRows(database, "database vector");
        int others = Math.min(nTrunc, n) - 1;
        Neighbours[] truncation = others > 0 ? search.allNearest(database, others, NeighbourSearch.Self.EXCLUDED) : null;
        SparseMatrix s = graph.normalized();
        int[][] rowIds = new int[n][];
        float[][] rowValues = new float[n][];
        int blocks = (n + SOLVE_BLOCK - 1) / SOLVE_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int[] localOf = new int[n];
            Arrays.fill(localOf, -1);
            int from = b * SOLVE_BLOCK;
            int to = Math.min(n, from + SOLVE_BLOCK);
            for (int i = from; i < to; i++) {
                int[] ids = truncationSet(i, truncation == null ? null : truncation[i]);
                double[] unit = new double[ids.length];
                unit[0] = 1; // e_i: item i is local node 0
                CgSolution x = solver.solve(s.restrictTo(ids, localOf), unit);
                float[] values = new float[ids.length];
                for (int t = 0; t < ids.length; t++) {
                    values[t] = (float) x.score(t);
                }
                rowIds[i] = ids;
                rowValues[i] = values;
            }
        });
        return new OfflineDiffusion(rowIds, rowValues);
    }

    /**
     * {@link #build} with defaults: nTrunc = 1000, default solver, exact search
     * ({@link ExactNeighbourSearch#defaults()}).
     *
     * @param database the vectors the graph was built on (node order)
     * @param graph    the full graph over {@code database}
     * @return the offline rows
     */
    public static OfflineDiffusion build(float[][] database, AffinityGraph graph) {
        return build(database, graph, DEFAULT_N_TRUNC, ConjugateGradient.defaults(), ExactNeighbourSearch.defaults());
    }

    /**
     * Offline rows read back from storage (as {@link #rowIds(int)} and {@link #rowValues(int)}
     * returned them), copied.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a row's ids and values
     *     differ in length, or an id is outside [0, n)
     */
    public static OfflineDiffusion fromRows(int[][] rowIds, float[][] rowValues) {
        int n = rowIds.length;
        if (rowValues.length != n) {
            throw new IllegalArgumentException("[" + n + "] row id arrays but [" + rowValues.length + "] row value arrays");
        }
        int[][] ids = new int[n][];
        float[][] values = new float[n][];
        for (int i = 0; i < n; i++) {
            if (rowIds[i].length != rowValues[i].length) {
                throw new IllegalArgumentException("row [" + i + "] has [" + rowIds[i].length + "] ids but [" + rowValues[i].length + "] values");
            }
            for (int id : rowIds[i]) {
                if (id < 0 || id >= n) {
                    throw new IllegalArgumentException("row [" + i + "] holds id [" + id + "] outside [0, " + n + ")");
                }
            }
            ids[i] = rowIds[i].clone();
            values[i] = rowValues[i].clone();
        }
        return new OfflineDiffusion(ids, values);
    }

    private static int[] truncationSet(int i, Neighbours others) {
        int m = others == null ? 0 : others.size();
        int[] ids = new int[m + 1];
        ids[0] = i;
        for (int t = 0; t < m; t++) {
            ids[t + 1] = others.id(t);
        }
        return ids;
    }

    /** Number of database items. */
    public int size() {
        return rowIds.length;
    }

    /** Truncation set of item i (i first), a copy. */
    public int[] rowIds(int i) {
        return rowIds[i].clone();
    }

    /** Stored values of row i aligned with {@link #rowIds(int)}, a copy. */
    public float[] rowValues(int i) {
        return rowValues[i].clone();
    }

    /** Total stored entries over all rows. */
    public long storedEntries() {
        long total = 0;
        for (int[] ids : rowIds) {
            total += ids.length;
        }
        return total;
    }

    /** Approximate heap size of the stored rows: 8 bytes per entry plus 16-byte array headers. */
    public long memoryBytes() {
        return 8 * storedEntries() + 2L * 16 * rowIds.length;
    }

    /**
     * Online scores for explicit neighbours and weights: out = sum_t weights[t] * row_{ids[t]}.
     *
     * @throws IllegalArgumentException if lengths differ, an id is out of range or a weight is not finite
     */
    public double[] scores(int[] ids, double[] weights) {
        if (ids.length != weights.length) {
            throw new IllegalArgumentException(
                "online query has [" + ids.length + "] neighbour ids but [" + weights.length + "] weights");
        }
        int n = rowIds.length;
        double[] out = new double[n];
        for (int t = 0; t < ids.length; t++) {
            int id = ids[t];
            if (id < 0 || id >= n) {
                throw new IllegalArgumentException("online query neighbour id [" + id + "] is out of range [0, " + n + ")");
            }
            if (Double.isFinite(weights[t]) == false) {
                throw new IllegalArgumentException("online query weight [" + weights[t] + "] at position " + t + " is not finite");
            }
            int[] rowId = rowIds[id];
            float[] rowValue = rowValues[id];
            for (int e = 0; e < rowId.length; e++) {
                out[rowId[e]] += weights[t] * rowValue[e];
            }
        }
        return out;
    }

    /** Online scores for the query's neighbours, weighted max(s, 0)^gamma by {@code weighting}. */
    public double[] scores(Neighbours queryNeighbours, QueryWeighting weighting) {
        return scores(queryNeighbours.ids(), weighting.weights(queryNeighbours));
    }

    /**
     * Online scores for a query vector: its kq nearest items in {@code database}, then
     * {@link #scores(Neighbours, QueryWeighting)}.
     *
     * @param database the database vectors prepared once by a {@link NeighbourSearch}
     * @param query    the query vector, finite, of the database's dimension
     * @param weighting kq and gamma
     * @return one score per database item
     * @throws IllegalArgumentException if the database size differs from the offline rows or the query is invalid
     */
    public double[] scores(NeighbourSearch.Prepared database, float[] query, QueryWeighting weighting) {
        if (database.size() != rowIds.length) {
            throw new IllegalArgumentException(
                "offline rows cover [" + rowIds.length + "] items but [" + database.size() + "] vectors were given");
        }
        return scores(weighting.neighbours(database, query), weighting);
    }
}
