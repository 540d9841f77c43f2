package org.instanceretrieval.rest.memory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a black 8-bit RGB PNG of any size chunk by chunk, without ever holding its pixels: each row is
 * a filter byte and zero samples fed to a {@link Deflater}, so an 8192 x 8191 image (201 MB of raw
 * rows) compresses to about 200 KB in a few seconds and a few KB of heap.
 */
final class FlatPng {

    private FlatPng() {}

    static byte[] black(int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0)
            .put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] row = new byte[1 + 3 * width]; // filter 0, all samples 0
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (deflater.needsInput() == false) {
                int n = deflater.deflate(buffer);
                idat.write(buffer, 0, n);
            }
        }
        deflater.finish();
        while (deflater.finished() == false) {
            int n = deflater.deflate(buffer);
            idat.write(buffer, 0, n);
        }
        deflater.end();
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
