package org.instanceretrieval.eval.format;

/**
 * A pass over a pickle's opcodes before Pyrolite reads it, checking that every length-prefixed
 * argument (str, bytes, long) fits in the bytes that remain. Pyrolite allocates such an argument
 * at its declared length before reading it, so without this check a few bytes declaring a
 * 2 GiB string would exhaust a node's heap. Also rejects unknown opcodes and a pickle without
 * {@code STOP}. Covers pickle protocols 0 to 5.
 */
final class PickleOpcodeScan {

    private static final int LINE = -1;
    private static final int TWO_LINES = -2;
    private static final int LEN1 = -3;
    private static final int LEN4 = -4;
    private static final int LEN8 = -5;
    private static final int UNKNOWN = -6;

    /** Per opcode byte: a fixed argument size (>= 0) or one of the kinds above. */
    private static final int[] ARGUMENT = new int[256];

    static {
        java.util.Arrays.fill(ARGUMENT, UNKNOWN);
        for (char c : "(.012NQRabd}elo]st)u".toCharArray()) {
            ARGUMENT[c] = 0;
        }
        for (char c : "FILPSVgp".toCharArray()) {
            ARGUMENT[c] = LINE;
        }
        ARGUMENT['c'] = TWO_LINES;
        ARGUMENT['i'] = TWO_LINES;
        ARGUMENT['J'] = 4;
        ARGUMENT['K'] = 1;
        ARGUMENT['M'] = 2;
        ARGUMENT['h'] = 1;
        ARGUMENT['j'] = 4;
        ARGUMENT['q'] = 1;
        ARGUMENT['r'] = 4;
        ARGUMENT['G'] = 8;
        ARGUMENT['T'] = LEN4;
        ARGUMENT['U'] = LEN1;
        ARGUMENT['X'] = LEN4;
        ARGUMENT['B'] = LEN4;
        ARGUMENT['C'] = LEN1;
        ARGUMENT[0x80] = 1; // PROTO
        ARGUMENT[0x81] = 0; // NEWOBJ
        ARGUMENT[0x82] = 1; // EXT1
        ARGUMENT[0x83] = 2; // EXT2
        ARGUMENT[0x84] = 4; // EXT4
        for (int op = 0x85; op <= 0x89; op++) {
            ARGUMENT[op] = 0; // TUPLE1-3, NEWTRUE, NEWFALSE
        }
        ARGUMENT[0x8a] = LEN1; // LONG1
        ARGUMENT[0x8b] = LEN4; // LONG4
        ARGUMENT[0x8c] = LEN1; // SHORT_BINUNICODE
        ARGUMENT[0x8d] = LEN8; // BINUNICODE8
        ARGUMENT[0x8e] = LEN8; // BINBYTES8
        for (int op = 0x8f; op <= 0x94; op++) {
            ARGUMENT[op] = 0; // EMPTY_SET, ADDITEMS, FROZENSET, NEWOBJ_EX, STACK_GLOBAL, MEMOIZE
        }
        ARGUMENT[0x95] = 8; // FRAME (its length is a hint, not followed by a separate payload)
        ARGUMENT[0x96] = LEN8; // BYTEARRAY8
        ARGUMENT[0x97] = 0; // NEXT_BUFFER
        ARGUMENT[0x98] = 0; // READONLY_BUFFER
    }

    private PickleOpcodeScan() {}

    /** @throws IllegalArgumentException naming the offset of the first problem */
    static void check(byte[] pickle) {
        int pos = 0;
        while (pos < pickle.length) {
            int op = pickle[pos] & 0xff;
            int at = pos++;
            int kind = ARGUMENT[op];
            if (op == '.') {
                return;
            }
            long skip;
            switch (kind) {
                case UNKNOWN -> throw new IllegalArgumentException("malformed pickle: unknown opcode 0x" + Integer.toHexString(op) + " at byte " + at);
                case LINE -> skip = lineEnd(pickle, pos, at) - pos;
                case TWO_LINES -> skip = lineEnd(pickle, lineEnd(pickle, pos, at), at) - pos;
                case LEN1 -> skip = 1 + length(pickle, pos, 1, at);
                case LEN4 -> skip = 4 + length(pickle, pos, 4, at);
                case LEN8 -> skip = 8 + length(pickle, pos, 8, at);
                default -> skip = kind;
            }
            if (skip > pickle.length - pos) {
                throw new IllegalArgumentException("malformed pickle: the argument of opcode 0x" + Integer.toHexString(op) + " at byte " + at
                    + " runs past the end (" + skip + " bytes declared, " + (pickle.length - pos) + " left)");
            }
            pos += (int) skip;
        }
        throw new IllegalArgumentException("malformed pickle: no STOP opcode (truncated?)");
    }

    /** The position after the newline ending the line that starts at {@code pos}. */
    private static int lineEnd(byte[] pickle, int pos, int at) {
        for (int i = pos; i < pickle.length; i++) {
            if (pickle[i] == '\n') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("malformed pickle: unterminated line argument of the opcode at byte " + at);
    }

    /** A little-endian unsigned length of {@code width} bytes at {@code pos}. */
    private static long length(byte[] pickle, int pos, int width, int at) {
        if (pickle.length - pos < width) {
            throw new IllegalArgumentException("malformed pickle: truncated length of the opcode at byte " + at);
        }
        long n = 0;
        for (int i = width - 1; i >= 0; i--) {
            n = (n << 8) | (pickle[pos + i] & 0xff);
        }
        // Larger than the whole pickle (or wrapped negative): certainly past the end; capped so
        // that adding the width cannot overflow.
        return n < 0 || n > pickle.length ? pickle.length + 1L : n;
    }
}
