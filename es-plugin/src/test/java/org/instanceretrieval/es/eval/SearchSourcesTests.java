package org.instanceretrieval.es.eval;

import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.es.InstanceRetrievalPlugin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search of each query built directly from the once-parsed body ({@link SearchSources}) equals
 * the search the JSON path gives for the same vector. The reference is written out by hand here,
 * as each combination of options' JSON body, and parsed with Elasticsearch's own parser.
 */
public class SearchSourcesTests extends ESTestCase {

    private static final NamedXContentRegistry REGISTRY = new NamedXContentRegistry(
        new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin())).getNamedXContents());
    private static final int DEPTH = 30;

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static RetrievalEvalAction.Request request(Object... keyValues) {
        Map<String, Object> body = map("ground_truth", "gt", "field", "v");
        body.putAll(map(keyValues));
        return new RetrievalEvalAction.Request("idx", body);
    }

    private static float[] randomVector() {
        float[] v = new float[8];
        for (int i = 0; i < v.length; i++) {
            v[i] = randomFloat() * 2 - 1;
        }
        return v;
    }

    private static List<Float> list(float[] v) {
        List<Float> out = new ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    /** The reference: a hand-written body as JSON, parsed as a search request body is. */
    private static SearchSourceBuilder parse(Map<String, Object> body) throws IOException {
        try (XContentBuilder builder = JsonXContent.contentBuilder().map(body);
             XContentParser parser = XContentType.JSON.xContent()
                 .createParser(XContentParserConfiguration.EMPTY.withRegistry(REGISTRY), BytesReference.bytes(builder).streamInput())) {
            return new SearchSourceBuilder().parseXContent(parser, true, feature -> true);
        }
    }

    /** The part of every body the evaluation adds: size, no _source, no total hits, the id field's doc values. */
    private static Map<String, Object> tail(Map<String, Object> body, String idField) {
        body.put("size", DEPTH);
        body.put("_source", false);
        body.put("track_total_hits", false);
        if (idField.equals("_id") == false) {
            body.put("docvalue_fields", List.of(idField));
        }
        return body;
    }

    private static Map<String, Object> knn(float[] v, Object... options) {
        Map<String, Object> knn = map("field", "v", "query_vector", list(v), "k", DEPTH);
        knn.putAll(map(options));
        return map("retrieval_knn", knn);
    }

    /** Plans with a first vector, then checks two further queries against the reference, the first again after the second. */
    private void assertDirect(RetrievalEvalAction.Request request, String idField, boolean direct,
        java.util.function.Function<float[], Map<String, Object>> reference) throws IOException {
        float[] first = randomVector();
        SearchSources sources = SearchSources.plan(request, first, "idx", "q0", DEPTH, idField, REGISTRY);
        assertEquals(direct, sources.direct());
        float[] a = randomVector();
        float[] b = randomVector();
        SearchSourceBuilder builtA = sources.forQuery(a, "qa");
        SearchSourceBuilder builtB = sources.forQuery(b, "qb");
        for (Object[] q : new Object[][] { { a, builtA }, { b, builtB }, { first, sources.forQuery(first, "q0") } }) {
            SearchSourceBuilder expected = parse(reference.apply((float[]) q[0]));
            assertEquals(expected.toString(), q[1].toString());
            assertEquals(expected, q[1]);
            // SearchSourceBuilder#equals leaves the retriever out
            assertEquals(expected.retriever(), ((SearchSourceBuilder) q[1]).retriever());
        }
        assertNotEquals(builtA.toString(), builtB.toString());
    }

    public void testRetrievalKnnWithoutOptions() throws IOException {
        assertDirect(request(), "_id", true, v -> tail(map("query", knn(v)), "_id"));
    }

    public void testRetrievalKnnWithEveryQueryOptionAndIdField() throws IOException {
        Map<String, Object> options = map("k", 12, "num_candidates", 40, "exact", true, "similarity", 0.25,
            "filter", map("term", map("tag", "a")), "expansion", map("method", "alpha_qe", "n", 3, "alpha", 2.0));
        assertDirect(request("query", options), "name", true, v -> tail(map("query", knn(v, "k", 12, "num_candidates", 40, "exact", true,
            "similarity", 0.25, "filter", map("term", map("tag", "a")), "expansion", map("method", "alpha_qe", "n", 3, "alpha", 2.0))),
            "name"));
    }

    public void testDiffusionRescorerTakesTheQueryVector() throws IOException {
        Map<String, Object> rescore = map("window_size", 20, "diffusion", map("k", 5, "gamma", 2, "alpha", 0.9, "query_k", 4));
        assertDirect(request("query", map("k", 20), "rescore", rescore), "_id", true, v -> tail(map("query", knn(v, "k", 20), "rescore",
            map("window_size", 20, "diffusion", map("k", 5, "gamma", 2, "alpha", 0.9, "query_k", 4, "field", "v", "query_vector", list(v)))),
            "_id"));
    }

    public void testDiffusionRescorerKeepsItsOwnFieldAndVector() throws IOException {
        List<Float> own = list(randomVector());
        Map<String, Object> rescore = map("diffusion", map("field", "w", "query_vector", own, "max_iterations", 7));
        assertDirect(request("rescore", rescore), "_id", true, v -> tail(map("query", knn(v), "rescore",
            map("diffusion", map("field", "w", "query_vector", own, "max_iterations", 7))), "_id"));
    }

    public void testKReciprocalRescorerTakesTheQueryVector() throws IOException {
        Map<String, Object> rescore = map("window_size", 20, "k_reciprocal", map("k1", 5, "k2", 2, "lambda", 0.5));
        assertDirect(request("query", map("k", 20), "rescore", rescore), "_id", true, v -> tail(map("query", knn(v, "k", 20), "rescore",
            map("window_size", 20, "k_reciprocal", map("k1", 5, "k2", 2, "lambda", 0.5, "field", "v", "query_vector", list(v)))), "_id"));
    }

    public void testKReciprocalRescorerKeepsItsOwnFieldAndVector() throws IOException {
        List<Float> own = list(randomVector());
        Map<String, Object> rescore = map("k_reciprocal", map("field", "w", "query_vector", own));
        assertDirect(request("rescore", rescore), "_id", true, v -> tail(map("query", knn(v), "rescore",
            map("k_reciprocal", map("field", "w", "query_vector", own))), "_id"));
    }

    public void testOtherRescorerIsKept() throws IOException {
        Map<String, Object> rescore = map("window_size", 10, "query", map("rescore_query", map("match_all", map()), "query_weight", 0.5));
        assertDirect(request("rescore", rescore), "_id", true, v -> tail(map("query", knn(v), "rescore",
            map("window_size", 10, "query", map("rescore_query", map("match_all", map()), "query_weight", 0.5))), "_id"));
    }

    public void testDiffusionRetrieverWrapsTheQuery() throws IOException {
        Map<String, Object> retriever = map("diffusion", map("rank_window_size", 50, "k", 6, "offline", "false", "tolerance", 1e-4));
        assertDirect(request("query", map("k", 50, "exact", true), "retriever", retriever), "name", true, v -> tail(map("retriever",
            map("diffusion", map("rank_window_size", 50, "k", 6, "offline", "false", "tolerance", 1e-4, "field", "v", "retriever",
                map("standard", map("query", knn(v, "k", 50, "exact", true)))))), "name"));
    }

    public void testDiffusionRetrieverKeepsItsOwnFieldVectorAndName() throws IOException {
        List<Float> own = list(randomVector());
        Map<String, Object> retriever = map("diffusion", map("field", "w", "query_vector", own, "_name", "d", "min_score", 0.01));
        assertDirect(request("retriever", retriever), "_id", true, v -> tail(map("retriever", map("diffusion", map("field", "w",
            "query_vector", own, "_name", "d", "min_score", 0.01, "retriever", map("standard", map("query", knn(v)))))), "_id"));
    }

    public void testTemplateIsFilledPerQuery() throws IOException {
        Map<String, Object> template = map("query", map("bool", map("must", List.of(map("retrieval_knn", map("field", "v", "query_vector",
            "{{query_vector}}", "k", 9))), "must_not", List.of(map("ids", map("values", List.of("x")))))), "size", 3);
        assertDirect(request("template", template), "_id", false, v -> tail(map("query", map("bool", map("must", List.of(map(
            "retrieval_knn", map("field", "v", "query_vector", list(v), "k", 9))), "must_not", List.of(map("ids", map("values",
            List.of("x"))))))), "_id"));
    }

    /** A bad option or a body that does not parse is a 400 when planned, with the text of the reference parse. */
    public void testErrorsAreRaisedWhenPlanned() {
        float[] v = randomVector();
        IllegalArgumentException badK = expectThrows(IllegalArgumentException.class,
            () -> SearchSources.plan(request("query", map("k", 0)), v, "idx", "q0", DEPTH, "_id", REGISTRY));
        Exception reference = expectThrows(Exception.class, () -> parse(tail(map("query", knn(v, "k", 0)), "_id")));
        assertEquals("[retrieval_knn] [k] must be between 1 and 10000 but was [0]", badK.getMessage());
        assertEquals(reference.getMessage(), badK.getMessage());

        IllegalArgumentException unknown = expectThrows(IllegalArgumentException.class,
            () -> SearchSources.plan(request("template", map("query", map("nope_query", map("x", "{{query_vector}}")))), v, "idx", "q0",
                DEPTH, "_id", REGISTRY));
        assertTrue(unknown.getMessage(), unknown.getMessage().startsWith("the search body of the evaluation does not parse: "));
        assertTrue(unknown.getMessage(), unknown.getMessage().contains("unknown query [nope_query]"));

        IllegalArgumentException unknownRescorer = expectThrows(IllegalArgumentException.class,
            () -> SearchSources.plan(request("rescore", map("nope", map())), v, "idx", "q0", DEPTH, "_id", REGISTRY));
        Exception referenceRescorer = expectThrows(Exception.class, () -> parse(tail(map("query", knn(v), "rescore", map("nope", map())),
            "_id")));
        assertTrue(unknownRescorer.getMessage(), unknownRescorer.getMessage().endsWith("unknown field [nope]"));
        assertEquals(referenceRescorer.getMessage(), unknownRescorer.getMessage());

        IllegalArgumentException retrieverOptions = expectThrows(IllegalArgumentException.class,
            () -> SearchSources.plan(request("retriever", map("diffusion", 3)), v, "idx", "q0", DEPTH, "_id", REGISTRY));
        assertEquals("[retriever] [diffusion] must be an object of options", retrieverOptions.getMessage());
    }

    public void testBadQueryVectorIsA400() {
        SearchSources sources = SearchSources.plan(request(), randomVector(), "idx", "q0", DEPTH, "_id", REGISTRY);
        expectThrows(IllegalArgumentException.class, () -> sources.forQuery(new float[] { 1f, Float.NaN }, "q1"));
    }
}
