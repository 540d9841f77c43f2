package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.es.store.StoredItemRequest;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.test.ESTestCase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

public class PutGroundTruthRequestTests extends ESTestCase {

    public void testParseAndWireRoundTrip() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("protocol", "oxford_paris");
        data.put("queries", List.of(Map.of("name", "q", "positive", List.of("a", "b"), "box", List.of(1.0, 2.0, 3.0, 4.0))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", "json");
        body.put("data", data);
        body.put("id_field", "file");
        body.put("protocol", "instre");
        StoredItemRequest<PutGroundTruthAction.Params> request = PutGroundTruthAction.parse("gt-1", body, "photos");
        assertNull(request.validate());

        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        StoredItemRequest<PutGroundTruthAction.Params> read;
        try (StreamInput in = out.bytes().streamInput()) {
            read = PutGroundTruthAction.ID.reader(PutGroundTruthAction.Params::new).read(in);
        }
        assertEquals("gt-1", read.id());
        assertEquals("json", read.params().format());
        assertEquals(data, read.params().data());
        assertNull(read.params().path());
        assertEquals("file", read.params().idField());
        assertEquals("instre", read.params().protocol());
        assertEquals("photos", read.params().checkIndex());
    }

    public void testDefaultIdField() {
        StoredItemRequest<PutGroundTruthAction.Params> request = PutGroundTruthAction.parse("gt", Map.of("format", "ukbench", "path", "u.txt"), null);
        assertEquals("_id", request.params().idField());
        assertEquals("u.txt", request.params().path());
        assertNull(request.params().checkIndex());
    }

    public void testBadBodies() {
        assertBad("gt", Map.of(), "a request body is required");
        assertBad("gt", Map.of("data", List.of()), "[format] is required");
        assertBad("gt", Map.of("format", "xml", "data", ""), "unknown [format] [xml]");
        assertBad("gt", Map.of("format", "json"), "missing data");
        assertBad("gt", Map.of("format", "json", "data", Map.of(), "path", "a"), "give one of [data] and [path], not both");
        assertBad("gt", Map.of("format", "json", "data", Map.of(), "owner", "me"), "unknown field [owner]");
        assertBad("gt", Map.of("format", "json", "data", Map.of(), "id_field", " "), "[id_field] must not be blank");
        assertBad("gt", Map.of("format", 3, "data", Map.of()), "[format] must be a string, got [3]");
        assertBad("GT", Map.of("format", "json", "data", Map.of()), "[ground_truth_id] must be 1 to 64 characters");
    }

    private static void assertBad(String id, Map<String, Object> body, String expected) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> PutGroundTruthAction.parse(id, body, null));
        assertThat(e.getMessage(), containsString(expected));
    }
}
