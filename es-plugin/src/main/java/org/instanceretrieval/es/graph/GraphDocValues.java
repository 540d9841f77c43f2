package org.instanceretrieval.es.graph;

import org.apache.lucene.util.BytesRef;

/**
 * Reads one document's value of a {@link GraphFields} field from its binary doc values. Elasticsearch's {@code binary} field
 * does not store the value's bytes as they are: its doc value is {@code vInt(count)} then, per value (sorted, distinct),
 * {@code vInt(length)} and the bytes (BinaryFieldMapper.CustomBinaryDocValuesField). A graph document holds exactly one value,
 * the {@code NeighbourListCodec} bytes; this unwraps it without copying. Stateless.
 */
public final class GraphDocValues {

    private GraphDocValues() {}

    /**
     * Points {@code value} at the single value inside {@code docValue} (same array, no copy).
     *
     * @return false when the document holds no value
     * @throws IllegalStateException when it holds several values or the wrapping is malformed
     */
    public static boolean singleValue(BytesRef docValue, BytesRef value) {
        byte[] b = docValue.bytes;
        int end = docValue.offset + docValue.length;
        long read = readVInt(b, docValue.offset, end);
        int count = (int) (read >>> 32);
        if (count == 0) {
            return false;
        }
        if (count != 1) {
            throw new IllegalStateException("a neighbour graph field holds [" + count + "] values in one document; it must hold one");
        }
        read = readVInt(b, (int) read, end);
        int length = (int) (read >>> 32);
        int at = (int) read;
        if (at + length != end) {
            throw new IllegalStateException("binary doc value of [" + length + "] bytes does not fill its [" + (end - at) + "] bytes");
        }
        value.bytes = b;
        value.offset = at;
        value.length = length;
        return true;
    }

    /** Elasticsearch's vInt at {@code at}: returns {@code value << 32 | next position}. */
    private static long readVInt(byte[] b, int at, int end) {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            if (at >= end) {
                throw new IllegalStateException("binary doc value is truncated");
            }
            byte x = b[at++];
            value |= (x & 0x7F) << shift;
            if (x >= 0) {
                if (value < 0) {
                    throw new IllegalStateException("binary doc value has a negative length");
                }
                return ((long) value << 32) | at;
            }
        }
        throw new IllegalStateException("binary doc value has an over-long vInt");
    }
}
