package org.instanceretrieval.expansion;

import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.neighbours.NeighbourSearch;
import org.instanceretrieval.neighbours.Neighbours;
import org.junit.Test;

import java.util.Random;

import static org.instanceretrieval.expansion.AlphaQueryExpansionTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class DatabaseAugmentationTest {

    // x0 = (1, 0), x1 = (0.8, 0.6), x2 = (0, 1); x0.x1 = 0.8, x0.x2 = 0, x1.x2 = 0.6
    // exact neighbours: x0 -> [0:1, 1:0.8, 2:0], x1 -> [1:1, 0:0.8, 2:0.6], x2 -> [2:1, 1:0.6, 0:0]
    private static final float[][] X = { { 1, 0 }, { 0.8f, 0.6f }, { 0, 1 } };

    private static void assertVectors(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals("vector " + i, expected[i], actual[i], 1e-6f);
        }
    }

    private static float[] unit(double x, double y) {
        double n = Math.sqrt(x * x + y * y);
        return new float[] { (float) (x / n), (float) (y / n) };
    }

    @Test
    public void unweightedDbaByHand() {
        // n' = 2, self included: x0' = L2(x0 + x1) = L2(1.8, 0.6); x1' = L2(x1 + x0); x2' = L2(x2 + x1) = L2(0.8, 1.6)
        // x2' uses the original x1, not the already augmented one
        float[][] expected = { unit(1.8, 0.6), unit(1.8, 0.6), unit(0.8, 1.6) };
        assertVectors(expected, DatabaseAugmentation.alphaDba(2, 0).augmentWithExactNeighbours(X));
    }

    @Test
    public void alphaDbaByHand() {
        // n' = 3, alpha = 1: weights are the similarities
        // x0' = L2(1 x0 + 0.8 x1 + 0 x2) = L2(1.64, 0.48)
        // x1' = L2(1 x1 + 0.8 x0 + 0.6 x2) = L2(1.6, 1.2)
        // x2' = L2(1 x2 + 0.6 x1 + 0 x0) = L2(0.48, 1.36)
        float[][] expected = { unit(1.64, 0.48), unit(1.6, 1.2), unit(0.48, 1.36) };
        assertVectors(expected, DatabaseAugmentation.alphaDba(3, 1).augmentWithExactNeighbours(X));
    }

    @Test
    public void pyRetriExcludesSelfThenAddsIt() {
        // k = 1: nearest other item, plus the item itself: x0' = L2(x0 + x1), x1' = L2(x1 + x0), x2' = L2(x2 + x1)
        DatabaseAugmentation dba = new DatabaseAugmentation(1, 0, DatabaseAugmentation.SelfTerm.EXCLUDED_THEN_ADDED);
        float[][] expected = { unit(1.8, 0.6), unit(1.8, 0.6), unit(0.8, 1.6) };
        assertVectors(expected, dba.augmentWithExactNeighbours(X));
        // k = 0 leaves L2-normalised vectors unchanged
        assertVectors(X, new DatabaseAugmentation(0, 0, DatabaseAugmentation.SelfTerm.EXCLUDED_THEN_ADDED).augmentWithExactNeighbours(X));
        // self removed by id even when it is not ranked first (e.g. an approximate search): x0's list
        // [1, 0] with k = 1 still adds x1 only
        Neighbours[] lists = {
            new Neighbours(new int[] { 1, 0 }, new float[] { 1f, 0.9f }),
            new Neighbours(new int[] { 1, 0 }, new float[] { 1f, 0.8f }),
            new Neighbours(new int[] { 2, 1 }, new float[] { 1f, 0.6f }) };
        assertVectors(expected, dba.augment(X, lists));
    }

    @Test
    public void defaults() {
        DatabaseAugmentation seed = DatabaseAugmentation.seedDefault();
        assertEquals(20, seed.neighbours());
        assertEquals(0f, seed.alpha(), 0f);
        assertEquals(DatabaseAugmentation.SelfTerm.AMONG_NEIGHBOURS, seed.selfTerm());
        DatabaseAugmentation pyRetri = DatabaseAugmentation.pyRetri();
        assertEquals(10, pyRetri.neighbours());
        assertEquals(0f, pyRetri.alpha(), 0f);
        assertEquals(DatabaseAugmentation.SelfTerm.EXCLUDED_THEN_ADDED, pyRetri.selfTerm());
    }

    @Test
    public void precomputedListsGiveTheSameResultAsExactSearch() {
        float[][] database = ExpansionReference.randomUnitVectors(new Random(51), 30, 8);
        DatabaseAugmentation dba = DatabaseAugmentation.alphaDba(5, 3);
        assertVectors(dba.augmentWithExactNeighbours(database), dba.augment(database, ExactNeighbourSearch.defaults().allNearest(database, 7, NeighbourSearch.Self.INCLUDED)));
    }

    @Test
    public void matchesTheReferenceOnRandomData() {
        Random random = new Random(52);
        float[][] database = ExpansionReference.randomUnitVectors(random, 40, 8);
        float[][] before = new float[database.length][];
        for (int i = 0; i < database.length; i++) {
            before[i] = database[i].clone();
        }
        for (float alpha : new float[] { 0f, 0.5f, 3f }) {
            for (int n : new int[] { 1, 5, 20, 40 }) {
                assertVectors(ExpansionReference.dba(database, n, alpha, false),
                    DatabaseAugmentation.alphaDba(n, alpha).augmentWithExactNeighbours(database));
                assertVectors(ExpansionReference.dba(database, n, alpha, true),
                    new DatabaseAugmentation(n, alpha, DatabaseAugmentation.SelfTerm.EXCLUDED_THEN_ADDED).augmentWithExactNeighbours(database));
            }
        }
        assertVectors(ExpansionReference.dba(database, 10, 0, true), DatabaseAugmentation.pyRetri().augmentWithExactNeighbours(database));
        assertVectors(before, database);
    }

    @Test
    public void dbaThenAqeAgainstTheAugmentedVectors() {
        // the seed's combination: DBA n' = 20, then AQE n = 1 against the augmented database
        Random random = new Random(53);
        float[][] database = ExpansionReference.randomUnitVectors(random, 30, 8);
        float[] q = ExpansionReference.randomUnitVectors(random, 1, 8)[0];
        float[][] augmented = DatabaseAugmentation.seedDefault().augmentWithExactNeighbours(database);
        float[][] augmentedReference = ExpansionReference.dba(database, 20, 0, false);
        float[] expected = ExpansionReference.alphaQe(q, augmentedReference, 1, 0);
        Neighbours top = ExactNeighbourSearch.defaults().nearest(augmented, q, 1);
        assertArrayEquals(expected, AlphaQueryExpansion.averageQueryExpansion(1).expand(q, top, augmented), 1e-6f);
    }

    @Test
    public void emptyDatabaseGivesNoVectors() {
        assertEquals(0, DatabaseAugmentation.seedDefault().augmentWithExactNeighbours(new float[0][]).length);
    }

    @Test
    public void rejectsInvalidInput() {
        assertMessage("neighbours", () -> DatabaseAugmentation.alphaDba(0, 0));
        assertMessage("neighbours", () -> new DatabaseAugmentation(-1, 0, DatabaseAugmentation.SelfTerm.EXCLUDED_THEN_ADDED));
        assertMessage("alpha", () -> DatabaseAugmentation.alphaDba(5, -1));
        assertMessage("self term", () -> new DatabaseAugmentation(5, 0, null));
        DatabaseAugmentation dba = DatabaseAugmentation.alphaDba(2, 0);
        assertMessage("one neighbour list per database vector", () -> dba.augment(X, new Neighbours[2]));
        Neighbours ok = new Neighbours(new int[] { 0 }, new float[] { 1 });
        assertMessage("outside the database",
            () -> dba.augment(X, new Neighbours[] { ok, ok, new Neighbours(new int[] { 3 }, new float[] { 1 }) }));
        assertMessage("is empty",
            () -> dba.augment(X, new Neighbours[] { ok, ok, new Neighbours(new int[0], new float[0]) }));
        assertMessage("null", () -> dba.augment(X, new Neighbours[] { ok, ok, null }));
        assertMessage("dimension", () -> dba.augmentWithExactNeighbours(new float[][] { { 1, 0 }, { 1 } }));
        assertMessage("non-finite", () -> dba.augmentWithExactNeighbours(new float[][] { { 1, 0 }, { Float.NaN, 0 } }));
    }
}
