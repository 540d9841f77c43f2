package org.instanceretrieval.eval.format;

import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.io.InputStream;

/** The real cirtorch ground-truth pickles of the repository's testdata/groundtruth, read from the test classpath. */
public final class GroundTruthPickles {

    private GroundTruthPickles() {}

    /** The bytes of {@code gnd_{name}.pkl} ({@code oxford5k} or {@code paris6k}). */
    public static byte[] bytes(String name) throws IOException {
        String resource = "/groundtruth/gnd_" + name + ".pkl";
        try (InputStream in = GroundTruthPickles.class.getResourceAsStream(resource)) {
            assertNotNull("ground truth pickle not on the test classpath: " + resource, in);
            return in.readAllBytes();
        }
    }
}
