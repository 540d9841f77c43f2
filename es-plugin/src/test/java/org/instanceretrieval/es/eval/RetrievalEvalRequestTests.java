package org.instanceretrieval.es.eval;

import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.test.ESTestCase;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsing and validation of {@code POST {index}/_retrieval_eval} bodies; each 400 names the key. */
public class RetrievalEvalRequestTests extends ESTestCase {

    private static Map<String, Object> body(Object... keyValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ground_truth", "gt");
        body.put("field", "v");
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return body;
    }

    private static String error(Map<String, Object> body) {
        return expectThrows(IllegalArgumentException.class, () -> new RetrievalEvalAction.Request("idx", body)).getMessage();
    }

    public void testDefaults() {
        RetrievalEvalAction.Request r = new RetrievalEvalAction.Request("idx", body());
        assertEquals("search", r.options().engine());
        assertNull(r.options().protocol());
        assertNull(r.options().depth());
        assertNull(r.options().ks());
        assertNull(r.options().queriesIndex());
        assertFalse(r.options().record());
    }

    public void testRoundTripKeepsTheConfiguration() throws IOException {
        RetrievalEvalAction.Request r = new RetrievalEvalAction.Request("idx", body("ks", List.of(10, 1), "depth", 50, "query",
            Map.of("k", 50, "exact", true), "queries", Map.of("index", "crops"), "name", "G", "record", true));
        assertArrayEquals(new int[] { 1, 10 }, r.options().ks());
        BytesStreamOutput out = new BytesStreamOutput();
        r.writeTo(out);
        RetrievalEvalAction.Request read = new RetrievalEvalAction.Request(StreamInput.wrap(out.bytes().toBytesRef().bytes));
        assertEquals(r.body(), read.body());
        assertEquals(Integer.valueOf(50), read.options().depth());
        assertEquals("crops", read.options().queriesIndex());
        assertTrue(read.options().record());
    }

    public void testBadBodiesNameTheKey() {
        assertEquals("[ground_truth] is required", error(new LinkedHashMap<>(Map.of("field", "v"))));
        assertEquals("[field] is required", error(new LinkedHashMap<>(Map.of("ground_truth", "g"))));
        assertTrue(error(body("nope", 1)).startsWith("unknown key [nope] in _retrieval_eval request"));
        assertTrue(error(body("query", Map.of("field", "w"))).startsWith("unknown key [field] in [query]"));
        assertEquals("[engine] [exact] scores every document by brute force; [query], [rescore], [retriever] and [template] belong to "
            + "[engine] [search]", error(body("engine", "exact", "query", Map.of("k", 5))));
        assertEquals("[depth] applies to [engine] [search]; [exact] always ranks the whole index", error(body("engine", "exact", "depth", 5)));
        assertEquals("[depth] must be at least 1, got [0]", error(body("depth", 0)));
        assertEquals("[depth] must be an integer, got [1.5]", error(body("depth", 1.5)));
        assertEquals("[ks] must hold integers >= 1, got [0]", error(body("ks", List.of(0))));
        assertEquals("[ks] must be an array of integers, got [5]", error(body("ks", 5)));
        assertTrue(error(body("template", Map.of("query", Map.of("match_all", Map.of())))).startsWith("[template] must contain"));
        assertEquals("[template] is a whole search body; it excludes [query], [rescore] and [retriever]",
            error(body("template", Map.of("q", "{{query_vector}}"), "query", Map.of("k", 1))));
        assertTrue(error(body("rescore", Map.of(), "retriever", Map.of())).startsWith("[rescore] and [retriever] cannot be combined"));
        assertEquals("[record] needs a [name] for the run (the configuration's label in comparisons)", error(body("record", true)));
        assertEquals("[record] must be true or false, got [yes]", error(body("record", "yes")));
        assertEquals("unknown key [size] in [queries]; expected [field], [index]", error(body("queries", Map.of("size", 1))));
        assertEquals("a request body is required: {\"ground_truth\": ..., \"field\": ...}",
            expectThrows(IllegalArgumentException.class, () -> new RetrievalEvalAction.Request("idx", Map.of())).getMessage());
    }

    public void testCompareNeedsTwoDifferentIds() {
        CompareEvalRunsAction.Params r = CompareEvalRunsAction.Params.parse("a, b", 3);
        assertEquals("a", r.base());
        assertEquals("b", r.other());
        expectThrows(IllegalArgumentException.class, () -> CompareEvalRunsAction.Params.parse("a", 3));
        expectThrows(IllegalArgumentException.class, () -> CompareEvalRunsAction.Params.parse("a,b,c", 3));
        expectThrows(IllegalArgumentException.class, () -> CompareEvalRunsAction.Params.parse("a,a", 3));
        expectThrows(IllegalArgumentException.class, () -> CompareEvalRunsAction.Params.parse(null, 3));
    }
}
