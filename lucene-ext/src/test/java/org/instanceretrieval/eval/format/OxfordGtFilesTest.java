package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

public class OxfordGtFilesTest {

    @Test
    public void oxfordQueryLineLosesItsPrefixAndGoodOkAreMerged() {
        Map<String, String> files = new HashMap<>();
        files.put("gt/all_souls_1_query.txt", "oxc1_all_souls_000013 136.5 34.1 648.5 955.7\n");
        files.put("gt/all_souls_1_good.txt", "all_souls_000013\nall_souls_000026\n");
        files.put("gt/all_souls_1_ok.txt", "oxford_002985\n\n");
        files.put("gt/all_souls_1_junk.txt", "all_souls_000001\r\nall_souls_000002\r\n");
        files.put("bodleian_2_query.txt", "oxc1_bodleian_000132 93 110 580 925");
        files.put("bodleian_2_good.txt", "bodleian_000132\n");
        NamedGroundTruth gt = OxfordGtFiles.parse(files, null);
        assertEquals("oxford_paris", gt.defaultProtocol());
        assertNull(gt.database());
        // Ordered by query file name: all_souls_1 before bodleian_2.
        assertEquals(List.of(
            new NamedQuery("all_souls_000013", List.of("all_souls_000013", "all_souls_000026", "oxford_002985"), List.of(), List.of(),
                List.of("all_souls_000001", "all_souls_000002"), new BoundingBox(136.5, 34.1, 648.5, 955.7)),
            new NamedQuery("bodleian_000132", List.of("bodleian_000132"), List.of(), List.of(), List.of(), new BoundingBox(93, 110, 580, 925))
        ), gt.queries());
    }

    @Test
    public void parisQueryLineHasNoPrefix() {
        NamedGroundTruth gt = OxfordGtFiles.parse(Map.of(
            "defense_1_query.txt", "paris_defense_000605 32 45 990 700",
            "defense_1_good.txt", "paris_defense_000605\n"), null);
        assertEquals("paris_defense_000605", gt.queries().get(0).name());
    }

    /** The real Oxford pickle written out as gt files (good = the pickle's ok) reads back to the same queries. */
    @Test
    public void filesWrittenFromTheOxfordPickleReadBackTheSame() throws Exception {
        NamedGroundTruth pickle = CirtorchPickle.parse(GroundTruthPickles.bytes("oxford5k"), null);
        Map<String, String> files = new LinkedHashMap<>();
        for (int q = 0; q < pickle.queries().size(); q++) {
            NamedQuery query = pickle.queries().get(q);
            String prefix = String.format(Locale.ROOT, "q%02d_", q);
            BoundingBox b = query.box();
            files.put(prefix + "query.txt", "oxc1_" + query.name() + " " + b.x1() + " " + b.y1() + " " + b.x2() + " " + b.y2() + "\n");
            files.put(prefix + "good.txt", String.join("\n", query.positives()) + "\n");
            files.put(prefix + "ok.txt", "");
            files.put(prefix + "junk.txt", String.join("\n", query.junk()) + "\n");
        }
        NamedGroundTruth read = OxfordGtFiles.parse(files, null);
        assertEquals(pickle.queries(), read.queries());
    }

    @Test
    public void badFilesAreRejectedNamingTheProblem() {
        assertMessage(Map.of("readme.txt", "x"), "file [readme.txt] is not named {query}_good|ok|junk|query.txt");
        assertMessage(Map.of("a_1_good.txt", "x"), "query [a_1] has no [a_1_query.txt]");
        assertMessage(Map.of("a_1_query.txt", "oxc1_x 1 2 3"), "must hold one line");
        assertMessage(Map.of("a_1_query.txt", "oxc1_x 1 2 3 y"), "coordinate [y] is not a number");
        assertMessage(Map.of("a_1_query.txt", "oxc1_x 1 2 3 4", "a_1_good.txt", "y\n", "a_1_junk.txt", "y\n"),
            "query [a_1]: query [x] lists image [y] as both relevant and junk");
        assertMessage(Map.of("a/a_1_query.txt", "x 1 2 3 4", "b/a_1_query.txt", "x 1 2 3 4"), "is given twice");
        assertMessage(Map.of(), "no ground-truth files given");
    }

    private static void assertMessage(Map<String, String> files, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OxfordGtFiles.parse(files, null));
        assertThat(e.getMessage(), containsString(expected));
    }
}
