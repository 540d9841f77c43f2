package org.instanceretrieval.expansion;

import org.junit.Test;

import java.util.Random;

import static org.instanceretrieval.expansion.AlphaQueryExpansionTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class ExactNeighboursTest {

    @Test
    public void tiesAreBrokenByIdAscending() {
        // query (1, 0): scores 0, 1, 0 (from -0: (1,0).(0,-1) = 0 + -0), 1, 0.5
        float[][] database = { { 0, 1 }, { 1, 0 }, { 0, -1 }, { 1, 0 }, { 0.5f, 0 } };
        NeighbourList all = ExactNeighbours.search(database, new float[] { 1, 0 }, 10);
        assertArrayEquals(new int[] { 1, 3, 4, 0, 2 }, all.ids());
        assertArrayEquals(new float[] { 1, 1, 0.5f, 0, 0 }, all.scores(), 0f);
        assertArrayEquals(new int[] { 1, 3, 4 }, ExactNeighbours.search(database, new float[] { 1, 0 }, 3).ids());
        assertEquals(0, ExactNeighbours.search(database, new float[] { 1, 0 }, 0).size());
    }

    @Test
    public void negativeZeroScoresTieWithZero() {
        // (1, 1).(-0, -0) = -0 and (1, 1).(0, 0) = 0 are the same score: id order decides
        float[][] database = { { -0f, -0f }, { 0, 0 } };
        assertArrayEquals(new int[] { 0, 1 }, ExactNeighbours.search(database, new float[] { 1, 1 }, 2).ids());
    }

    @Test
    public void matchesAFullSortOnRandomData() {
        Random random = new Random(61);
        float[][] database = ExpansionReference.randomUnitVectors(random, 50, 8);
        NeighbourList[] lists = ExactNeighbours.ofEachItem(database, 7);
        for (int i = 0; i < database.length; i++) {
            Integer[] expected = ExpansionReference.ranking(database, database[i]);
            assertEquals(7, lists[i].size());
            assertEquals(i, lists[i].id(0));
            for (int r = 0; r < 7; r++) {
                assertEquals(expected[r].intValue(), lists[i].id(r));
                assertEquals(ExpansionReference.dot(database[i], database[lists[i].id(r)]), lists[i].score(r), 1e-6);
            }
        }
    }

    @Test
    public void rejectsInvalidInput() {
        float[][] database = { { 1, 0 }, { 0, 1 } };
        assertMessage("neighbours", () -> ExactNeighbours.search(database, new float[] { 1, 0 }, -1));
        assertMessage("dimension", () -> ExactNeighbours.search(database, new float[] { 1, 0, 0 }, 1));
        assertMessage("non-finite", () -> ExactNeighbours.search(database, new float[] { Float.NaN, 0 }, 1));
        assertMessage("neighbours", () -> ExactNeighbours.ofEachItem(database, -1));
        assertMessage("null", () -> ExactNeighbours.ofEachItem(null, 1));
    }
}
