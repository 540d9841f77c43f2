package org.instanceretrieval.es.dba;

import org.instanceretrieval.es.job.JobRequest;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.es.job.JobTask;

import java.util.Map;

/** Parsing and validation of {@code POST {index}/_retrieval/dba} bodies. */
public class DbaRequestTests extends ESTestCase {

    private static JobRequest<DbaAction.Options> parse(String json) {
        Map<String, Object> body = XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
        return DbaAction.KIND.request("docs", body);
    }

    private static void assertRejected(String json, String message) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> parse(json));
        assertTrue("expected [" + message + "] in [" + e.getMessage() + "]", e.getMessage().contains(message));
    }

    public void testDefaults() {
        JobRequest<DbaAction.Options> r = parse("{\"field\": \"vec\", \"target_field\": \"vec_dba\"}");
        assertEquals("docs", r.target());
        assertEquals("vec", r.options().field());
        assertEquals("vec_dba", r.options().targetField());
        assertEquals(20, r.options().neighbours());
        assertEquals(0f, r.options().alpha(), 0f);
        assertNull(r.validate());
        assertFalse(r.getShouldStoreResult());
        assertFalse(r.options().graph());
    }

    public void testGraphOption() throws Exception {
        JobRequest<DbaAction.Options> r = parse("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 20, \"graph\": true}");
        assertTrue(r.options().graph());
        assertEquals("dba [docs][vec] -> [t] n=20 alpha=0.0 graph", r.getDescription());
        assertFalse(parse("{\"field\": \"vec\", \"target_field\": \"t\", \"graph\": false}").options().graph());
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"graph\": \"auto\"}", "[graph] must be true or false, got [auto]");
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            r.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                assertTrue(DbaAction.KIND.reader().read(in).options().graph());
            }
        }
    }

    public void testExplicitValues() {
        JobRequest<DbaAction.Options> r = parse("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 1000, \"alpha\": 3}");
        assertEquals(1000, r.options().neighbours());
        assertEquals(3f, r.options().alpha(), 0f);
        assertEquals(1, parse("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 1}").options().neighbours());
    }

    public void testBadInputs() {
        expectThrows(IllegalArgumentException.class, () -> DbaAction.KIND.request("docs", Map.of()));
        assertRejected("{\"target_field\": \"t\"}", "[field] is required");
        assertRejected("{\"field\": \"vec\"}", "[target_field] is required");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"vec\"}", "[target_field] must differ from [field]");
        assertRejected("{\"field\": 3, \"target_field\": \"t\"}", "[field] must be a non-empty string");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 0}", "[n] must be in [1, 1000]");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 1001}", "[n] must be in [1, 1000]");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 2.5}", "[n] must be an integer");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": \"5\"}", "[n] must be an integer");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"alpha\": -0.5}", "[alpha] must be a finite number >= 0");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"alpha\": \"x\"}", "[alpha] must be a number");
        assertRejected("{\"field\": \"vec\", \"target_field\": \"t\", \"k\": 3}", "unknown key [k]");
    }

    public void testSerialisationRoundTrip() throws Exception {
        JobRequest<DbaAction.Options> r = parse("{\"field\": \"vec\", \"target_field\": \"t\", \"n\": 7, \"alpha\": 1.5}");
        r.setShouldStoreResult(true);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            r.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                JobRequest<DbaAction.Options> copy = DbaAction.KIND.reader().read(in);
                assertEquals("docs", copy.target());
                assertEquals("vec", copy.options().field());
                assertEquals("t", copy.options().targetField());
                assertEquals(7, copy.options().neighbours());
                assertEquals(1.5f, copy.options().alpha(), 0f);
                assertTrue(copy.getShouldStoreResult());
            }
        }
    }

    public void testTaskStatus() {
        JobRequest<DbaAction.Options> r = parse("{\"field\": \"vec\", \"target_field\": \"t\"}");
        JobTask task = (JobTask) r.createTask(7, "transport", DbaAction.NAME, TaskId.EMPTY_TASK_ID, Map.of());
        assertEquals("{\"phase\":\"checking\",\"vectors_read\":0,\"vectors_computed\":0,\"vectors_written\":0}",
            Strings.toString(task.getStatus()));
        task.phase("writing");
        task.count("vectors_read", 60);
        task.count("vectors_computed", 60);
        task.count("vectors_written", 20);
        assertEquals("{\"phase\":\"writing\",\"vectors_read\":60,\"vectors_computed\":60,\"vectors_written\":20}",
            Strings.toString(task.getStatus()));
    }
}
