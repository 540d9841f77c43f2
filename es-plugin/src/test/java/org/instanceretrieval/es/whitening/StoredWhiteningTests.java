package org.instanceretrieval.es.whitening;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;

import java.util.Map;

public class StoredWhiteningTests extends ESTestCase {

    private static final StoredWhitening PCA = new StoredWhitening("w-pca", WhiteningMethod.PCA, 128, 64, 0.25, 0.0, "docs", "vec", 5000,
        0, 1_700_000_000_000L);
    private static final StoredWhitening LW = new StoredWhitening("w-lw", WhiteningMethod.LW, 128, 128, null, null, "docs", "vec", 40, 25,
        1_700_000_000_000L);

    public void testWireAndStoredSourceRoundTrips() throws Exception {
        for (StoredWhitening w : new StoredWhitening[] { PCA, LW }) {
            BytesStreamOutput out = new BytesStreamOutput();
            w.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                assertEquals(w, StoredWhitening.readFrom(in));
            }
            String json = Strings.toString(WhiteningIndex.source(w, new byte[] { 1, 2, 3 }));
            Map<String, Object> doc = XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
            assertEquals("AQID", doc.get(WhiteningIndex.WHITENING_FIELD)); // base64 of the bytes
            assertEquals(w, StoredWhitening.fromSource(doc));
        }
    }

    public void testResponseShape() {
        Map<String, Object> pca = XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(PCA), false);
        assertEquals(Map.of("whitening_id", "w-pca", "method", "pca", "input_dimension", 128, "output_dimension", 64, "power", 0.25,
            "shrinkage", 0.0, "source", Map.of("index", "docs", "field", "vec", "sample_size", 5000), "created_time",
            "2023-11-14T22:13:20Z"), pca);
        Map<String, Object> lw = XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(LW), false);
        assertEquals(Map.of("index", "docs", "field", "vec", "sample_size", 40, "pairs", 25), lw.get("source"));
        assertFalse(lw.containsKey("power"));
    }

    public void testMethodIds() {
        assertEquals(WhiteningMethod.PCA, WhiteningMethod.fromId("pca"));
        assertEquals(WhiteningMethod.LW, WhiteningMethod.fromId("lw"));
        expectThrows(IllegalArgumentException.class, () -> WhiteningMethod.fromId("PCA"));
    }
}
