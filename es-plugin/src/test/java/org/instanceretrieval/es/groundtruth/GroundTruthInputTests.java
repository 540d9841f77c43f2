package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

public class GroundTruthInputTests extends ESTestCase {

    private static final Reservation NO_LIMIT = MemoryBudget.UNLIMITED.reserve(0, "test");

    public void testSymbolicLinkOutOfTheConfigDirectoryIsRefused() throws Exception {
        Path root = createTempDir();
        Path config = Files.createDirectories(root.resolve("config"));
        Path outside = Files.writeString(root.resolve("secret.txt"), "1_a\n1_b\n", StandardCharsets.UTF_8);
        Files.writeString(config.resolve("inside.txt"), "1_a\n1_b\n", StandardCharsets.UTF_8);
        Path link = config.resolve("link.txt");
        try {
            Files.createSymbolicLink(link, outside);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            assumeNoException("symbolic links not supported here", e);
        }
        GroundTruthInput input = new GroundTruthInput(config, 1000);
        assertEquals(2, input.parse("gpr1200", null, "inside.txt", null, NO_LIMIT).database().size());
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> input.parse("gpr1200", null, "link.txt", null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("[path] [link.txt] escapes the config directory"));
    }

    public void testOxfordDirectoryReadsOnlyGroundTruthFiles() throws Exception {
        Path config = createTempDir();
        Path dir = Files.createDirectories(config.resolve("gt"));
        Files.writeString(dir.resolve("a_1_query.txt"), "oxc1_x 1 2 3 4", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("a_1_good.txt"), "x\ny\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("README"), "not ground truth", StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("b_1_query.txt"));
        NamedGroundTruth gt = new GroundTruthInput(config, 1000).parse("oxford_gt_files", null, "gt", null, NO_LIMIT);
        assertEquals(1, gt.queries().size());
        assertEquals(List.of("x", "y"), gt.queries().get(0).positives());
        Files.writeString(config.resolve("empty.txt"), "", StandardCharsets.UTF_8);
        Path emptyDir = Files.createDirectories(config.resolve("none"));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
            () -> new GroundTruthInput(config, 1000).parse("oxford_gt_files", null, config.relativize(emptyDir).toString(), null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("holds no *_good/ok/junk/query.txt files"));
    }

    public void testInlineDataShapes() throws Exception {
        GroundTruthInput input = new GroundTruthInput(createTempDir(), 1000);
        // Names as lines (CRLF, blank lines, surrounding spaces) or as an array give the same ground truth.
        assertEquals(input.parse("ukbench", List.of("a", "b", "c", "d"), null, null, NO_LIMIT),
            input.parse("ukbench", " a\r\nb\n\nc\nd \n", null, null, NO_LIMIT));
        // Base64 may be wrapped over lines.
        byte[] pickle = Base64.getDecoder().decode("gANdcQAoSwFLAmUu");
        String wrapped = Base64.getEncoder().encodeToString(pickle).substring(0, 8) + "\n" + Base64.getEncoder().encodeToString(pickle).substring(8);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> input.parse("cirtorch_pkl", wrapped, null, null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("top-level object must be a dict"));
        e = expectThrows(IllegalArgumentException.class, () -> input.parse("ukbench", List.of("a", 1), null, null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("[data] must be an array of image names (strings), got element [1]"));
        e = expectThrows(IllegalArgumentException.class, () -> input.parse("oxford_gt_files", Map.of("a_1_query.txt", 5), null, null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("[data] [a_1_query.txt] must be the file's text"));
        e = expectThrows(IllegalArgumentException.class, () -> input.parse("json", Map.of(), "x.json", null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("give exactly one of [data]"));
    }

    public void testTextFormatsRejectNonUtf8Files() throws Exception {
        Path config = createTempDir();
        Files.write(config.resolve("bad.csv"), new byte[] { 'i', 'd', (byte) 0xff, (byte) 0xfe });
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
            () -> new GroundTruthInput(config, 1000).parse("gldv2_csv", null, "bad.csv", null, NO_LIMIT));
        assertThat(e.getMessage(), containsString("[path] [bad.csv] is not UTF-8 text"));
    }
}
