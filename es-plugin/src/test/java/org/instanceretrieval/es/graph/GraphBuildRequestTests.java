package org.instanceretrieval.es.graph;

import org.instanceretrieval.es.job.JobRequest;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentType;

import java.util.Map;

/** Parsing, defaults and wire round trip of {@code POST {index}/_retrieval/graph/_build} bodies. */
public class GraphBuildRequestTests extends ESTestCase {

    private static JobRequest<GraphBuildAction.Options> parse(String json) {
        Map<String, Object> body = XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
        return GraphBuildAction.KIND.request("photos", body);
    }

    public void testDefaults() {
        GraphBuildAction.Options o = parse("{\"field\": \"v\"}").options();
        assertEquals(new GraphBuildAction.Options("v", 50, "exact", 10_000, 0), o);
    }

    public void testHnswDefaultNumCandidatesIsFourKAtLeast100AtMost10000() {
        assertEquals(100, parse("{\"field\": \"v\", \"method\": \"hnsw\", \"k\": 10}").options().numCandidates());
        assertEquals(200, parse("{\"field\": \"v\", \"method\": \"hnsw\"}").options().numCandidates());
        assertEquals(4000, parse("{\"field\": \"v\", \"method\": \"hnsw\", \"k\": 1000}").options().numCandidates());
        assertEquals(51, parse("{\"field\": \"v\", \"method\": \"hnsw\", \"num_candidates\": 51}").options().numCandidates());
    }

    public void testBoundsAreInclusive() {
        assertEquals(1, parse("{\"field\": \"v\", \"k\": 1}").options().k());
        assertEquals(1000, parse("{\"field\": \"v\", \"k\": 1000}").options().k());
        assertEquals(100_000, parse("{\"field\": \"v\", \"block_size\": 100000}").options().blockSize());
        assertEquals(10_000, parse("{\"field\": \"v\", \"method\": \"hnsw\", \"num_candidates\": 10000}").options().numCandidates());
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
            () -> parse("{\"field\": \"v\", \"method\": \"hnsw\", \"num_candidates\": 10001}"));
        assertEquals("[num_candidates] must be in [k + 1 = 51, 10000], got [10001]", e.getMessage());
        e = expectThrows(IllegalArgumentException.class, () -> parse("{\"k\": 3}"));
        assertEquals("[field] is required", e.getMessage());
        e = expectThrows(IllegalArgumentException.class, () -> parse("{\"field\": \"v\", \"k\": \"many\"}"));
        assertEquals("[k] must be an integer, got [many]", e.getMessage());
    }

    public void testWireRoundTripKeepsTheBodyAndTheFlag() throws Exception {
        JobRequest<GraphBuildAction.Options> r = parse("{\"field\": \"v\", \"k\": 7, \"method\": \"hnsw\", \"block_size\": 3}");
        r.setShouldStoreResult(true);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            r.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                JobRequest<GraphBuildAction.Options> read = GraphBuildAction.KIND.reader().read(in);
                assertEquals(r.options(), read.options());
                assertEquals("photos", read.target());
                assertTrue(read.getShouldStoreResult());
                assertEquals("neighbour graph [photos][v] k=7 method=hnsw block_size=3 num_candidates=100", read.getDescription());
            }
        }
    }
}
