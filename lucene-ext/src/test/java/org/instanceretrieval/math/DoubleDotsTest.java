package org.instanceretrieval.math;

import org.junit.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * {@link DoubleDots}: every off-diagonal entry equals the plain left-to-right sum of products written here (to 1e-13 of the
 * vectors' norms), is the same both ways, the diagonal is untouched, in the scalar and the Vector API forms, over sizes that
 * leave a partial block and dimensions that leave a tail past the last whole vector.
 */
public class DoubleDotsTest {

    private static double[][] random(Random random, int n, int dim) {
        double[][] rows = new double[n][dim];
        for (double[] row : rows) {
            for (int t = 0; t < dim; t++) {
                row[t] = random.nextGaussian();
            }
        }
        return rows;
    }

    private static void assertDots(double[][] rows, double[][] out) {
        int n = rows.length;
        for (int a = 0; a < n; a++) {
            assertEquals("diagonal untouched", -7.0, out[a][a], 0.0);
            for (int b = 0; b < n; b++) {
                if (a == b) {
                    continue;
                }
                double plain = 0, na = 0, nb = 0;
                for (int t = 0; t < rows[a].length; t++) {
                    plain += rows[a][t] * rows[b][t];
                    na += rows[a][t] * rows[a][t];
                    nb += rows[b][t] * rows[b][t];
                }
                assertEquals(a + "," + b, plain, out[a][b], 1e-13 * Math.sqrt(na * nb));
                assertEquals("symmetric", out[a][b], out[b][a], 0.0);
            }
        }
    }

    private static double[][] filled(int n) {
        double[][] out = new double[n][n];
        for (double[] row : out) {
            Arrays.fill(row, -7.0);
        }
        return out;
    }

    @Test
    public void matchesThePlainSumInBothForms() {
        Random random = new Random(11);
        int[][] shapes = { { 1, 5 }, { 2, 3 }, { 5, 8 }, { 9, 17 }, { 16, 64 }, { 23, 131 }, { 40, 2048 }, { 37, 39 } };
        for (int[] shape : shapes) {
            double[][] rows = random(random, shape[0], shape[1]);
            double[][] scalar = filled(shape[0]);
            DoubleDots.walk(rows, scalar, () -> {}, DoubleDots::dot);
            assertDots(rows, scalar);
            double[][] chosen = filled(shape[0]);
            DoubleDots.symmetric(rows, chosen, () -> {});
            assertDots(rows, chosen);
            if (DoubleDots.vectorized()) {
                double[][] panama = filled(shape[0]);
                DoubleDots.walk(rows, panama, () -> {}, PanamaDoubleDots::dot);
                assertDots(rows, panama);
            }
        }
    }

    @Test
    public void theVectorFormRunsInTheseTests() {
        // the module's surefire argLine adds jdk.incubator.vector; CI's CPUs have AVX2 or wider: the Vector API form above ran
        assertTrue("the Vector API form was not tested", DoubleDots.vectorized());
    }

    @Test
    public void checksPointOncePerBlockOfRows() {
        int[] calls = new int[1];
        DoubleDots.symmetric(random(new Random(3), 40, 7), new double[40][40], () -> calls[0]++);
        assertEquals(3, calls[0]); // rows 0-15, 16-31, 32-39
    }
}
