package org.instanceretrieval.whitening;

import org.junit.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.instanceretrieval.whitening.PcaWhiteningTest.assertMessage;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

public class WhiteningFormatTest {

    private static Whitening learned() {
        return PcaWhitening.full().withDimensions(5).learn(SampleStatistics.anisotropicUnitVectors(new Random(21), 40, 7));
    }

    @Test
    public void roundTripIsExact() {
        Whitening w = learned();
        byte[] bytes = WhiteningFormat.toBytes(w);
        // header 16 + mean 4*7 + projection 4*5*7 + checksum 4
        assertEquals(16 + 28 + 140 + 4, bytes.length);
        Whitening back = WhiteningFormat.fromBytes(bytes);
        assertEquals(w, back);
        assertArrayEquals(bytes, WhiteningFormat.toBytes(back));
    }

    @Test
    public void layoutMatchesTheDocumentation() throws IOException {
        Whitening w = Whitening.of(new float[][] { { 1, -2 } }, new float[] { 0.5f, 0.25f });
        byte[] expected = withChecksum(out -> {
            out.write("IRWH".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(1);
            out.writeInt(2);
            out.writeInt(1);
            out.writeFloat(0.5f);
            out.writeFloat(0.25f);
            out.writeFloat(1);
            out.writeFloat(-2);
        });
        assertArrayEquals(expected, WhiteningFormat.toBytes(w));
    }

    @Test
    public void rejectsEveryTruncation() {
        byte[] bytes = WhiteningFormat.toBytes(learned());
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertMessage("truncated", () -> WhiteningFormat.fromBytes(prefix));
        }
    }

    @Test
    public void rejectsTrailingBytes() {
        byte[] bytes = WhiteningFormat.toBytes(learned());
        assertMessage("trailing", () -> WhiteningFormat.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
    }

    @Test
    public void rejectsCorruption() {
        byte[] bytes = WhiteningFormat.toBytes(learned());
        for (int position : new int[] { 16, 40, bytes.length - 5, bytes.length - 1 }) {
            byte[] corrupt = bytes.clone();
            corrupt[position] ^= 0x10;
            assertMessage("checksum", () -> WhiteningFormat.fromBytes(corrupt));
        }
        byte[] badMagic = bytes.clone();
        badMagic[0] = 'X';
        assertMessage("magic", () -> WhiteningFormat.fromBytes(badMagic));
        byte[] badVersion = bytes.clone();
        badVersion[7] = 2;
        assertMessage("version", () -> WhiteningFormat.fromBytes(badVersion));
        assertMessage("null", () -> WhiteningFormat.fromBytes(null));
    }

    @Test
    public void rejectsNonPositiveDimensions() throws IOException {
        byte[] bytes = withChecksum(out -> {
            out.writeInt(WhiteningFormat.MAGIC);
            out.writeInt(1);
            out.writeInt(0);
            out.writeInt(1);
        });
        assertMessage("dimensions must be positive", () -> WhiteningFormat.fromBytes(bytes));
    }

    @Test
    public void rejectsNonFiniteValuesEvenWithAValidChecksum() throws IOException {
        byte[] bytes = withChecksum(out -> {
            out.writeInt(WhiteningFormat.MAGIC);
            out.writeInt(1);
            out.writeInt(1);
            out.writeInt(1);
            out.writeFloat(0);
            out.writeFloat(Float.NaN);
        });
        assertMessage("non-finite", () -> WhiteningFormat.fromBytes(bytes));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** The payload followed by its CRC-32 (computed here, independently of the code under test). */
    private static byte[] withChecksum(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writer.write(out);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }
}
