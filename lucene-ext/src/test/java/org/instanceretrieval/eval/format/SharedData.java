package org.instanceretrieval.eval.format;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The real cirtorch pickles of shared/data (tests.shared.dir, set by surefire, else ../../shared). */
final class SharedData {

    private SharedData() {}

    static byte[] groundTruthPickle(String name) throws IOException {
        String configured = System.getProperty("tests.shared.dir");
        Path shared = configured != null && configured.isEmpty() == false
            ? Paths.get(configured)
            : Paths.get(System.getProperty("user.dir")).toAbsolutePath().resolve("../../shared").normalize();
        Path file = shared.resolve("data").resolve("gnd_" + name + ".pkl");
        assertTrue("ground truth pickle not found: " + file, Files.isRegularFile(file));
        return Files.readAllBytes(file);
    }
}
