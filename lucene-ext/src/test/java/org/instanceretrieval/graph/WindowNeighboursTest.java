package org.instanceretrieval.graph;

import org.junit.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The allocation-free read path: {@link NeighbourListCodec#scan} visits exactly the head of what {@link NeighbourListCodec#decode}
 * returns, and a window resolved from encoded bytes is the window resolved from decoded lists, with the expected positions
 * written out by hand.
 */
public class WindowNeighboursTest {

    @Test
    public void scanVisitsTheHeadOfTheDecodedList() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            int n = random.nextInt(20);
            String[] ids = new String[n];
            float[] sims = new float[n];
            float s = 1f;
            for (int t = 0; t < n; t++) {
                ids[t] = "d" + t + "é".repeat(random.nextInt(3)) + "x".repeat(random.nextInt(150));
                s -= random.nextFloat() * 0.1f;
                sims[t] = s;
            }
            byte[] bytes = NeighbourListCodec.encode(new NeighbourList(ids, sims));
            byte[] padded = new byte[bytes.length + 6];
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            int limit = random.nextInt(25);
            List<String> seen = new ArrayList<>();
            List<Float> seenSims = new ArrayList<>();
            int visited = NeighbourListCodec.scan(padded, 3, bytes.length, limit, (t, b, o, l, sim) -> {
                assertEquals(seen.size(), t);
                seen.add(new String(b, o, l, java.nio.charset.StandardCharsets.UTF_8));
                seenSims.add(sim);
            });
            assertEquals(Math.min(limit, n), visited);
            for (int t = 0; t < visited; t++) {
                assertEquals(ids[t], seen.get(t));
                assertEquals(sims[t], seenSims.get(t), 0f);
            }
        }
    }

    @Test
    public void scanRefusesMalformedHeads() {
        byte[] ok = NeighbourListCodec.encode(new NeighbourList(new String[] { "a", "b" }, new float[] { 0.5f, 0.25f }));
        assertRefused(() -> NeighbourListCodec.scan(new byte[] { 2, 0 }, 0, 2, 5, (t, b, o, l, s) -> {}), "version [2]");
        assertRefused(() -> NeighbourListCodec.scan(ok, 0, ok.length - 1, 5, (t, b, o, l, s) -> {}), "cannot fit");
        assertRefused(() -> NeighbourListCodec.scan(ok, 1, ok.length, 5, (t, b, o, l, s) -> {}), "does not fit");
        byte[] increasing = ok.clone();
        increasing[ok.length - 1] = 0x3f; // 0.25 -> 0.75 (0x3f400000)
        increasing[ok.length - 2] = 0x40;
        assertRefused(() -> NeighbourListCodec.scan(increasing, 0, increasing.length, 5, (t, b, o, l, s) -> {}), "ranking order");
        // an entry after the limit is not read
        assertEquals(1, NeighbourListCodec.scan(increasing, 0, increasing.length, 1, (t, b, o, l, s) -> {}));
    }

    @Test
    public void resolvesTheHeadOfEachListToWindowPositions() {
        // window (first-stage order): c, a, b; "z" is outside it
        String[] window = { "c", "a", "b" };
        NeighbourList a = new NeighbourList(new String[] { "b", "z", "c" }, new float[] { 0.9f, 0.8f, 0.7f });
        NeighbourList b = new NeighbourList(new String[] { "a", "b", "c" }, new float[] { 0.9f, 0.6f, 0.5f }); // lists itself: ignored
        NeighbourList c = new NeighbourList(new String[] { "z", "a" }, new float[] { 0.95f, 0.7f });
        for (boolean encoded : new boolean[] { false, true }) {
            WindowNeighbours.Builder builder = WindowNeighbours.builder(window, 2);
            NeighbourList[] lists = { c, a, b };
            for (int i = 0; i < 3; i++) {
                if (encoded) {
                    byte[] bytes = NeighbourListCodec.encode(lists[i]);
                    builder.add(i, bytes, 0, bytes.length);
                } else {
                    builder.add(i, lists[i]);
                }
            }
            WindowNeighbours w = builder.build();
            // k = 2: c's head (z, a) -> a at position 1; a's head (b, z) -> b at 2; b's head (a, b) -> a at 1 (itself dropped)
            assertArrayEquals(new int[] { 1 }, w.positions(0));
            assertArrayEquals(new float[] { 0.7f }, w.similarities(0), 0f);
            assertArrayEquals(new int[] { 2 }, w.positions(1));
            assertArrayEquals(new float[] { 0.9f }, w.similarities(1), 0f);
            assertArrayEquals(new int[] { 1 }, w.positions(2));
            assertArrayEquals(new float[] { 0.9f }, w.similarities(2), 0f);
        }
        // an item never added has no neighbours
        assertEquals(0, WindowNeighbours.builder(window, 2).build().positions(1).length);
        WindowNeighbours.Builder twice = WindowNeighbours.builder(window, 2).add(0, c);
        assertRefused(() -> twice.add(0, c), "already added");
        assertRefused(() -> twice.add(3, c), "out of range [0, 3)");
    }

    private static void assertRefused(Runnable r, String message) {
        try {
            r.run();
            fail("expected a refusal containing [" + message + "]");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
