package org.instanceretrieval.diffusion;

import org.apache.lucene.util.VectorUtil;
import org.junit.Test;

import java.util.Arrays;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class BruteForceNeighbourSearchTest {

    /** Reference: sort every candidate by (similarity desc, index asc), keep k. */
    private static int[] naive(float[][] db, float[] query, int exclude, int k) {
        Integer[] ids = new Integer[db.length];
        float[] sims = new float[db.length];
        for (int j = 0; j < db.length; j++) {
            ids[j] = j;
            sims[j] = VectorUtil.dotProduct(query, db[j]);
        }
        Arrays.sort(ids, (a, b) -> sims[a] != sims[b] ? Float.compare(sims[b], sims[a]) : Integer.compare(a, b));
        return Arrays.stream(ids).mapToInt(Integer::intValue).filter(j -> j != exclude).limit(k).toArray();
    }

    private static float[][] withDuplicates(int n) {
        float[][] db = TestVectors.clustered(n, 8, 6, 0.4, 11);
        // exact copies create exact ties, which must resolve to the lower index
        for (int i = 5; i < n; i += 9) {
            db[i] = db[i - 5].clone();
        }
        return db;
    }

    @Test
    public void allNearestMatchesSortAcrossTiles() {
        // 100 rows = 4 tiles of 32 per side, including partial and diagonal tiles
        for (int n : new int[] { 1, 2, 31, 33, 100 }) {
            float[][] db = withDuplicates(n);
            int k = 7;
            Neighbours[] all = BruteForceNeighbourSearch.INSTANCE.allNearest(db, k);
            assertEquals(n, all.length);
            for (int i = 0; i < n; i++) {
                int[] expected = naive(db, db[i], i, k);
                assertArrayEquals("n=" + n + " row " + i, expected, all[i].ids());
                for (int t = 0; t < expected.length; t++) {
                    assertEquals(TestVectors.dot(db[i], db[expected[t]]), all[i].score(t), 1e-6);
                }
            }
        }
    }

    @Test
    public void tiesGoToTheLowerIndex() {
        float[][] db = { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } };
        Neighbours nn = BruteForceNeighbourSearch.INSTANCE.nearest(db, new float[] { 0, 1 }, 2);
        assertArrayEquals(new int[] { 1, 2 }, nn.ids());
        Neighbours[] all = BruteForceNeighbourSearch.INSTANCE.allNearest(db, 2);
        assertArrayEquals(new int[] { 1, 2 }, all[3].ids()); // itself excluded, 1 and 2 tie with 1.0
        assertArrayEquals(new int[] { 1, 2 }, all[0].ids()); // all three tie at 0
    }

    @Test
    public void nearestMatchesSortAndCapsAtDatabaseSize() {
        float[][] db = withDuplicates(50);
        float[] q = TestVectors.clustered(1, 8, 1, 0.5, 3)[0];
        assertArrayEquals(naive(db, q, -1, 10), BruteForceNeighbourSearch.INSTANCE.nearest(db, q, 10).ids());
        assertEquals(50, BruteForceNeighbourSearch.INSTANCE.nearest(db, q, 80).size());
        assertEquals(49, BruteForceNeighbourSearch.INSTANCE.allNearest(db, 80)[0].size());
    }

    @Test
    public void neighboursRejectWrongOrder() {
        assertThrows(IllegalArgumentException.class, () -> new Neighbours(new int[] { 1, 0 }, new float[] { 0.5f, 0.5f }));
        assertThrows(IllegalArgumentException.class, () -> new Neighbours(new int[] { 0, 1 }, new float[] { 0.1f, 0.5f }));
        assertThrows(IllegalArgumentException.class, () -> new Neighbours(new int[] { 0 }, new float[0]));
    }
}
