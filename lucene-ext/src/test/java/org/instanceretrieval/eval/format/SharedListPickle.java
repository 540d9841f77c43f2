package org.instanceretrieval.eval.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes, opcode by opcode (pickle protocol 2), a cirtorch-style ground truth whose every query
 * references one and the same {@code ok} list: the list is built once and memoised (BINPUT 1), each
 * query fetches it again with BINGET 1 (two bytes). {@code images} database names {@code i0..},
 * {@code queries} queries {@code q0..}, each with {@code ok} = all database indices and no junk: it
 * expands to {@code images x queries} names from a file of about {@code 6 x images + 24 x queries}
 * bytes. A hostile input for the expansion limit, and a small valid one when the counts are small.
 * Shared with rest-spec's tests through lucene-ext's test fixtures jar (see lucene-ext/pom.xml).
 */
public final class SharedListPickle {

    private SharedListPickle() {}

    public static byte[] write(int images, int queries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(2); // PROTO 2
        out.write('}'); // EMPTY_DICT
        out.write('('); // MARK
        str(out, "imlist");
        names(out, "i", images);
        str(out, "qimlist");
        names(out, "q", queries);
        str(out, "gnd");
        out.write(']'); // EMPTY_LIST
        out.write('(');
        for (int q = 0; q < queries; q++) {
            out.write('}');
            out.write('(');
            str(out, "ok");
            if (q == 0) {
                out.write(']');
                out.write('q'); // BINPUT 1
                out.write(1);
                out.write('(');
                for (int i = 0; i < images; i++) {
                    out.write('M'); // BININT2
                    out.write(i & 0xff);
                    out.write((i >> 8) & 0xff);
                }
                out.write('e'); // APPENDS (fills the memoised list)
            } else {
                out.write('h'); // BINGET 1
                out.write(1);
            }
            str(out, "junk");
            out.write(']');
            out.write('u'); // SETITEMS
        }
        out.write('e');
        out.write('u');
        out.write('.'); // STOP
        return out.toByteArray();
    }

    private static void names(ByteArrayOutputStream out, String prefix, int count) {
        out.write(']');
        out.write('(');
        for (int i = 0; i < count; i++) {
            str(out, prefix + i);
        }
        out.write('e');
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X'); // BINUNICODE, 4-byte little-endian length
        out.write(b.length & 0xff);
        out.write((b.length >> 8) & 0xff);
        out.write((b.length >> 16) & 0xff);
        out.write((b.length >>> 24) & 0xff);
        out.write(b, 0, b.length);
    }
}
