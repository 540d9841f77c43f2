package org.instanceretrieval.es.whitening;

import org.instanceretrieval.es.job.JobRequest;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.es.job.JobTask;

import java.util.List;
import java.util.Map;

/** Parsing and validation of {@code POST _retrieval/whitening/{id}/_learn} bodies. */
public class LearnWhiteningRequestTests extends ESTestCase {

    private static JobRequest<LearnWhiteningAction.Options> parse(String id, String json) {
        Map<String, Object> body = XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
        return LearnWhiteningAction.request(id, body);
    }

    private static void assertRejected(String json, String message) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> parse("w", json));
        assertTrue("expected [" + message + "] in [" + e.getMessage() + "]", e.getMessage().contains(message));
    }

    public void testPcaDefaults() {
        JobRequest<LearnWhiteningAction.Options> r = parse("w1", "{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\"}");
        assertEquals("w1", r.target());
        assertEquals(WhiteningMethod.PCA, r.options().method());
        assertEquals("docs", r.options().index());
        assertEquals("vec", r.options().field());
        assertEquals(0, r.options().dimensions());
        assertEquals(0.5, r.options().power(), 0);
        assertEquals(0, r.options().shrinkage(), 0);
        assertEquals(100_000, r.options().maxSamples());
        assertEquals(List.of(), r.options().pairs());
        assertNull(r.validate());
        assertFalse(r.getShouldStoreResult());
    }

    public void testPcaWithEveryOption() {
        JobRequest<LearnWhiteningAction.Options> r = parse("w", """
            {"method": "pca", "index": "docs", "field": "a.vec", "dimensions": 64, "power": 0.25, "shrinkage": 0.01, "max_samples": 5000}""");
        assertEquals(64, r.options().dimensions());
        assertEquals(0.25, r.options().power(), 0);
        assertEquals(0.01, r.options().shrinkage(), 0);
        assertEquals(5000, r.options().maxSamples());
        assertEquals("a.vec", r.options().field());
    }

    public void testLwPairsAndTheirDistinctIdsInOrderOfAppearance() {
        JobRequest<LearnWhiteningAction.Options> r = parse("w", """
            {"method": "lw", "index": "docs", "field": "vec", "dimensions": 2, "pairs": [["a", "b"], ["c", "a"], ["b", "d"]]}""");
        assertEquals(WhiteningMethod.LW, r.options().method());
        assertEquals(3, r.options().pairs().size());
        assertArrayEquals(new String[] { "c", "a" }, r.options().pairs().get(1));
        assertEquals(List.of("a", "b", "c", "d"), r.options().pairDocumentIds());
        assertEquals(2, r.options().dimensions());
    }

    public void testWireRoundTripKeepsEveryField() throws Exception {
        JobRequest<LearnWhiteningAction.Options> r = parse("w", """
            {"method": "lw", "index": "docs", "field": "vec", "dimensions": 3, "pairs": [["a", "b"]]}""");
        r.setShouldStoreResult(true);
        BytesStreamOutput out = new BytesStreamOutput();
        r.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            JobRequest<LearnWhiteningAction.Options> back = LearnWhiteningAction.KIND.reader().read(in);
            assertEquals(r.target(), back.target());
            assertEquals(r.options().method(), back.options().method());
            assertEquals(r.options().index(), back.options().index());
            assertEquals(r.options().field(), back.options().field());
            assertEquals(3, back.options().dimensions());
            assertEquals(1, back.options().pairs().size());
            assertArrayEquals(new String[] { "a", "b" }, back.options().pairs().get(0));
            assertTrue(back.getShouldStoreResult());
        }
    }

    public void testTaskIsCancellableAndReportsProgress() {
        JobRequest<LearnWhiteningAction.Options> r = parse("w", "{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\"}");
        JobTask task = (JobTask) r.createTask(7, "transport", LearnWhiteningAction.NAME, TaskId.EMPTY_TASK_ID, Map.of());
        assertEquals("{\"phase\":\"checking\",\"vectors_read\":0}", Strings.toString(task.getStatus()));
        task.phase("reading");
        task.count("vectors_read", 3000);
        assertEquals("{\"phase\":\"reading\",\"vectors_read\":3000}", Strings.toString(task.getStatus()));
        assertEquals("learn pca whitening [w] from [docs][vec]", task.getDescription());
    }

    public void testInvalidIdIsRejectedNamingThePathPart() {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
            () -> parse("Bad.Id", "{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\"}"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("[whitening_id] must be 1 to 64 characters"));
    }

    public void testMissingOrMalformedFields() {
        assertRejected("{}", "a request body is required");
        assertRejected("{\"index\": \"docs\", \"field\": \"vec\"}", "[method] is required");
        assertRejected("{\"method\": \"svd\", \"index\": \"docs\", \"field\": \"vec\"}", "[method] must be [pca] or [lw], got [svd]");
        assertRejected("{\"method\": \"pca\", \"field\": \"vec\"}", "[index] is required");
        assertRejected("{\"method\": \"pca\", \"index\": \"\", \"field\": \"vec\"}", "[index] must be a non-empty string");
        assertRejected("{\"method\": \"pca\", \"index\": \"docs\"}", "[field] is required");
        assertRejected("{\"method\": \"pca\", \"index\": \"docs\", \"field\": 3}", "[field] must be a non-empty string, got [3]");
        assertRejected("{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\", \"colour\": 1}", "unknown field [colour]");
    }

    public void testOutOfRangeNumbers() {
        String base = "{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\", ";
        assertRejected(base + "\"dimensions\": 0}", "[dimensions] must be at least 1, got [0]");
        assertRejected(base + "\"dimensions\": 1.5}", "[dimensions] must be an integer");
        assertRejected(base + "\"power\": 0}", "[power] must be in (0, 1], got [0.0]");
        assertRejected(base + "\"power\": 1.5}", "[power] must be in (0, 1], got [1.5]");
        assertRejected(base + "\"power\": \"half\"}", "[power] must be a number");
        assertRejected(base + "\"shrinkage\": -0.1}", "[shrinkage] must be finite and >= 0, got [-0.1]");
        assertRejected(base + "\"max_samples\": 0}", "[max_samples] must be in [1, 1000000], got [0]");
        assertRejected(base + "\"max_samples\": 1000001}", "[max_samples] must be in [1, 1000000]");
        // the upper bound of power is inclusive
        assertEquals(1.0, parse("w", base + "\"power\": 1}").options().power(), 0);
    }

    public void testOptionsOfTheOtherMethodAreRejected() {
        assertRejected("{\"method\": \"pca\", \"index\": \"docs\", \"field\": \"vec\", \"pairs\": [[\"a\", \"b\"]]}",
            "[pairs] applies to method [lw] only");
        assertRejected("{\"method\": \"lw\", \"index\": \"docs\", \"field\": \"vec\", \"power\": 0.5, \"pairs\": [[\"a\", \"b\"]]}",
            "[power] applies to method [pca] only");
        assertRejected("{\"method\": \"lw\", \"index\": \"docs\", \"field\": \"vec\", \"max_samples\": 5, \"pairs\": [[\"a\", \"b\"]]}",
            "[max_samples] applies to method [pca] only");
    }

    public void testMalformedPairs() {
        String base = "{\"method\": \"lw\", \"index\": \"docs\", \"field\": \"vec\"";
        assertRejected(base + "}", "[pairs] is required for method [lw]");
        assertRejected(base + ", \"pairs\": []}", "[pairs] must hold 1 to 100000 pairs, got [0]");
        assertRejected(base + ", \"pairs\": \"a,b\"}", "[pairs] must be an array of [query_id, positive_id] pairs, got [a,b]");
        assertRejected(base + ", \"pairs\": [[\"a\", \"b\"], [\"c\"]]}", "[pairs][1] must be two document ids");
        assertRejected(base + ", \"pairs\": [[\"a\", 2]]}", "[pairs][0] must be two document ids");
        assertRejected(base + ", \"pairs\": [[\"a\", \"\"]]}", "[pairs][0] must be two document ids");
        assertRejected(base + ", \"pairs\": [[\"a\", \"b\"], [\"c\", \"c\"]]}",
            "[pairs][1] names document [c] twice: a pair is a query and a different document that matches it");
    }
}
