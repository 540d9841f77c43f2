package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.format.GroundTruthJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class GroundTruthMetadataTests extends ESTestCase {

    private static StoredGroundTruth labels() {
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("1_a", "1");
        classes.put("1_b", "1");
        classes.put("2_c", "2");
        return new StoredGroundTruth("gpr", "gpr1200", "_id", new NamedGroundTruth("gpr1200", List.of("1_a", "1_b", "2_c"), List.of(), classes), 42L);
    }

    public void testCountsOfClassLabelsAndQueryLists() {
        GroundTruthMetadata m = GroundTruthMetadata.of(labels(), false);
        assertEquals(3, m.queries());
        assertEquals(3, m.database());
        assertEquals(2, m.classes());
        assertNull(m.groundTruth());
        NamedGroundTruth lists = new NamedGroundTruth("gldv2", null,
            List.of(new NamedGroundTruth.NamedQuery("q", List.of("a"), null, null, null, null)), null);
        GroundTruthMetadata q = GroundTruthMetadata.of(new StoredGroundTruth("g", "gldv2_csv", "_id", lists, 1L), true);
        assertEquals(1, q.queries());
        assertEquals(-1, q.database());
        assertEquals(0, q.classes());
        assertEquals(GroundTruthJson.toMap(lists), q.groundTruth());
    }

    public void testWireAndSourceRoundTrips() throws Exception {
        GroundTruthMetadata m = GroundTruthMetadata.of(labels(), randomBoolean());
        BytesStreamOutput out = new BytesStreamOutput();
        m.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            assertEquals(m, GroundTruthMetadata.readFrom(in));
        }
        Map<String, Object> source = new LinkedHashMap<>(m.sourceFields());
        if (m.groundTruth() != null) {
            source.put(GroundTruthIndex.GROUND_TRUTH_FIELD, m.groundTruth());
        }
        assertEquals(m, GroundTruthMetadata.fromSource(source));
    }

    public void testStoredDocumentReadsBackToTheSameGroundTruth() throws Exception {
        StoredGroundTruth stored = labels();
        Map<String, Object> source = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
            org.elasticsearch.common.bytes.BytesReference.bytes(GroundTruthIndex.source(stored)), false,
            org.elasticsearch.xcontent.XContentType.JSON).v2();
        assertEquals(stored, GroundTruthIndex.parse(source));
    }
}
