package org.instanceretrieval.es.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;

public class DefinitionUploadTests extends ESTestCase {

    private static final String SHA = "ab".repeat(32);

    private static DefinitionUpload totals(int n, long length) {
        return DefinitionUpload.start(n, length, SHA);
    }

    public void testEqualPartsWithAShorterLastInAnyOrder() {
        DefinitionUpload t = totals(3, 25);
        DefinitionUpload u = t.accept("m", 1, 10, t);
        assertEquals(10, u.partSize());
        assertFalse(u.isComplete());
        u = u.accept("m", 2, 5, t);
        assertFalse(u.isComplete());
        u = u.accept("m", 0, 10, t);
        assertTrue(u.isComplete());
        assertArrayEquals(new int[] { 0, 1, 2 }, u.uploaded());
    }

    public void testALastPartArrivingFirstFixesThePartSize() {
        DefinitionUpload t = totals(3, 25);
        DefinitionUpload u = t.accept("m", 2, 5, t);
        assertEquals(10, u.partSize()); // (25 - 5) / 2
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 0, 9, t));
        assertEquals("[definition] part 0 has 9 bytes, expected 10 (every part but the last has the size of the first one stored)", e.getMessage());
    }

    public void testALastPartThatLeavesNoEqualSplitIsRefused() {
        DefinitionUpload t = totals(3, 25);
        // 25 - 6 = 19 is odd: no two equal parts.
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", 2, 6, t));
        // 25 - 9 = 16 = 2 x 8, but the last part may not be larger than the others.
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", 2, 9, t));
        // 25 - 1 = 24 = 2 x 12: fine.
        assertEquals(12, t.accept("m", 2, 1, t).partSize());
    }

    public void testANonLastPartOfTheWrongSizeIsRefused() {
        DefinitionUpload t = totals(3, 25);
        DefinitionUpload u = t.accept("m", 0, 10, t);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 1, 11, t));
        assertTrue(e.getMessage(), e.getMessage().contains("part 1 has 11 bytes, expected 10"));
        e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 2, 6, t));
        assertTrue(e.getMessage(), e.getMessage().contains("part 2 has 6 bytes, expected 5"));
    }

    public void testAFirstPartThatCannotMakeTheTotalIsRefused() {
        DefinitionUpload t = totals(3, 25);
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", 0, 13, t)); // 13 + 13 > 25
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", 0, 8, t)); // the last would hold 9 > 8
        assertEquals(12, t.accept("m", 0, 12, t).partSize()); // 12 + 12 + 1
    }

    public void testASinglePartHoldsTheWholeDefinition() {
        DefinitionUpload t = totals(1, 7);
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", 0, 6, t));
        assertTrue(t.accept("m", 0, 7, t).isComplete());
    }

    public void testAStoredPartIsAConflict() {
        DefinitionUpload t = totals(2, 20);
        DefinitionUpload u = t.accept("m", 0, 10, t);
        ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class, () -> u.accept("m", 0, 10, t));
        assertEquals(RestStatus.CONFLICT, e.status());
        assertEquals("part [0] of model [m] is already stored", e.getMessage());
    }

    public void testTotalsMustAgreeAcrossParts() {
        DefinitionUpload t = totals(3, 25);
        DefinitionUpload u = t.accept("m", 0, 10, t);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 1, 10, totals(4, 25)));
        assertEquals("[total_parts] 4 differs from 3 given with the earlier parts of model [m]", e.getMessage());
        e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 1, 10, totals(3, 26)));
        assertTrue(e.getMessage(), e.getMessage().startsWith("[total_definition_length] 26 differs"));
        e = expectThrows(IllegalArgumentException.class, () -> u.accept("m", 1, 10, DefinitionUpload.start(3, 25, "cd".repeat(32))));
        assertTrue(e.getMessage(), e.getMessage().startsWith("[sha256] "));
    }

    public void testPartIndexOutOfRange() {
        DefinitionUpload t = totals(3, 25);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> t.accept("m", 3, 5, t));
        assertEquals("[part] must be in [0, 3), got 3", e.getMessage());
        expectThrows(IllegalArgumentException.class, () -> t.accept("m", -1, 10, t));
    }

    public void testPartsHoldAtMostTenMebibytes() {
        long mib = 1024 * 1024;
        DefinitionUpload t = totals(3, 25 * mib);
        assertEquals(10 * mib, t.accept("m", 0, 10 * mib, t).partSize());
        expectThrows(IllegalArgumentException.class, () -> totals(2, 25 * mib)); // 2 parts cannot hold 25 MiB
        DefinitionUpload big = totals(3, 20 * mib + 2);
        expectThrows(IllegalArgumentException.class, () -> big.accept("m", 0, 10 * mib + 1, big));
    }

    public void testTotalsAreValidated() {
        assertEquals("[total_parts] must be in [1, 10000], got 0",
            expectThrows(IllegalArgumentException.class, () -> totals(0, 10)).getMessage());
        expectThrows(IllegalArgumentException.class, () -> totals(10_001, 1_000_000));
        assertTrue(expectThrows(IllegalArgumentException.class, () -> totals(1, 0)).getMessage().startsWith("[total_definition_length]"));
        expectThrows(IllegalArgumentException.class, () -> totals(300, DefinitionUpload.MAX_TOTAL_BYTES + 1));
        assertTrue(expectThrows(IllegalArgumentException.class, () -> totals(5, 4)).getMessage().startsWith("[total_parts] 5 exceeds"));
        for (String bad : new String[] { "ab".repeat(31) + "a", "xy".repeat(32), "", null }) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> DefinitionUpload.start(1, 1, bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith("[sha256] must be the 64 hexadecimal digits"));
        }
        assertEquals(SHA, DefinitionUpload.start(1, 1, SHA.toUpperCase(java.util.Locale.ROOT)).sha256());
    }
}
