package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

public class GroundTruthJsonTest {

    @Test
    public void queryListsRoundTrip() {
        NamedGroundTruth gt = new NamedGroundTruth("revisited", List.of("a", "b", "c"), List.of(
            new NamedQuery("q", List.of(), List.of("a"), List.of("b"), List.of("c"), new BoundingBox(1, 2, 3, 4))), null);
        Map<String, Object> map = GroundTruthJson.toMap(gt);
        assertEquals(Map.of("protocol", "revisited", "database", List.of("a", "b", "c"), "queries",
            List.of(Map.of("name", "q", "easy", List.of("a"), "hard", List.of("b"), "junk", List.of("c"), "box", List.of(1.0, 2.0, 3.0, 4.0)))), map);
        assertEquals(gt, GroundTruthJson.fromMap(map, null));
    }

    @Test
    public void multiImageQueriesRoundTrip() {
        Map<String, Object> map = Map.of("protocol", "oxford_paris", "queries",
            List.of(Map.of("name", "q", "positive", List.of("a"), "images", List.of("q_front", "q_side"))));
        NamedGroundTruth gt = GroundTruthJson.fromMap(map, null);
        assertEquals(List.of("q_front", "q_side"), gt.queries().get(0).images());
        assertEquals(List.of("q_front", "q_side"), gt.queries().get(0).queryImages());
        assertEquals(map, GroundTruthJson.toMap(gt));
        // without images, the query image is the one named
        assertEquals(List.of("q"), GroundTruthJson.fromMap(Map.of("protocol", "oxford_paris", "queries", List.of(Map.of("name", "q"))),
            null).queries().get(0).queryImages());
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "images", List.of()))),
            "[queries][0][images] must name at least one image");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "images", List.of("a", "a")))),
            "query [q] [images] must be distinct, non-blank names, got [a, a]");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "images", "a"))),
            "[queries][0][images] must be an array of strings");
    }

    @Test
    public void classLabelsRoundTripInOrder() {
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("z", "1");
        classes.put("a", "0");
        NamedGroundTruth gt = new NamedGroundTruth("gpr1200", null, List.of(), classes);
        NamedGroundTruth back = GroundTruthJson.fromMap(GroundTruthJson.toMap(gt), null);
        assertEquals(gt, back);
        assertEquals(List.of("z", "a"), List.copyOf(back.classes().keySet()));
    }

    /** Query names need not be in the database (revisited queries are not). */
    @Test
    public void queriesOutsideTheDatabase() {
        NamedGroundTruth gt = GroundTruthJson.fromMap(Map.of("protocol", "revisited", "database", List.of("a"),
            "queries", List.of(Map.of("name", "q", "easy", List.of("a")))), null);
        assertEquals("q", gt.queries().get(0).name());
    }

    @Test
    public void protocolOverride() {
        Map<String, Object> map = Map.of("protocol", "oxford_paris", "queries", List.of(Map.of("name", "q", "positive", List.of("x"))));
        assertEquals("instre", GroundTruthJson.fromMap(map, "instre").defaultProtocol());
        assertEquals("instre", GroundTruthJson.fromMap(Map.of("queries", List.of(Map.of("name", "q"))), "instre").defaultProtocol());
    }

    @Test
    public void badDocumentsAreRejectedNamingTheField() {
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(), "extra", 1), "unknown field [extra]");
        assertMessage(Map.of("queries", List.of(Map.of("name", "q"))), "needs a [protocol]");
        assertMessage(Map.of("protocol", "holidays", "queries", "q"), "[queries] must be an array of objects");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("positive", List.of("x")))), "[queries][0] has no [name]");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "positive", List.of(1)))),
            "[queries][0][positive] must be an array of strings, got element [1]");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "box", List.of(1, 2, 3)))),
            "[queries][0][box] must be an array [x1, y1, x2, y2]");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "box", List.of(5, 2, 3, 4)))),
            "x1 <= x2");
        assertMessage(Map.of("protocol", "holidays", "queries", List.of(Map.of("name", "q", "colour", "red"))), "unknown field [colour] in [queries][0]");
        assertMessage(Map.of("protocol", "ukbench", "classes", Map.of("a", 1)), "[classes] [a] must be a string label");
        assertMessage(Map.of("protocol", "ukbench"), "no queries and no class labels");
        assertMessage(Map.of("protocol", "holidays", "database", List.of("a", "b"), "queries", List.of(Map.of("name", "q", "junk", List.of("c")))),
            "query [q] lists image [c], which is not in [database]");
        assertMessage(Map.of("protocol", "ukbench", "database", List.of("a"), "classes", Map.of("a", "1", "b", "1")),
            "[classes] labels image [b], which is not in [database]");
        assertMessage(Map.of("protocol", "ukbench", "database", List.of("a", "a"), "classes", Map.of("a", "1")), "[database] lists an image twice");
    }

    private static void assertMessage(Map<String, Object> map, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroundTruthJson.fromMap(map, null));
        assertThat(e.getMessage(), containsString(expected));
    }
}
