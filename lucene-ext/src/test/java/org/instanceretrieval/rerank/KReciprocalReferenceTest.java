package org.instanceretrieval.rerank;

import org.instanceretrieval.testing.ClusteredVectors;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * {@link KReciprocal} against a literal, dense transcription of the authors' {@code re_ranking} (one query, the window as
 * the gallery, original_dist = 2 - 2 cos, divided by the column max and transposed) written here with plain loops and no
 * class of the main code, over a few hundred vectors.
 */
public class KReciprocalReferenceTest {

    /** How many rows of the last reference run had R* larger than R (the expansion added members). */
    private int expandedRows;

    /** The reference's final_dist[0, 1:] for query + window. */
    private double[] reference(float[] query, float[][] window, int k1, int k2, double lambda) {
        int n = window.length + 1;
        float[][] all = new float[n][];
        all[0] = query;
        System.arraycopy(window, 0, all, 1, window.length);
        // original_dist = 2 - 2 * (cosine similarity), the diagonal 0, negatives clipped
        double[][] dist = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0, ni = 0, nj = 0;
                for (int t = 0; t < query.length; t++) {
                    dot += (double) all[i][t] * all[j][t];
                    ni += (double) all[i][t] * all[i][t];
                    nj += (double) all[j][t] * all[j][t];
                }
                double cos = ni == 0 || nj == 0 ? 0 : dot / (Math.sqrt(ni) * Math.sqrt(nj));
                dist[i][j] = i == j ? 0 : Math.max(0, 2 - 2 * cos);
            }
        }
        // original_dist = transpose(original_dist / max(original_dist, axis=0))
        double[][] od = new double[n][n];
        for (int j = 0; j < n; j++) {
            double colMax = 0;
            for (int i = 0; i < n; i++) {
                colMax = Math.max(colMax, dist[i][j]);
            }
            for (int i = 0; i < n; i++) {
                od[j][i] = colMax == 0 ? dist[i][j] : dist[i][j] / colMax;
            }
        }
        // initial_rank = argsort(original_dist) with the point itself first, then value, then index
        int[][] initialRank = new int[n][];
        for (int i = 0; i < n; i++) {
            final int self = i;
            final double[] row = od[i];
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> a == self ? -1 : b == self ? 1 : row[a] != row[b] ? Double.compare(row[a], row[b])
                : Integer.compare(a, b));
            initialRank[i] = new int[n];
            for (int j = 0; j < n; j++) {
                initialRank[i][j] = order[j];
            }
        }
        double[][] v = new double[n][n];
        int half = (int) Math.round(k1 / 2.0) - (k1 % 4 == 1 ? 1 : 0); // np.around: half to even (k1 / 2 = x.5 when k1 odd)
        expandedRows = 0;
        for (int i = 0; i < n; i++) {
            List<Integer> kReciprocal = kReciprocalNeighbours(initialRank, i, k1);
            List<Integer> expansion = new ArrayList<>(kReciprocal);
            for (int candidate : kReciprocal) {
                List<Integer> candidateSet = kReciprocalNeighbours(initialRank, candidate, half);
                int common = 0;
                for (int c : candidateSet) {
                    if (kReciprocal.contains(c)) {
                        common++;
                    }
                }
                if (common > 2. / 3 * candidateSet.size()) {
                    expansion.addAll(candidateSet);
                }
            }
            boolean[] member = new boolean[n];
            int distinct = 0;
            for (int e : expansion) {
                if (member[e] == false) {
                    member[e] = true;
                    distinct++;
                }
            }
            if (distinct > kReciprocal.size()) {
                expandedRows++;
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                if (member[j]) {
                    sum += Math.exp(-od[i][j]);
                }
            }
            for (int j = 0; j < n; j++) {
                if (member[j]) {
                    v[i][j] = Math.exp(-od[i][j]) / sum;
                }
            }
        }
        if (k2 != 1) {
            int m = Math.min(k2, n);
            double[][] vqe = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < m; t++) {
                    for (int j = 0; j < n; j++) {
                        vqe[i][j] += v[initialRank[i][t]][j];
                    }
                }
                for (int j = 0; j < n; j++) {
                    vqe[i][j] /= m;
                }
            }
            v = vqe;
        }
        double[] finalDist = new double[n - 1];
        for (int j = 1; j < n; j++) {
            double tempMin = 0;
            for (int c = 0; c < n; c++) {
                tempMin += Math.min(v[0][c], v[j][c]);
            }
            double jaccard = 1 - tempMin / (2. - tempMin);
            finalDist[j - 1] = jaccard * (1 - lambda) + od[0][j] * lambda;
        }
        return finalDist;
    }

    /** forward = initial_rank[i, :k+1]; kept where i is in initial_rank[forward, :k+1]. */
    private static List<Integer> kReciprocalNeighbours(int[][] initialRank, int i, int k) {
        int m = Math.min(k + 1, initialRank.length);
        List<Integer> out = new ArrayList<>();
        for (int f = 0; f < m; f++) {
            int b = initialRank[i][f];
            for (int s = 0; s < m; s++) {
                if (initialRank[b][s] == i) {
                    out.add(b);
                    break;
                }
            }
        }
        return out;
    }

    private void assertSame(float[] query, float[][] window, int k1, int k2, double lambda) {
        double[] expected = reference(query, window, k1, k2, lambda);
        double[] actual = new KReciprocal(k1, k2, lambda).distances(query, window).distances();
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals("k1 " + k1 + " k2 " + k2 + " lambda " + lambda + " item " + j, expected[j], actual[j], 1e-6);
        }
    }

    @Test
    public void halfRoundingOfTheReferenceIsNumpys() {
        // the reference's own rounding of k1 / 2 (checked here against the values np.around gives)
        int[][] k1AndHalf = { { 1, 0 }, { 2, 1 }, { 3, 2 }, { 5, 2 }, { 7, 4 }, { 9, 4 }, { 20, 10 }, { 21, 10 } };
        for (int[] c : k1AndHalf) {
            assertEquals(c[1], (int) Math.round(c[0] / 2.0) - (c[0] % 4 == 1 ? 1 : 0));
        }
    }

    @Test
    public void defaultsOnClusteredVectorsEqualTheReference() {
        float[][] points = ClusteredVectors.generate(301, 16, 12, 0.35, 11);
        float[][] window = Arrays.copyOfRange(points, 1, points.length);
        assertSame(points[0], window, 20, 6, 0.3);
        assertTrue("the expansion step must add members to some rows", expandedRows > 0);
    }

    @Test
    public void otherParametersOnClusteredVectorsEqualTheReference() {
        float[][] points = ClusteredVectors.generate(250, 8, 9, 0.5, 5);
        float[][] window = Arrays.copyOfRange(points, 1, points.length);
        int[][] ks = { { 1, 1 }, { 5, 2 }, { 7, 1 }, { 9, 30 }, { 40, 6 }, { 60, 300 } };
        double[] lambdas = { 0, 0.3, 1 };
        for (int[] k : ks) {
            for (double lambda : lambdas) {
                assertSame(points[0], window, k[0], k[1], lambda);
            }
        }
    }

    @Test
    public void unnormalisedAndZeroVectorsEqualTheReference() {
        Random random = new Random(3);
        float[][] window = new float[200][6];
        for (int i = 0; i < window.length; i++) {
            for (int t = 0; t < 6; t++) {
                window[i][t] = i % 37 == 5 ? 0 : (float) (random.nextGaussian() * (1 + i % 4) + (i % 3 == 0 ? 2 : 0));
            }
        }
        float[] query = { 2, 0.5f, -1, 0, 3, 1 };
        assertSame(query, window, 20, 6, 0.3);
        assertSame(query, window, 6, 3, 0.5);
        assertSame(query, Arrays.copyOf(window, 10), 20, 6, 0.3); // k1 + 1 and k2 above the 11 points
    }
}
