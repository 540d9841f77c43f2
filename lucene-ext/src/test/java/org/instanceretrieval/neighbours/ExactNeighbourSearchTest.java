package org.instanceretrieval.neighbours;

import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.NeighbourSearch.Self;
import org.instanceretrieval.testing.ClusteredVectors;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.instanceretrieval.neighbours.NeighboursTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class ExactNeighbourSearchTest {

    /** Every kernel of this JVM on one thread, two threads and the common pool. */
    private static List<ExactNeighbourSearch> searches() {
        List<ScoreKernel> kernels = new ArrayList<>();
        kernels.add(ScoreKernels.scalar());
        ScoreKernels.vectorized().ifPresent(kernels::add);
        List<ExactNeighbourSearch> searches = new ArrayList<>();
        for (ScoreKernel kernel : kernels) {
            for (int threads : new int[] { 1, 2, ParallelBlocks.COMMON_POOL }) {
                searches.add(new ExactNeighbourSearch(kernel, threads));
            }
        }
        return searches;
    }

    /** Dot product of the plain definition, accumulated in double (independent of the kernels). */
    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Reference: sort every candidate by (double similarity desc, index asc), keep k. */
    private static int[] naive(float[][] db, float[] query, int exclude, int k) {
        Integer[] ids = new Integer[db.length];
        double[] sims = new double[db.length];
        for (int j = 0; j < db.length; j++) {
            ids[j] = j;
            sims[j] = dot(query, db[j]);
        }
        Arrays.sort(ids, (a, b) -> sims[a] != sims[b] ? Double.compare(sims[b], sims[a]) : Integer.compare(a, b));
        return Arrays.stream(ids).mapToInt(Integer::intValue).filter(j -> j != exclude).limit(k).toArray();
    }

    private static float[][] clustered(int n, int dim, int clusters, double noise, long seed) {
        return ClusteredVectors.generate(n, dim, clusters, noise, seed);
    }

    private static float[][] withDuplicates(int n) {
        // dimension 19: not a multiple of any vector width, so kernel tails are exercised
        float[][] db = clustered(n, 19, 6, 0.4, 11);
        // exact copies create exact ties, which must resolve to the lower index
        for (int i = 5; i < n; i += 9) {
            db[i] = db[i - 5].clone();
        }
        return db;
    }

    @Test
    public void allNearestMatchesSortAcrossBlocks() {
        // 150 rows = 3 query blocks of 64, the last partial
        for (int n : new int[] { 1, 2, 31, 33, 150 }) {
            float[][] db = withDuplicates(n);
            int k = 7;
            for (ExactNeighbourSearch search : searches()) {
                NeighbourSearch.Prepared prepared = search.prepare(db);
                Neighbours[] excluded = prepared.allNearest(k, Self.EXCLUDED);
                Neighbours[] included = prepared.allNearest(k, Self.INCLUDED);
                assertEquals(n, excluded.length);
                for (int i = 0; i < n; i++) {
                    String where = search + " n=" + n + " row " + i;
                    int[] expected = naive(db, db[i], i, k);
                    assertArrayEquals(where, expected, excluded[i].ids());
                    for (int t = 0; t < expected.length; t++) {
                        assertEquals(where, dot(db[i], db[expected[t]]), excluded[i].score(t), 1e-6);
                    }
                    assertArrayEquals(where, naive(db, db[i], -1, k), included[i].ids());
                }
            }
        }
    }

    @Test
    public void allPathsGiveTheSameScoresAsTheSingleQuery() {
        float[][] db = withDuplicates(70);
        for (ExactNeighbourSearch search : searches()) {
            NeighbourSearch.Prepared prepared = search.prepare(db);
            Neighbours[] all = prepared.allNearest(9, Self.INCLUDED);
            for (int i = 0; i < db.length; i++) {
                assertEquals(search + " row " + i, prepared.nearest(db[i], 9), all[i]);
            }
        }
    }

    @Test
    public void tiesGoToTheLowerIndex() {
        float[][] db = { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } };
        for (ExactNeighbourSearch search : searches()) {
            assertArrayEquals(new int[] { 1, 2 }, search.nearest(db, new float[] { 0, 1 }, 2).ids());
            Neighbours[] all = search.allNearest(db, 2, Self.EXCLUDED);
            assertArrayEquals(new int[] { 1, 2 }, all[3].ids()); // itself excluded, 1 and 2 tie with 1.0
            assertArrayEquals(new int[] { 1, 2 }, all[0].ids()); // all three tie at 0
            // itself included: row 3 ties with 1 and 2 at 1.0 and comes after them by index
            assertArrayEquals(new int[] { 1, 2 }, search.allNearest(db, 2, Self.INCLUDED)[3].ids());
        }
    }

    @Test
    public void tiesAreBrokenByIdAscendingAndNegativeZeroTiesWithZero() {
        // query (1, 0): scores 0, 1, 0 (from -0: (1,0).(0,-1) = 0 + -0), 1, 0.5
        float[][] database = { { 0, 1 }, { 1, 0 }, { 0, -1 }, { 1, 0 }, { 0.5f, 0 } };
        for (ExactNeighbourSearch search : searches()) {
            Neighbours all = search.nearest(database, new float[] { 1, 0 }, 10);
            assertArrayEquals(new int[] { 1, 3, 4, 0, 2 }, all.ids());
            assertArrayEquals(new float[] { 1, 1, 0.5f, 0, 0 }, all.scores(), 0f);
            assertArrayEquals(new int[] { 1, 3, 4 }, search.nearest(database, new float[] { 1, 0 }, 3).ids());
            assertEquals(0, search.nearest(database, new float[] { 1, 0 }, 0).size());
            // (1, 1).(-0, -0) = -0 and (1, 1).(0, 0) = 0 are the same score: id order decides
            float[][] zeros = { { -0f, -0f }, { 0, 0 } };
            assertArrayEquals(new int[] { 0, 1 }, search.nearest(zeros, new float[] { 1, 1 }, 2).ids());
        }
    }

    @Test
    public void nearestMatchesSortAndCapsAtDatabaseSize() {
        float[][] db = withDuplicates(50);
        float[] q = clustered(1, 19, 1, 0.5, 3)[0];
        for (ExactNeighbourSearch search : searches()) {
            assertArrayEquals(naive(db, q, -1, 10), search.nearest(db, q, 10).ids());
            assertEquals(50, search.nearest(db, q, 80).size());
            assertEquals(49, search.allNearest(db, 80, Self.EXCLUDED)[0].size());
            assertEquals(50, search.allNearest(db, 80, Self.INCLUDED)[0].size());
        }
    }

    @Test
    public void selfIncludedOnUnitVectorsPutsTheItemFirst() {
        float[][] database = clustered(50, 8, 5, 0.5, 61);
        Neighbours[] lists = ExactNeighbourSearch.defaults().allNearest(database, 7, Self.INCLUDED);
        for (int i = 0; i < database.length; i++) {
            assertEquals(7, lists[i].size());
            assertEquals(i, lists[i].id(0));
            assertArrayEquals(naive(database, database[i], -1, 7), lists[i].ids());
            for (int r = 0; r < 7; r++) {
                assertEquals(dot(database[i], database[lists[i].id(r)]), lists[i].score(r), 1e-6);
            }
        }
    }

    @Test
    public void emptyDatabase() {
        NeighbourSearch.Prepared empty = ExactNeighbourSearch.defaults().prepare(new float[0][]);
        assertEquals(0, empty.size());
        assertEquals(0, empty.nearest(new float[] { 1, 0 }, 3).size());
        assertEquals(0, empty.allNearest(3, Self.EXCLUDED).length);
        // zero-dimensional vectors: every score is 0, so the index order decides
        NeighbourSearch.Prepared flat = ExactNeighbourSearch.defaults().prepare(new float[3][0]);
        assertArrayEquals(new int[] { 0, 1 }, flat.nearest(new float[0], 2).ids());
        assertArrayEquals(new float[] { 0, 0 }, flat.nearest(new float[0], 2).scores(), 0f);
        assertArrayEquals(new int[] { 0, 2 }, flat.allNearest(2, Self.EXCLUDED)[1].ids());
    }

    @Test
    public void rejectsInvalidInput() {
        float[][] database = { { 1, 0 }, { 0, 1 } };
        ExactNeighbourSearch search = ExactNeighbourSearch.defaults();
        assertMessage("neighbours", () -> search.nearest(database, new float[] { 1, 0 }, -1));
        assertMessage("dimension", () -> search.nearest(database, new float[] { 1, 0, 0 }, 1));
        assertMessage("non-finite", () -> search.nearest(database, new float[] { Float.NaN, 0 }, 1));
        assertMessage("null", () -> search.nearest(database, null, 1));
        assertMessage("neighbours", () -> search.allNearest(database, -1, Self.INCLUDED));
        assertMessage("null", () -> search.allNearest(null, 1, Self.INCLUDED));
        assertMessage("null", () -> search.allNearest(database, 1, null));
        assertMessage("dimension", () -> search.prepare(new float[][] { { 1, 0 }, { 1 } }));
        assertMessage("non-finite", () -> search.prepare(new float[][] { { 1, 0 }, { Float.NaN, 0 } }));
        assertMessage("threads", () -> new ExactNeighbourSearch(ScoreKernels.scalar(), -1));
        assertMessage("kernel", () -> new ExactNeighbourSearch(null, 1));
    }

    /**
     * One thread scores only the upper triangle of the all-vs-all matrix and mirrors it (up to
     * SYMMETRIC_MAX_ROWS rows); two threads score every pair. Both must give the same
     * neighbours and bit-identical scores, for sizes around the kernels' panel (16 rows) and
     * block (64 rows) boundaries.
     */
    @Test
    public void symmetricSingleThreadedSearchEqualsScoringEveryPair() {
        List<ScoreKernel> kernels = new ArrayList<>();
        kernels.add(ScoreKernels.scalar());
        ScoreKernels.vectorized().ifPresent(kernels::add);
        for (ScoreKernel kernel : kernels) {
            for (int n : new int[] { 1, 2, 15, 16, 17, 63, 64, 65, 129, 300 }) {
                float[][] database = ClusteredVectors.generate(n, 37, 5, 0.3, n);
                int k = Math.min(n, 10);
                for (Self self : Self.values()) {
                    Neighbours[] symmetric = new ExactNeighbourSearch(kernel, 1).allNearest(database, k, self);
                    Neighbours[] everyPair = new ExactNeighbourSearch(kernel, 2).allNearest(database, k, self);
                    for (int i = 0; i < n; i++) {
                        String what = kernel + " n " + n + " " + self + " row " + i;
                        assertEquals(what, everyPair[i].size(), symmetric[i].size());
                        for (int r = 0; r < everyPair[i].size(); r++) {
                            assertEquals(what, everyPair[i].id(r), symmetric[i].id(r));
                            assertEquals(what, Float.floatToIntBits(everyPair[i].score(r)), Float.floatToIntBits(symmetric[i].score(r)));
                        }
                    }
                }
            }
        }
    }
}
