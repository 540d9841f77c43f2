package org.instanceretrieval.graph;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The byte format of a {@link NeighbourList}, as stored with its document (binary doc values).
 *
 * <pre>
 * list   := version:u8 (= {@value #VERSION}) count:varint entry{count}
 * entry  := idLength:varint idBytes:u8{idLength} similarity:i32-little-endian
 * varint := 7 bits per byte, least significant group first, high bit = more bytes follow
 *           (at most 5 bytes, value &lt;= 2^31 - 1, no redundant trailing zero groups)
 * </pre>
 * idBytes is the id's UTF-8; similarity is the float's IEEE 754 bits
 * ({@link Float#floatToIntBits}). An empty list is 2 bytes; an entry costs 5 + id bytes (+1
 * when an id has 128 bytes or more). Decoding accepts exactly what encoding produces: any
 * other input (unknown version, truncated or over-long varint, a length beyond the input,
 * invalid UTF-8, a list breaking the {@link NeighbourList} contract, trailing bytes) is
 * refused with an {@link IllegalArgumentException} naming the byte offset. Stateless.
 */
public final class NeighbourListCodec {

    /** Current format version (first byte). */
    public static final byte VERSION = 1;

    /** Smallest encoded entry: 1 length byte, 1 id byte, 4 similarity bytes. */
    private static final int MIN_ENTRY_BYTES = 6;

    private NeighbourListCodec() {}

    /** Encodes {@code list} (valid by construction) into a new array. */
    public static byte[] encode(NeighbourList list) {
        if (list == null) {
            throw new IllegalArgumentException("neighbour list must not be null");
        }
        int size = 1 + varintLength(list.size());
        for (int t = 0; t < list.size(); t++) {
            int len = list.utf8(t).length;
            size += varintLength(len) + len + Float.BYTES;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put(VERSION);
        writeVarint(out, list.size());
        for (int t = 0; t < list.size(); t++) {
            byte[] id = list.utf8(t);
            writeVarint(out, id.length);
            out.put(id);
            out.putInt(Float.floatToIntBits(list.similarity(t)));
        }
        return out.array();
    }

    /**
     * Decodes a whole array produced by {@link #encode}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly one valid encoded list
     */
    public static NeighbourList decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("encoded neighbour list must not be null");
        }
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes {@code bytes[offset .. offset + length)} (e.g. a doc value's BytesRef).
     *
     * @throws IllegalArgumentException if the range does not fit the array or is not exactly
     *     one valid encoded list
     */
    public static NeighbourList decode(byte[] bytes, int offset, int length) {
        if (bytes == null || offset < 0 || length < 0 || (long) offset + length > bytes.length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") does not fit the encoded neighbour list");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 1) {
            throw malformed(in, "no version byte");
        }
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("malformed neighbour list at byte 0: version [" + version + "] is not the supported ["
                + VERSION + "]");
        }
        int count = readVarint(in, "entry count");
        if (count > in.remaining() / MIN_ENTRY_BYTES) {
            throw malformed(in, "entry count [" + count + "] cannot fit the remaining [" + in.remaining() + "] bytes");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        String[] ids = new String[count];
        byte[][] utf8 = new byte[count][];
        float[] similarities = new float[count];
        for (int t = 0; t < count; t++) {
            int len = readVarint(in, "id length of entry " + t);
            if (len < 1 || len > NeighbourList.MAX_ID_BYTES) {
                throw malformed(in, "id length [" + len + "] of entry " + t + " is not in [1, " + NeighbourList.MAX_ID_BYTES + "]");
            }
            if (in.remaining() < len + Float.BYTES) {
                throw malformed(in, "entry " + t + " needs [" + (len + Float.BYTES) + "] bytes but [" + in.remaining() + "] remain");
            }
            int at = in.position();
            utf8[t] = new byte[len];
            in.get(utf8[t]);
            try {
                ids[t] = decoder.decode(ByteBuffer.wrap(utf8[t])).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + at + ": id of entry " + t + " is not valid UTF-8", e);
            }
            int bits = in.getInt();
            similarities[t] = Float.intBitsToFloat(bits);
            if (Float.floatToIntBits(similarities[t] + 0f) != bits) {
                throw malformed(in, "similarity of entry " + t + " is not in canonical form (negative zero or a NaN payload)");
            }
        }
        if (in.hasRemaining()) {
            throw malformed(in, "[" + in.remaining() + "] trailing bytes after " + count + " entries");
        }
        try {
            return new NeighbourList(ids, utf8, similarities);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed neighbour list: " + e.getMessage(), e);
        }
    }

    /** Receives the entries {@link #scan} visits. */
    @FunctionalInterface
    public interface EntryVisitor {
        /**
         * One entry: its rank, its id as UTF-8 in {@code bytes[idOffset .. idOffset + idLength)} (valid only during the call)
         * and its similarity.
         */
        void entry(int rank, byte[] bytes, int idOffset, int idLength, float similarity);
    }

    /**
     * Visits the first {@code min(limit, count)} entries of the list in {@code bytes[offset .. offset + length)} without
     * allocating (the read path of a search, which needs only the head of each list and only ids it can match). It checks
     * what it visits as {@link #decode} does, except two things only a full decode sees: that ids are valid UTF-8 and
     * distinct (a caller matching ids against known valid ones must detect repeats itself); entries after the limit and
     * trailing bytes are not read.
     *
     * @return the number of entries visited
     * @throws IllegalArgumentException if the range does not fit the array, the version is unknown, or a visited entry is
     *     malformed (truncated or over-long varint, id length out of [1, 512], past the end, non-canonical, non-finite or
     *     increasing similarity), naming the byte offset within the list
     */
    public static int scan(byte[] bytes, int offset, int length, int limit, EntryVisitor visitor) {
        if (bytes == null || offset < 0 || length < 0 || (long) offset + length > bytes.length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") does not fit the encoded neighbour list");
        }
        int end = offset + length;
        if (length < 1) {
            throw new IllegalArgumentException("malformed neighbour list at byte 0: no version byte");
        }
        if (bytes[offset] != VERSION) {
            throw new IllegalArgumentException("malformed neighbour list at byte 0: version [" + bytes[offset] + "] is not the supported ["
                + VERSION + "]");
        }
        long read = readVarint(bytes, offset + 1, end, offset, "entry count");
        int count = (int) (read >>> 32);
        int at = (int) read;
        if (count > (end - at) / MIN_ENTRY_BYTES) {
            throw new IllegalArgumentException("malformed neighbour list at byte " + (at - offset) + ": entry count [" + count
                + "] cannot fit the remaining [" + (end - at) + "] bytes");
        }
        int visit = Math.min(Math.max(limit, 0), count);
        float previous = Float.POSITIVE_INFINITY;
        for (int t = 0; t < visit; t++) {
            read = readVarint(bytes, at, end, offset, "id length of entry " + t);
            int len = (int) (read >>> 32);
            at = (int) read;
            if (len < 1 || len > NeighbourList.MAX_ID_BYTES) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + (at - offset) + ": id length [" + len
                    + "] of entry " + t + " is not in [1, " + NeighbourList.MAX_ID_BYTES + "]");
            }
            if (end - at < len + Float.BYTES) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + (at - offset) + ": entry " + t + " needs ["
                    + (len + Float.BYTES) + "] bytes but [" + (end - at) + "] remain");
            }
            int s = at + len;
            int bits = (bytes[s] & 0xFF) | (bytes[s + 1] & 0xFF) << 8 | (bytes[s + 2] & 0xFF) << 16 | (bytes[s + 3] & 0xFF) << 24;
            float similarity = Float.intBitsToFloat(bits);
            if (Float.floatToIntBits(similarity + 0f) != bits) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + (s + Float.BYTES - offset) + ": similarity of entry "
                    + t + " is not in canonical form (negative zero or a NaN payload)");
            }
            try {
                NeighbourList.requireSimilarity(similarity, t, previous);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed neighbour list: " + e.getMessage(), e);
            }
            visitor.entry(t, bytes, at, len, similarity);
            previous = similarity;
            at = s + Float.BYTES;
        }
        return visit;
    }

    /** Reads a varint at {@code at} (before {@code end}): returns {@code value << 32 | next position}. */
    private static long readVarint(byte[] bytes, int at, int end, int base, String what) {
        int start = at;
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at >= end) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + (start - base) + ": " + what + " is truncated");
            }
            int b = bytes[at++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new IllegalArgumentException("malformed neighbour list at byte " + (start - base) + ": " + what + " is over-long");
                }
                if (value > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("malformed neighbour list at byte " + (start - base) + ": " + what + " exceeds 2^31 - 1");
                }
                return value << 32 | at;
            }
        }
        throw new IllegalArgumentException("malformed neighbour list at byte " + (start - base) + ": " + what + " has more than 5 bytes");
    }

    static int varintLength(int value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static void writeVarint(ByteBuffer out, int value) {
        while ((value & ~0x7F) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    private static int readVarint(ByteBuffer in, String what) {
        int start = in.position();
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (in.hasRemaining() == false) {
                throw new IllegalArgumentException("malformed neighbour list at byte " + start + ": " + what + " is truncated");
            }
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new IllegalArgumentException("malformed neighbour list at byte " + start + ": " + what + " is over-long");
                }
                if (value > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("malformed neighbour list at byte " + start + ": " + what + " exceeds 2^31 - 1");
                }
                return (int) value;
            }
        }
        throw new IllegalArgumentException("malformed neighbour list at byte " + start + ": " + what + " has more than 5 bytes");
    }

    private static IllegalArgumentException malformed(ByteBuffer in, String reason) {
        return new IllegalArgumentException("malformed neighbour list at byte " + in.position() + ": " + reason);
    }
}
