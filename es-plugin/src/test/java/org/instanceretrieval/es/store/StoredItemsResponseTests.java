package org.instanceretrieval.es.store;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.whitening.StoredWhitening;
import org.instanceretrieval.es.whitening.WhiteningIndex;
import org.instanceretrieval.es.whitening.WhiteningMethod;

import java.util.List;
import java.util.Map;

/** The generic GET response and the GET / DELETE requests of a stored-item kind, on whitenings and ground truths. */
public class StoredItemsResponseTests extends ESTestCase {

    private static final StoredWhitening A = new StoredWhitening("a", WhiteningMethod.PCA, 8, 4, 0.5, 0.1, "docs", "vec", 100, 0, 0L);
    private static final StoredWhitening B = new StoredWhitening("b", WhiteningMethod.LW, 8, 8, null, null, "docs", "vec", 10, 6, 0L);

    private static Map<String, Object> json(StoredItemsResponse<?> response) {
        return XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(response), false);
    }

    public void testListIsCountAndCompactRowsUnderTheKindsArray() {
        assertEquals(Map.of("count", 2, "whitenings", List.of(
            Map.of("whitening_id", "a", "method", "pca", "input_dimension", 8, "output_dimension", 4),
            Map.of("whitening_id", "b", "method", "lw", "input_dimension", 8, "output_dimension", 8)
        )), json(StoredItemsResponse.list(WhiteningIndex.KIND, List.of(A, B))));
        assertEquals(Map.of("count", 0, "whitenings", List.of()), json(StoredItemsResponse.list(WhiteningIndex.KIND, List.of())));
    }

    public void testSingleIsTheItemInFull() {
        assertEquals(Map.of("whitening_id", "b", "method", "lw", "input_dimension", 8, "output_dimension", 8, "source",
            Map.of("index", "docs", "field", "vec", "sample_size", 10, "pairs", 6), "created_time", "1970-01-01T00:00:00Z"),
            json(StoredItemsResponse.single(B)));
    }

    public void testWireRoundTrip() throws Exception {
        for (StoredItemsResponse<StoredWhitening> response : List.of(StoredItemsResponse.single(A),
            StoredItemsResponse.list(WhiteningIndex.KIND, List.of(A, B)))) {
            BytesStreamOutput out = new BytesStreamOutput();
            response.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                StoredItemsResponse<StoredWhitening> read = new StoredItemsResponse<>(WhiteningIndex.KIND, in);
                assertEquals(response.items(), read.items());
                assertEquals(json(response), json(read));
            }
        }
    }

    public void testRequestsRoundTripAndNameTheKindsIdParameter() throws Exception {
        StoredItemRequest<GetStoredItemsAction.Params> get = GetStoredItemsAction.request(GroundTruthIndex.KIND, "gt-1", true);
        BytesStreamOutput out = new BytesStreamOutput();
        get.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            StoredItemRequest<GetStoredItemsAction.Params> read = GetStoredItemsAction.reader(GroundTruthIndex.KIND).read(in);
            assertEquals("gt-1", read.id());
            assertTrue(read.params().includePayload());
        }
        assertNull(get.validate());
        assertNull(GetStoredItemsAction.request(WhiteningIndex.KIND, null, false).validate());
        assertEquals(List.of("invalid [ground_truth_id] [Not-Valid]"),
            GetStoredItemsAction.request(GroundTruthIndex.KIND, "Not-Valid", false).validate().validationErrors());
        assertEquals(List.of("[whitening_id] is required"), DeleteStoredItemAction.request(WhiteningIndex.KIND, null).validate()
            .validationErrors());
    }
}
