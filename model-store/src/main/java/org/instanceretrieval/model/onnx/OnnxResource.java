package org.instanceretrieval.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads an ONNX file shipped in the model-store jar beside this class (the pretrained built-in models). */
final class OnnxResource {

    private OnnxResource() {}

    /**
     * The bytes of {@code resource}, a file of this package.
     *
     * @throws IllegalStateException when the jar lacks it (a broken build)
     */
    static byte[] read(String resource) {
        try (InputStream in = OnnxResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource [" + resource + "] is missing from the model-store jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
