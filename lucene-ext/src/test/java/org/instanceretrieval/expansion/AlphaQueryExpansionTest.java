package org.instanceretrieval.expansion;

import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.neighbours.Neighbours;

import org.junit.Test;

import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class AlphaQueryExpansionTest {

    // q = (1, 0); results in ranking order: d1 = (0.6, 0.8) s = 0.6, d2 = (0, 1) s = 0, d3 = (-1, 0) s = -1
    private static final float[] Q = { 1, 0 };
    private static final float[][] D = { { 0.6f, 0.8f }, { 0, 1 }, { -1, 0 } };
    private static final float[] S = { 0.6f, 0f, -1f };

    @Test
    public void averageQueryExpansionByHand() {
        // n = 2: q + d1 + d2 = (1.6, 1.8), norm sqrt(2.56 + 3.24) = sqrt(5.8)
        float n2 = (float) Math.sqrt(5.8);
        assertArrayEquals(new float[] { 1.6f / n2, 1.8f / n2 }, AlphaQueryExpansion.averageQueryExpansion(2).expand(Q, D, S), 1e-6f);
        // n = 3: the negative-similarity d3 also has weight 1 in AQE: (0.6, 1.8), norm sqrt(0.36 + 3.24) = sqrt(3.6)
        float n3 = (float) Math.sqrt(3.6);
        assertArrayEquals(new float[] { 0.6f / n3, 1.8f / n3 }, AlphaQueryExpansion.averageQueryExpansion(3).expand(Q, D, S), 1e-6f);
    }

    @Test
    public void alphaQueryExpansionByHand() {
        // alpha = 3: w = (0.6^3, 0^3, max(-1, 0)^3) = (0.216, 0, 0): q + 0.216 d1 = (1.1296, 0.1728)
        float n = (float) Math.sqrt(1.1296 * 1.1296 + 0.1728 * 0.1728);
        assertArrayEquals(new float[] { 1.1296f / n, 0.1728f / n }, new AlphaQueryExpansion(3, 3f).expand(Q, D, S), 1e-6f);
        // alpha = 0.5 (fractional): w = (sqrt(0.6), 0, 0), the negative similarity gives 0, not NaN
        double w = Math.sqrt(0.6);
        double x = 1 + 0.6 * w;
        double y = 0.8 * w;
        double norm = Math.sqrt(x * x + y * y);
        assertArrayEquals(new float[] { (float) (x / norm), (float) (y / norm) }, new AlphaQueryExpansion(3, 0.5f).expand(Q, D, S), 1e-6f);
    }

    @Test
    public void weights() {
        assertEquals(1f, AlphaQueryExpansion.weight(-0.5f, 0f), 0f);
        assertEquals(1f, AlphaQueryExpansion.weight(0f, 0f), 0f);
        assertEquals(0f, AlphaQueryExpansion.weight(-0.5f, 0.5f), 0f);
        assertEquals(0.5f, AlphaQueryExpansion.weight(0.25f, 0.5f), 1e-7f);
        assertEquals(0.125f, AlphaQueryExpansion.weight(0.5f, 3f), 1e-7f);
        assertEquals(0.8f, AlphaQueryExpansion.weight(0.8f, 1f), 0f);
    }

    @Test
    public void zeroNeighboursNormalisesTheQuery() {
        assertArrayEquals(new float[] { 0.6f, 0.8f }, new AlphaQueryExpansion(0, 3).expand(new float[] { 3, 4 }, D, S), 1e-7f);
    }

    @Test
    public void fewerResultsThanNeighboursUsesThemAll() {
        assertArrayEquals(AlphaQueryExpansion.averageQueryExpansion(3).expand(Q, D, S),
            AlphaQueryExpansion.seedDefault().expand(Q, D, S), 0f);
        assertEquals(10, AlphaQueryExpansion.seedDefault().neighbours());
        assertEquals(0f, AlphaQueryExpansion.seedDefault().alpha(), 0f);
    }

    @Test
    public void cancellingResultsGiveTheZeroVectorNotNaN() {
        // q + d with d = -q: AQE sum is exactly zero
        assertArrayEquals(new float[2], AlphaQueryExpansion.averageQueryExpansion(1).expand(Q, new float[][] { { -1, 0 } }, new float[] { -1 }), 0f);
    }

    @Test
    public void matchesTheReferenceOnRandomData() {
        Random random = new Random(41);
        float[][] database = ExpansionReference.randomUnitVectors(random, 60, 16);
        for (float alpha : new float[] { 0f, 0.5f, 1f, 3f }) {
            for (int n : new int[] { 1, 5, 10, 60 }) {
                float[] q = ExpansionReference.randomUnitVectors(random, 1, 16)[0];
                Neighbours ranking = ExactNeighbourSearch.defaults().nearest(database, q, n);
                float[] expected = ExpansionReference.alphaQe(q, database, n, alpha);
                AlphaQueryExpansion qe = new AlphaQueryExpansion(n, alpha);
                assertArrayEquals(expected, qe.expand(q, ranking, database), 1e-6f);
                float[][] vectors = new float[ranking.size()][];
                for (int j = 0; j < vectors.length; j++) {
                    vectors[j] = database[ranking.id(j)];
                }
                assertArrayEquals(expected, qe.expand(q, vectors, ranking.scores()), 1e-6f);
            }
        }
    }

    @Test
    public void rejectsInvalidInput() {
        assertMessage("neighbours", () -> new AlphaQueryExpansion(-1, 0));
        assertMessage("alpha", () -> new AlphaQueryExpansion(10, -0.5f));
        assertMessage("alpha", () -> new AlphaQueryExpansion(10, Float.NaN));
        assertMessage("alpha", () -> AlphaQueryExpansion.weight(0.5f, Float.POSITIVE_INFINITY));
        assertMessage("similarity", () -> AlphaQueryExpansion.weight(Float.NaN, 1));
        AlphaQueryExpansion qe = AlphaQueryExpansion.seedDefault();
        assertMessage("scores", () -> qe.expand(Q, D, new float[] { 1 }));
        assertMessage("dimension", () -> qe.expand(Q, new float[][] { { 1, 0, 0 } }, new float[] { 1 }));
        assertMessage("non-finite", () -> qe.expand(new float[] { Float.NaN, 0 }, D, S));
        assertMessage("similarity", () -> qe.expand(Q, D, new float[] { 0.6f, Float.NaN, 0 }));
        assertMessage("outside the database", () -> qe.expand(Q, new Neighbours(new int[] { 5 }, new float[] { 1 }), D));
    }

    static void assertMessage(String fragment, org.junit.function.ThrowingRunnable runnable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runnable);
        assertTrue("[" + e.getMessage() + "] should mention [" + fragment + "]", e.getMessage().contains(fragment));
    }
}
