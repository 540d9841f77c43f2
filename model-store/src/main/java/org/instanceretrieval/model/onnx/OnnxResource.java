package org.instanceretrieval.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An ONNX file shipped in the model-store jar beside this class (the pretrained built-in models), read once on first use.
 * Thread-safe.
 */
final class OnnxResource {

    private final String resource;
    private volatile byte[] bytes;

    /** @param resource a file of this package */
    OnnxResource(String resource) {
        this.resource = resource;
    }

    /** A fresh copy of the file's bytes. */
    byte[] copy() {
        return bytes().clone();
    }

    /** The file's length in bytes, without copying. */
    int length() {
        return bytes().length;
    }

    /** @throws IllegalStateException when the jar lacks the file (a broken build) */
    private byte[] bytes() {
        byte[] b = bytes;
        if (b == null) {
            try (InputStream in = OnnxResource.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource [" + resource + "] is missing from the model-store jar");
                }
                b = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes = b;
        }
        return b;
    }
}
