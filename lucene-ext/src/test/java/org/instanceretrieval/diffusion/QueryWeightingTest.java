package org.instanceretrieval.diffusion;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class QueryWeightingTest {

    @Test
    public void keepsTheKqNearestCubed() {
        float[] sims = { 0.5f, -0.2f, 0.9f, 0.5f, 0.1f };
        // kq = 3: 2 (0.9), then the 0.5 tie by index: 0, 3 -> 0.9^3 = 0.729, 0.5^3 = 0.125
        assertArrayEquals(new double[] { 0.125, 0, 0.729, 0.125, 0 },
            new QueryWeighting(3, 3).queryVector(sims), 1e-7);
        // kq = 2: the tie at 0.5 keeps index 0, not 3
        assertArrayEquals(new double[] { 0.125, 0, 0.729, 0, 0 },
            new QueryWeighting(2, 3).queryVector(sims), 1e-7);
    }

    @Test
    public void negativeSimilaritiesWeighZeroNotNaN() {
        // fractional gamma on a negative similarity would be NaN without the max(s, 0) clamp
        assertArrayEquals(new double[] { 0, 0 }, new QueryWeighting(2, 0.5).queryVector(new float[] { -0.5f, -0.25f }), 0);
    }

    @Test
    public void regionalQuerySumsRegionsFirst() {
        float[][] regions = { { 0.1f, 0.4f, 0.2f }, { 0.3f, -0.1f, 0.2f } };
        // sums: 0.4, 0.3, 0.4; kq = 2 keeps 0 and 2 (tie by index); gamma = 1
        assertArrayEquals(new double[] { 0.4, 0, 0.4 }, new QueryWeighting(2, 1).regionalQueryVector(regions), 1e-6);
        // gamma = 3 applies after summing: 0.4^3 = 0.064, not 0.1^3 + 0.3^3 = 0.028
        assertEquals(0.064, new QueryWeighting(1, 3).regionalQueryVector(regions)[0], 1e-6);
    }

    @Test
    public void queryVectorFromDatabase() {
        float[][] db = { { 1, 0 }, { 0, 1 }, { 0.6f, 0.8f } };
        // q = (1, 0): sims 1, 0, 0.6 -> kq = 2 keeps 0 and 2: 1^3 = 1, 0.6^3 = 0.216
        assertArrayEquals(new double[] { 1, 0, 0.216 },
            new QueryWeighting(2, 3).queryVector(db, new float[] { 1, 0 }, BruteForceNeighbourSearch.INSTANCE), 1e-6);
    }

    @Test
    public void validates() {
        assertEquals("query parameter [kq] must be >= 1 but was [0]",
            assertThrows(IllegalArgumentException.class, () -> new QueryWeighting(0, 3)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new QueryWeighting(10, -1));
        assertThrows(IllegalArgumentException.class, () -> new QueryWeighting(10, Double.POSITIVE_INFINITY));
        QueryWeighting w = QueryWeighting.defaults();
        assertEquals(10, w.kq());
        assertEquals(3, w.gamma(), 0);
        assertThrows(IllegalArgumentException.class, () -> w.regionalQueryVector(new float[0][]));
        assertThrows(IllegalArgumentException.class, () -> w.regionalQueryVector(new float[][] { { 1 }, { 1, 2 } }));
        assertThrows(IllegalArgumentException.class, () -> w.queryVector(new float[] { Float.NaN }));
        assertThrows(IllegalArgumentException.class,
            () -> w.queryVector(new float[][] { { 1, 0 } }, new float[] { 1, 0, 0 }, BruteForceNeighbourSearch.INSTANCE));
    }
}
