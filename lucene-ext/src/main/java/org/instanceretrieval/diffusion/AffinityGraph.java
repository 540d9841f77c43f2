package org.instanceretrieval.diffusion;

import org.instanceretrieval.math.VectorMath;

import java.util.Arrays;

/**
 * The sparse mutual-kNN affinity graph of Iscen et al. (CVPR 2017), as in the retrieval
 * definitions ("Diffusion"):
 * <ul>
 *   <li>each node's {@code k} nearest other nodes by dot product (self excluded; ties by lower
 *       index), via a {@link NeighbourSearch};</li>
 *   <li>a_ij = max(s_ij, 0)^gamma, kept only when i is among j's neighbours and j among i's
 *       (mutual); zero diagonal; s_ij is taken from the lower-index node's dot product so A is
 *       exactly symmetric; zero affinities are not stored;</li>
 *   <li>S = D^-1/2 A D^-1/2 with d_i the row sums of A: s_ij = a_ij / sqrt(d_i d_j). A node
 *       without edges has d_i = 0 and an empty (zero) row, never Inf or NaN.</li>
 * </ul>
 * A and S are stored in CSR form sharing their structure arrays (about 4 n + 20 nnz bytes,
 * nnz &lt;= n k). Input vectors are expected L2-normalised (not enforced); they must be finite
 * and of one dimension. Immutable.
 */
public final class AffinityGraph {

    private final SparseMatrix affinity;
    private final SparseMatrix normalized;
    private final double[] degrees;

    private AffinityGraph(SparseMatrix affinity, SparseMatrix normalized, double[] degrees) {
        this.affinity = affinity;
        this.normalized = normalized;
        this.degrees = degrees;
    }

    /** Builds the graph over {@code vectors} with the brute-force neighbour search. */
    public static AffinityGraph build(float[][] vectors, GraphParameters parameters) {
        return build(vectors, parameters, BruteForceNeighbourSearch.INSTANCE);
    }

