package org.instanceretrieval.model.onnx;

import java.security.MessageDigest;
import java.util.HexFormat;

/** Prints this JVM's {@code java.version} and the SHA-256 of the built-in model's ONNX bytes: run in a second JVM by {@link DefaultModelTest}. */
public final class DefaultModelDigest {

    private DefaultModelDigest() {}

    static String sha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DefaultModel.onnx()));
    }

    public static void main(String[] args) throws Exception {
        System.out.println(System.getProperty("java.version") + " " + sha256());
    }
}
