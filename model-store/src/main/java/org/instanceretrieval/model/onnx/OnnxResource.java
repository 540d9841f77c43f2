package org.instanceretrieval.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An ONNX file shipped in the model-store jar beside this class (the pretrained built-in models). The bytes are read from
 * the jar on every {@link #copy} and not kept on the heap (the default's file is 20.5 MB, needed only when a session is
 * created or the definition is downloaded); only the length is remembered. Thread-safe.
 */
final class OnnxResource {

    private final String resource;
    private volatile int length = -1;

    /** @param resource a file of this package */
    OnnxResource(String resource) {
        this.resource = resource;
    }

    /**
     * The file's bytes, freshly read.
     *
     * @throws IllegalStateException when the jar lacks the file (a broken build)
     */
    byte[] copy() {
        try (InputStream in = open()) {
            byte[] bytes = in.readAllBytes();
            length = bytes.length;
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's length in bytes, counted once without keeping the bytes. */
    int length() {
        int n = length;
        if (n < 0) {
            try (InputStream in = open()) {
                n = Math.toIntExact(in.transferTo(OutputStream.nullOutputStream()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            length = n;
        }
        return n;
    }

    /** @throws IllegalStateException when the jar lacks the file (a broken build) */
    private InputStream open() {
        InputStream in = OnnxResource.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("resource [" + resource + "] is missing from the model-store jar");
        }
        return in;
    }
}