    /**
     * Builds the graph over {@code vectors} (node i = row i).
     *
     * @param vectors    row-major database vectors, finite, one dimension; may be empty
     * @param parameters k and gamma
     * @param search     the neighbour search to use
     * @throws IllegalArgumentException on a dimension mismatch or a non-finite value
     */
    public static AffinityGraph build(float[][] vectors, GraphParameters parameters, NeighbourSearch search) {
        requireVectors(vectors);
        int n = vectors.length;
        Neighbours[] neighbours = search.allNearest(vectors, parameters.k());

        // Each node's neighbour list sorted by index, for the mutual test by binary search.
        int[][] idsByIndex = new int[n][];
        float[][] scoresByIndex = new float[n][];
        for (int i = 0; i < n; i++) {
            int m = neighbours[i].size();
            long[] packed = new long[m];
            for (int t = 0; t < m; t++) {
                packed[t] = ((long) neighbours[i].id(t) << 32) | t;
            }
            Arrays.sort(packed);
            idsByIndex[i] = new int[m];
            scoresByIndex[i] = new float[m];
            for (int t = 0; t < m; t++) {
                idsByIndex[i][t] = (int) (packed[t] >>> 32);
                scoresByIndex[i][t] = neighbours[i].score((int) packed[t]);
            }
        }

        int[] rowStart = new int[n + 1];
        int[] columns = new int[countEdges(idsByIndex, scoresByIndex, parameters.gamma(), rowStart)];
        double[] values = new double[columns.length];
        double[] degrees = new double[n];
        for (int i = 0; i < n; i++) {
            int e = rowStart[i];
            for (int t = 0; t < idsByIndex[i].length; t++) {
                double a = mutualAffinity(i, t, idsByIndex, scoresByIndex, parameters.gamma());
                if (a > 0) {
                    columns[e] = idsByIndex[i][t];
                    values[e] = a;
                    degrees[i] += a;
                    e++;
                }
            }
        }
        double[] normalizedValues = new double[values.length];
        for (int i = 0; i < n; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                // d_i * d_j is commutative, so S stays exactly symmetric; an edge implies both
                // degrees are > 0, so no division by zero
                normalizedValues[e] = values[e] / Math.sqrt(degrees[i] * degrees[columns[e]]);
            }
        }
        return new AffinityGraph(
            new SparseMatrix(rowStart, columns, values),
            new SparseMatrix(rowStart, columns, normalizedValues),
            degrees);
    }

    /**
     * Early truncation (definitions: "restrict to the top R by the first-stage score and
     * re-normalise the subgraph"): builds and normalises the graph on the candidate vectors only.
     * Node s of the result is database item {@code candidateIds[s]}.
     *
     * @param vectors      all database vectors
     * @param candidateIds distinct indices into {@code vectors} (e.g. {@link DiffusionRanking#top})
     * @throws IllegalArgumentException if an id is out of range or repeated
     */
    public static AffinityGraph buildOnSubset(
        float[][] vectors,
        int[] candidateIds,
        GraphParameters parameters,
        NeighbourSearch search
    ) {
        return build(select(vectors, candidateIds), parameters, search);
    }

    /** {@link #buildOnSubset(float[][], int[], GraphParameters, NeighbourSearch)} with brute-force search. */
    public static AffinityGraph buildOnSubset(float[][] vectors, int[] candidateIds, GraphParameters parameters) {
        return buildOnSubset(vectors, candidateIds, parameters, BruteForceNeighbourSearch.INSTANCE);
    }

    /** The rows {@code ids} of {@code vectors}, by reference, validating the ids. */
    static float[][] select(float[][] vectors, int[] ids) {
        boolean[] seen = new boolean[vectors.length];
        float[][] subset = new float[ids.length][];
        for (int s = 0; s < ids.length; s++) {
            int id = ids[s];
            if (id < 0 || id >= vectors.length) {
                throw new IllegalArgumentException(
                    "candidate id [" + id + "] is out of range [0, " + vectors.length + ")");
            }
            if (seen[id]) {
                throw new IllegalArgumentException("candidate id [" + id + "] is repeated");
            }
            seen[id] = true;
            subset[s] = vectors[id];
        }
        return subset;
    }

    static void requireVectors(float[][] vectors) {
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null) {
                throw new IllegalArgumentException("database vector [" + i + "] is null");
            }
            VectorMath.requireSameDimension(vectors[i], vectors[0], "database vector [" + i + "]", "database vector [0]");
            VectorMath.requireFinite(vectors[i], "database vector [" + i + "]");
        }
    }

    private static int countEdges(int[][] idsByIndex, float[][] scoresByIndex, double gamma, int[] rowStart) {
        for (int i = 0; i < idsByIndex.length; i++) {
            int edges = 0;
            for (int t = 0; t < idsByIndex[i].length; t++) {
                if (mutualAffinity(i, t, idsByIndex, scoresByIndex, gamma) > 0) {
                    edges++;
                }
            }
            rowStart[i + 1] = rowStart[i] + edges;
        }
        return rowStart[idsByIndex.length];
    }

    /** a_ij for the t-th (by index) neighbour j of i; 0 unless i and j are mutual neighbours. */
    private static double mutualAffinity(int i, int t, int[][] idsByIndex, float[][] scoresByIndex, double gamma) {
        int j = idsByIndex[i][t];
        int back = Arrays.binarySearch(idsByIndex[j], i);
        if (back < 0) {
            return 0d;
        }
        float similarity = i < j ? scoresByIndex[i][t] : scoresByIndex[j][back];
        return GraphParameters.affinity(similarity, gamma);
    }

    /** Number of nodes. */
    public int size() {
        return degrees.length;
    }

    /** The symmetric affinity matrix A (mutual edges only, zero diagonal). */
    public SparseMatrix affinity() {
        return affinity;
    }

    /** The normalised matrix S = D^-1/2 A D^-1/2 (zero rows for isolated nodes). */
    public SparseMatrix normalized() {
        return normalized;
    }

    /** Degree d_i = sum_j a_ij of node {@code i} (0 for an isolated node). */
    public double degree(int i) {
        return degrees[i];
    }
}
