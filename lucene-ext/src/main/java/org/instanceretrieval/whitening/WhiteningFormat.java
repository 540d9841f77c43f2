package org.instanceretrieval.whitening;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * The binary format of a {@link Whitening}, version 1. Big-endian, as written by
 * {@link DataOutputStream}:
 *
 * <pre>
 * offset  size                      field
 * 0       4                         magic 0x49525748 (ASCII "IRWH")
 * 4       4                         format version, int, = 1
 * 8       4                         input dimension d_in, int, &gt;= 1
 * 12      4                         output dimension d_out, int, &gt;= 1
 * 16      4 * d_in                  mean m, float32
 * ...     4 * d_out * d_in          projection P, float32, row-major (row i = output dimension i)
 * end-4   4                         CRC-32 of every preceding byte, as an int
 * </pre>
 *
 * The total length is therefore exactly {@code 20 + 4 * d_in * (1 + d_out)} bytes. Reading
 * rejects, with an {@link IllegalArgumentException} naming the problem, a wrong magic, an
 * unknown version, a non-positive dimension, a truncated input, trailing bytes, a checksum
 * mismatch and non-finite values.
 */
public final class WhiteningFormat {

    /** Magic number at offset 0: the ASCII bytes "IRWH". */
    public static final int MAGIC = 0x49525748;
    /** The only format version written and read by this class. */
    public static final int VERSION = 1;

    private static final int HEADER_BYTES = 16;
    private static final int CHECKSUM_BYTES = 4;

    private WhiteningFormat() {}

    /** Serialises {@code whitening} in format version {@value #VERSION} (see the class documentation). */
    public static byte[] toBytes(Whitening whitening) {
        if (whitening == null) {
            throw new IllegalArgumentException("whitening to serialise is null");
        }
        int dIn = whitening.inputDimension();
        int dOut = whitening.outputDimension();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(expectedLength(dIn, dOut)));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(dIn);
            out.writeInt(dOut);
            for (float v : whitening.meanUnsafe()) {
                out.writeFloat(v);
            }
            for (int i = 0; i < dOut; i++) {
                for (float v : whitening.row(i)) {
                    out.writeFloat(v);
                }
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a whitening written by {@link #toBytes}.
     *
     * @throws IllegalArgumentException if the input is null, truncated, longer than its header
     *                                  announces, has a wrong magic or version, a non-positive
     *                                  dimension, a checksum mismatch, or non-finite values
     */
    public static Whitening fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("whitening bytes are null");
        }
        if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) {
            throw new IllegalArgumentException(
                "whitening data truncated: [" + bytes.length + "] bytes, the header and checksum alone need ["
                    + (HEADER_BYTES + CHECKSUM_BYTES) + "]");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException(
                    "not a whitening: magic is [0x" + Integer.toHexString(magic) + "], expected [0x" + Integer.toHexString(MAGIC) + "]");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported whitening format version [" + version + "], expected [" + VERSION + "]");
            }
            int dIn = in.readInt();
            int dOut = in.readInt();
            if (dIn < 1 || dOut < 1) {
                throw new IllegalArgumentException(
                    "corrupt whitening header: dimensions must be positive but were d_in [" + dIn + "], d_out [" + dOut + "]");
            }
            long expected = expectedLength(dIn, dOut);
            if (bytes.length < expected) {
                throw new IllegalArgumentException(
                    "whitening data truncated: [" + bytes.length + "] bytes but d_in [" + dIn + "] and d_out [" + dOut + "] need ["
                        + expected + "]");
            }
            if (bytes.length > expected) {
                throw new IllegalArgumentException(
                    "whitening data has [" + (bytes.length - expected) + "] trailing bytes after the [" + expected + "] its header announces");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - CHECKSUM_BYTES);
            int stored = ((bytes[bytes.length - 4] & 0xFF) << 24) | ((bytes[bytes.length - 3] & 0xFF) << 16)
                | ((bytes[bytes.length - 2] & 0xFF) << 8) | (bytes[bytes.length - 1] & 0xFF);
            if (stored != (int) crc.getValue()) {
                throw new IllegalArgumentException("corrupt whitening data: CRC-32 checksum mismatch");
            }
            float[] mean = new float[dIn];
            for (int j = 0; j < dIn; j++) {
                mean[j] = in.readFloat();
            }
            float[][] projection = new float[dOut][dIn];
            for (int i = 0; i < dOut; i++) {
                for (int j = 0; j < dIn; j++) {
                    projection[i][j] = in.readFloat();
                }
            }
            return Whitening.of(projection, mean);
        } catch (IOException e) {
            // cannot happen: the length was checked above
            throw new IllegalArgumentException("whitening data truncated", e);
        }
    }

    private static long expectedLength(int dIn, int dOut) {
        return HEADER_BYTES + 4L * dIn * (1L + dOut) + CHECKSUM_BYTES;
    }
}
