package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.graph.NeighbourList;

import java.util.HashMap;
import java.util.Map;

/**
 * Independent dense expectation of diffusion by truncation on a precomputed graph (retrieval definitions, "Truncation on a
 * precomputed graph"), written from the definition with plain loops: a_ij = max(s_ij, 0)^gamma, s_ij the dot product of the
 * two vectors, when j is among the first k entries of i's stored list and i among j's and both are in the window; zero
 * diagonal; S = D^-1/2 A D^-1/2 ({@link BruteForce#normalize}); y on the queryK window items nearest the query
 * ({@link BruteForce#queryVector}); f by {@link BruteForce#conjugateGradient}. Never uses the code under test.
 */
final class StoredGraphBruteForce {

    private StoredGraphBruteForce() {}

    /**
     * f, one per window item.
     *
     * @param windowIds     the window's document ids, first-pass order
     * @param windowVectors their vectors
     * @param lists         every document's stored list, by id (a missing id has no list)
     */
    static double[] diffusion(String[] windowIds, float[][] windowVectors, Map<String, NeighbourList> lists, float[] q, int k, double gamma,
                              int queryK, double alpha, double tolerance, int maxIterations) {
        int r = windowIds.length;
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < r; i++) {
            position.put(windowIds[i], i);
        }
        boolean[][] listed = new boolean[r][r];
        for (int i = 0; i < r; i++) {
            NeighbourList list = lists.get(windowIds[i]);
            for (int t = 0; list != null && t < Math.min(k, list.size()); t++) {
                Integer j = position.get(list.id(t));
                if (j != null) {
                    listed[i][j] = true;
                }
            }
        }
        double[][] a = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                if (i != j && listed[i][j] && listed[j][i]) {
                    a[i][j] = Math.pow(Math.max(BruteForce.dot(windowVectors[i], windowVectors[j]), 0), gamma);
                }
            }
        }
        double[] y = BruteForce.queryVector(windowVectors, q, queryK, gamma);
        return BruteForce.conjugateGradient(BruteForce.normalize(a), y, alpha, tolerance, maxIterations);
    }
}
