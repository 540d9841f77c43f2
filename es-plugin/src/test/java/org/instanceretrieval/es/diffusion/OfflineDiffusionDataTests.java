package org.instanceretrieval.es.diffusion;

import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.diffusion.OfflineDiffusion;

import static org.hamcrest.Matchers.containsString;

/** The stored form of a build: bytes round trip, node lookup by _id, corrupt bytes refused. */
public class OfflineDiffusionDataTests extends ESTestCase {

    public void testRoundTrip() {
        OfflineDiffusion rows = OfflineDiffusion.fromRows(new int[][] { { 0, 1 }, { 1, 0 }, { 2 } },
            new float[][] { { 1.5f, 0.25f }, { 1.25f, -0.5f }, { 1f } });
        OfflineDiffusionData data = new OfflineDiffusionData(7, 3.0, 0.99, new String[] { "a", "b", "ü" }, rows);
        OfflineDiffusionData read = OfflineDiffusionData.fromBytes(data.toBytes());
        assertEquals(7, read.k());
        assertEquals(3.0, read.gamma(), 0);
        assertEquals(0.99, read.alpha(), 0);
        assertEquals(3, read.size());
        assertEquals(2, read.nodeOf("ü"));
        assertEquals(-1, read.nodeOf("later"));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(rows.rowIds(i), read.rows().rowIds(i));
            assertArrayEquals(rows.rowValues(i), read.rows().rowValues(i), 0f);
        }
        // row 0 weighted 2 plus row 1 weighted 1: item 0 = 3 + (-0.5), item 1 = 0.5 + 1.25
        assertArrayEquals(new double[] { 2.5, 1.75, 0 }, read.rows().scores(new int[] { 0, 1 }, new double[] { 2, 1 }), 1e-9);
    }

    public void testCorruptBytesAreRefused() {
        assertThat(expectThrows(IllegalArgumentException.class, () -> OfflineDiffusionData.fromBytes(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }))
            .getMessage(), containsString("not an offline diffusion build"));
        byte[] valid = new OfflineDiffusionData(1, 1, 0.5, new String[] { "a" }, OfflineDiffusion.fromRows(new int[][] { { 0 } },
            new float[][] { { 1f } })).toBytes();
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 2);
        assertThat(expectThrows(IllegalArgumentException.class, () -> OfflineDiffusionData.fromBytes(truncated)).getMessage(),
            containsString("corrupt offline diffusion build"));
    }
}
