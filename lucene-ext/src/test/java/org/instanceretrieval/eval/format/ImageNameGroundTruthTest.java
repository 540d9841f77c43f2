package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

public class ImageNameGroundTruthTest {

    @Test
    public void gpr1200ClassIsThePrefixOfTheFileName() {
        NamedGroundTruth gt = ImageNameGroundTruth.gpr1200(List.of("12_a.jpg", "12_b_c.jpg", "dir/7_x.jpg", "7_y.jpg"), null);
        assertEquals("gpr1200", gt.defaultProtocol());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("12_a.jpg", "12");
        expected.put("12_b_c.jpg", "12");
        expected.put("dir/7_x.jpg", "7");
        expected.put("7_y.jpg", "7");
        assertEquals(expected, gt.classes());
        assertEquals(List.of("12_a.jpg", "12_b_c.jpg", "dir/7_x.jpg", "7_y.jpg"), gt.database());
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(gt.classes().entrySet()));
        assertMessage(() -> ImageNameGroundTruth.gpr1200(List.of("12_a", "noclass"), null), "id [noclass] (image 1) is not of the form {class}_{name}");
        assertMessage(() -> ImageNameGroundTruth.gpr1200(List.of("_a"), null), "is not of the form");
        assertMessage(() -> ImageNameGroundTruth.gpr1200(List.of("1_a", "1_a"), null), "image name [1_a] appears twice");
    }

    @Test
    public void ukbenchGroupsOfFourConsecutive() {
        List<String> names = List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7");
        NamedGroundTruth gt = ImageNameGroundTruth.ukbench(names, null);
        assertEquals("ukbench", gt.defaultProtocol());
        assertEquals(List.of("0", "0", "0", "0", "1", "1", "1", "1"), List.copyOf(gt.classes().values()));
        assertEquals(names, List.copyOf(gt.classes().keySet()));
        assertMessage(() -> ImageNameGroundTruth.ukbench(List.of("a", "b", "c", "d", "e"), null), "groups of 4, but 5 names");
        assertMessage(() -> ImageNameGroundTruth.ukbench(List.of(), null), "no image names given");
    }

    @Test
    public void holidaysQueriesAreMultiplesOf100() {
        // Two groups (1000xx and 1001xx), names out of numeric order, with extensions.
        List<String> names = List.of("100000.jpg", "100001.jpg", "100100.jpg", "100002.jpg", "100101.jpg", "100102.jpg");
        NamedGroundTruth gt = ImageNameGroundTruth.holidays(names, null);
        assertEquals("holidays", gt.defaultProtocol());
        assertEquals(names, gt.database());
        assertEquals(List.of(
            new NamedQuery("100000.jpg", List.of("100001.jpg", "100002.jpg"), List.of(), List.of(), List.of(), null),
            new NamedQuery("100100.jpg", List.of("100101.jpg", "100102.jpg"), List.of(), List.of(), List.of(), null)
        ), gt.queries());
        // A group without its query image gives no query.
        assertEquals(1, ImageNameGroundTruth.holidays(List.of("100000", "100001", "100201"), null).queries().size());
        assertMessage(() -> ImageNameGroundTruth.holidays(List.of("100000", "abc"), null), "[abc] has no number");
        assertMessage(() -> ImageNameGroundTruth.holidays(List.of("100000.jpg", "100000.png"), null), "have the same number 100000");
        assertMessage(() -> ImageNameGroundTruth.holidays(List.of("100001", "100002"), null), "no Holidays query image");
    }

    private static void assertMessage(org.junit.function.ThrowingRunnable run, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertThat(e.getMessage(), containsString(expected));
    }
}
