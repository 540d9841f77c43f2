package org.instanceretrieval.graph;

import org.junit.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

public class NeighbourListCodecTest {

    /** Independent encoder written from the format description (varint, UTF-8, little-endian float bits). */
    private static byte[] reference(String[] ids, float[] sims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        varint(out, ids.length);
        for (int t = 0; t < ids.length; t++) {
            byte[] b = ids[t].getBytes(StandardCharsets.UTF_8);
            varint(out, b.length);
            out.write(b, 0, b.length);
            int bits = Float.floatToIntBits(sims[t]);
            for (int i = 0; i < 4; i++) {
                out.write((bits >>> (8 * i)) & 0xFF);
            }
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int v) {
        while (v >= 128) {
            out.write(128 | (v % 128));
            v /= 128;
        }
        out.write(v);
    }

    private static void assertRoundTrip(String[] ids, float[] sims) {
        NeighbourList list = new NeighbourList(ids, sims);
        byte[] bytes = NeighbourListCodec.encode(list);
        assertArrayEquals(reference(ids, sims), bytes);
        NeighbourList back = NeighbourListCodec.decode(bytes);
        assertEquals(list, back);
        assertArrayEquals(ids, back.ids());
        assertArrayEquals(sims, back.similarities(), 0f);
    }

    @Test
    public void emptyListIsTwoBytes() {
        byte[] bytes = NeighbourListCodec.encode(NeighbourList.empty());
        assertArrayEquals(new byte[] { 1, 0 }, bytes);
        assertEquals(0, NeighbourListCodec.decode(bytes).size());
    }

    @Test
    public void handEncodedList() {
        // "a" 1.0f (0x3F800000), "é" (C3 A9) 0.5f (0x3F000000)
        byte[] expected = { 1, 2, 1, 'a', 0, 0, (byte) 0x80, 0x3F, 2, (byte) 0xC3, (byte) 0xA9, 0, 0, 0, 0x3F };
        NeighbourList list = new NeighbourList(new String[] { "a", "é" }, new float[] { 1f, 0.5f });
        assertArrayEquals(expected, NeighbourListCodec.encode(list));
        assertEquals(list, NeighbourListCodec.decode(expected));
    }

    @Test
    public void roundTripsNonAsciiAndMaxLengthIds() {
        String max = "x".repeat(512);
        String maxMultiByte = "€".repeat(170) + "ab"; // 3 * 170 + 2 = 512 bytes
        String emoji = "😀🐈"; // surrogate pairs, 4 UTF-8 bytes each
        String[] ids = { max, "日本語-id", maxMultiByte, emoji, "ab", "long-" + "y".repeat(200) };
        float[] sims = { 0.99f, 0.5f, 0.5f, 0f, -1e-30f, -0.25f };
        assertRoundTrip(ids, sims);
        assertEquals(512, maxMultiByte.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    public void roundTripsRandomLists() {
        Random random = new Random(13);
        for (int trial = 0; trial < 200; trial++) {
            int n = random.nextInt(60);
            String[] ids = new String[n];
            float[] sims = new float[n];
            float s = random.nextFloat();
            for (int t = 0; t < n; t++) {
                StringBuilder b = new StringBuilder().append(t).append('-');
                int len = random.nextInt(140);
                for (int c = 0; c < len; c++) {
                    b.append((char) ('a' + random.nextInt(26)));
                }
                ids[t] = b.length() > 512 ? b.substring(0, 512) : b.toString();
                sims[t] = s;
                s -= random.nextInt(3) == 0 ? 0 : random.nextFloat() * 0.01f; // exact ties included
            }
            assertRoundTrip(ids, sims);
        }
    }

    @Test
    public void decodesAnEmbeddedRange() {
        byte[] inner = NeighbourListCodec.encode(new NeighbourList(new String[] { "doc-7" }, new float[] { 0.25f }));
        byte[] outer = new byte[inner.length + 5];
        System.arraycopy(inner, 0, outer, 3, inner.length);
        assertEquals("doc-7", NeighbourListCodec.decode(outer, 3, inner.length).id(0));
    }

    @Test
    public void negativeZeroIsStoredAsZero() {
        NeighbourList list = new NeighbourList(new String[] { "a" }, new float[] { -0f });
        assertEquals(0, Float.floatToIntBits(list.similarity(0)));
        assertArrayEquals(reference(new String[] { "a" }, new float[] { 0f }), NeighbourListCodec.encode(list));
    }

    @Test
    public void constructorRefusesInvalidLists() {
        assertRefused(() -> new NeighbourList(new String[] { "a", "b" }, new float[] { 0.1f, 0.2f }), "not in ranking order");
        assertRefused(() -> new NeighbourList(new String[] { "a", "a" }, new float[] { 0.2f, 0.1f }), "[a] occurs more than once");
        assertRefused(() -> new NeighbourList(new String[] { "" }, new float[] { 0.2f }), "[0] UTF-8 bytes");
        assertRefused(() -> new NeighbourList(new String[] { "x".repeat(513) }, new float[] { 0.2f }), "[513] UTF-8 bytes");
        assertRefused(() -> new NeighbourList(new String[] { "é".repeat(257) }, new float[] { 0.2f }), "[514] UTF-8 bytes");
        assertRefused(() -> new NeighbourList(new String[] { "a\uD800" }, new float[] { 0.2f }), "unpaired surrogate");
        assertRefused(() -> new NeighbourList(new String[] { "a" }, new float[] { Float.NaN }), "not finite");
        assertRefused(() -> new NeighbourList(new String[] { "a" }, new float[] { 0.1f, 0.0f }), "[1] neighbour ids but [2]");
        assertRefused(() -> new NeighbourList(new String[] { null }, new float[] { 0.1f }), "is null");
    }

    @Test
    public void decodeRefusesMalformedBytes() {
        byte[] good = NeighbourListCodec.encode(new NeighbourList(new String[] { "ab", "c" }, new float[] { 0.5f, 0.25f }));
        assertRefused(() -> NeighbourListCodec.decode(new byte[0]), "no version byte");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 2, 0 }), "version [2]");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1 }), "entry count is truncated");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, (byte) 0x80, 0 }), "over-long");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F }),
            "exceeds 2^31 - 1");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80 }),
            "more than 5 bytes");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 100, 1, 'a', 0, 0, 0, 0 }), "entry count [100] cannot fit");
        // every proper prefix of a valid list is refused
        for (int len = 0; len < good.length; len++) {
            byte[] prefix = Arrays.copyOf(good, len);
            try {
                NeighbourListCodec.decode(prefix);
                fail("prefix of length " + len + " decoded");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("malformed neighbour list") || len == 0);
            }
        }
        assertRefused(() -> NeighbourListCodec.decode(Arrays.copyOf(good, good.length + 1)), "[1] trailing bytes");
        // id length 0 and 513
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, 0, 0, 0, 0, 0, 0 }), "id length [0]");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, (byte) 0x81, 4, 0, 0, 0, 0, 0, 0 }), "id length [513]");
        // invalid UTF-8 (lone continuation byte)
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, 1, (byte) 0x80, 0, 0, 0, 0 }), "not valid UTF-8");
        // NaN, infinity, negative zero
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, 1, 'a', 0, 0, (byte) 0xC0, 0x7F }), "not finite");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, 1, 'a', 0, 0, (byte) 0x80, 0x7F }), "not finite");
        assertRefused(() -> NeighbourListCodec.decode(new byte[] { 1, 1, 1, 'a', 0, 0, 0, (byte) 0x80 }), "canonical form");
        // order and duplicates
        assertRefused(() -> NeighbourListCodec.decode(reference(new String[] { "a", "b" }, new float[] { 0.1f, 0.2f })),
            "not in ranking order");
        assertRefused(() -> NeighbourListCodec.decode(reference(new String[] { "a", "a" }, new float[] { 0.2f, 0.1f })),
            "[a] occurs more than once");
        assertRefused(() -> NeighbourListCodec.decode(good, 2, good.length), "does not fit");
    }

    static void assertRefused(Runnable r, String fragment) {
        try {
            r.run();
            fail("expected IllegalArgumentException containing [" + fragment + "]");
        } catch (IllegalArgumentException e) {
            assertTrue("message [" + e.getMessage() + "] lacks [" + fragment + "]", e.getMessage().contains(fragment));
        }
    }
}
