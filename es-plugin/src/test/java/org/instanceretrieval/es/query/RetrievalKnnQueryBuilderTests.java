package org.instanceretrieval.es.query;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.NamedWriteableAwareStreamInput;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.es.InstanceRetrievalPlugin;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Parsing, x-content and wire round trips, and parse-time validation of {@code retrieval_knn}. */
public class RetrievalKnnQueryBuilderTests extends ESTestCase {

    private static final SearchModule SEARCH = new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin()));
    private static final NamedWriteableRegistry WRITEABLES = new NamedWriteableRegistry(SEARCH.getNamedWriteables());
    private static final NamedXContentRegistry XCONTENT = new NamedXContentRegistry(SEARCH.getNamedXContents());

    static QueryBuilder parse(String json) throws IOException {
        try (XContentParser parser = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY.withRegistry(XCONTENT), json)) {
            return AbstractQueryBuilder.parseTopLevelQuery(parser);
        }
    }

    static QueryBuilder wireCopy(QueryBuilder query) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(query);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
                return in.readNamedWriteable(QueryBuilder.class);
            }
        }
    }

    public void testParsesEveryOption() throws IOException {
        QueryBuilder parsed = parse("""
            {"retrieval_knn": {"field": "v", "query_vector": [0.5, -1, 2], "k": 7, "num_candidates": 50,
              "filter": {"term": {"tag": "a"}}, "similarity": 0.25, "exact": true,
              "expansion": {"method": "alpha_qe", "n": 4, "alpha": 2.5}, "boost": 2, "_name": "q"}}""");
        RetrievalKnnQueryBuilder q = (RetrievalKnnQueryBuilder) parsed;
        assertEquals("v", q.field());
        assertArrayEquals(new float[] { 0.5f, -1f, 2f }, q.queryVector(), 0f);
        assertNull(q.queryDocument());
        assertEquals(7, q.k());
        assertEquals(Integer.valueOf(50), q.numCandidates());
        assertEquals(new TermQueryBuilder("tag", "a"), q.filter());
        assertEquals(Float.valueOf(0.25f), q.similarity());
        assertTrue(q.exact());
        assertEquals(new QueryExpansion(QueryExpansion.Method.ALPHA_QE, 4, 2.5f), q.expansion());
        assertEquals(2f, q.boost(), 0f);
        assertEquals("q", q.queryName());
    }

    public void testDefaults() throws IOException {
        RetrievalKnnQueryBuilder q = (RetrievalKnnQueryBuilder) parse("""
            {"retrieval_knn": {"field": "v", "query_document": {"index": "i", "id": "7"}, "expansion": {"method": "aqe"}}}""");
        assertEquals(new QueryDocument("i", "7"), q.queryDocument());
        assertNull(q.queryVector());
        assertEquals(10, q.k());
        assertNull(q.numCandidates());
        assertNull(q.filter());
        assertNull(q.similarity());
        assertFalse(q.exact());
        // the seed's n = 10; AQE weighs every result 1
        assertEquals(new QueryExpansion(QueryExpansion.Method.AQE, 10, 0f), q.expansion());
        RetrievalKnnQueryBuilder alpha = (RetrievalKnnQueryBuilder) parse("""
            {"retrieval_knn": {"field": "v", "query_vector": [1], "expansion": {"method": "alpha_qe"}}}""");
        assertEquals(new QueryExpansion(QueryExpansion.Method.ALPHA_QE, 10, 3f), alpha.expansion());
    }

    public void testXContentAndWireRoundTrips() throws IOException {
        for (int iteration = 0; iteration < 20; iteration++) {
            RetrievalKnnQueryBuilder original = randomQuery();
            String json = Strings.toString(original);
            QueryBuilder reparsed = parse(json);
            assertThat(json, reparsed, equalTo(original));
            assertEquals(original.hashCode(), reparsed.hashCode());
            QueryBuilder copied = wireCopy(original);
            assertThat(json, copied, equalTo(original));
        }
    }

    private static RetrievalKnnQueryBuilder randomQuery() {
        boolean byVector = randomBoolean();
        float[] vector = null;
        if (byVector) {
            vector = new float[randomIntBetween(1, 8)];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = randomFloat() * 2 - 1;
            }
        }
        int k = randomIntBetween(1, 100);
        QueryExpansion expansion = switch (randomIntBetween(0, 2)) {
            case 0 -> null;
            case 1 -> new QueryExpansion(QueryExpansion.Method.AQE, randomIntBetween(1, 50), 0f);
            default -> new QueryExpansion(QueryExpansion.Method.ALPHA_QE, randomIntBetween(1, 50), randomFloat() * 5);
        };
        Integer numCandidates = randomBoolean() ? null : randomIntBetween(k, 10_000);
        TermQueryBuilder filter = randomBoolean() ? null : new TermQueryBuilder("tag", randomAlphaOfLength(3));
        Float similarity = randomBoolean() ? null : randomFloat();
        RetrievalKnnQueryBuilder q = byVector == false && randomBoolean()
            ? new RetrievalKnnQueryBuilder(randomAlphaOfLength(5), randomQueryImage(), k, numCandidates, filter, similarity,
                randomBoolean(), expansion)
            : new RetrievalKnnQueryBuilder(
                randomAlphaOfLength(5),
                vector,
                byVector ? null : new QueryDocument(randomAlphaOfLength(4), randomAlphaOfLength(3)),
                k,
                numCandidates,
                filter,
                similarity,
                randomBoolean(),
                expansion
            );
        if (randomBoolean()) {
            q.boost(randomIntBetween(1, 5));
        }
        if (randomBoolean()) {
            q.queryName(randomAlphaOfLength(4));
        }
        return q;
    }

    private static QueryImage randomQueryImage() {
        String image = randomAlphaOfLength(12);
        java.util.List<Double> bbox = randomBoolean() ? null : java.util.List.of(1.0, 2.0, 30.5, 40.0);
        if (randomBoolean()) {
            return new QueryImage(image, randomAlphaOfLength(6), null, java.util.Map.of(), bbox);
        }
        java.util.Map<String, Object> recipe = randomBoolean() ? java.util.Map.of() : java.util.Map.of("whitening_id", "w", "scales",
            java.util.List.of(1.0, 0.5));
        return new QueryImage(image, null, "default", recipe, bbox);
    }

    public void testQueryImageParsesAndValidates() throws IOException {
        RetrievalKnnQueryBuilder q = (RetrievalKnnQueryBuilder) parse("""
            {"retrieval_knn": {"field": "v", "query_image": {"image": "aGk=", "model": "m", "scales": [1, 0.5], "bbox": [0, 0, 8, 6]}}}""");
        assertEquals(new QueryImage("aGk=", null, "m", java.util.Map.of("scales", java.util.List.of(1, 0.5)),
            java.util.List.of(0.0, 0.0, 8.0, 6.0)), q.queryImage());
        assertNull(q.queryVector());
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_image\": {\"image\": \"aGk=\", \"pipeline\": \"p\", \"scales\": [1]}}}",
            "takes recipe options [scales] only with [model]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_image\": {\"pipeline\": \"p\"}}}", "needs an [image]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_image\": {\"image\": \"aGk=\", \"model\": \"m\", \"bbox\": [1, 2]}}}",
            "[bbox] must be four finite numbers");
    }

    public void testRendersTheDocumentedShape() throws IOException {
        RetrievalKnnQueryBuilder q = new RetrievalKnnQueryBuilder("v", null, new QueryDocument("i", "1"), 5, 20, null, null, false,
            new QueryExpansion(QueryExpansion.Method.AQE, 3, 0f));
        Map<String, Object> rendered = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
            JsonXContent.jsonXContent, Strings.toString(q), false);
        assertEquals(
            Map.of("retrieval_knn", Map.of("field", "v", "query_document", Map.of("index", "i", "id", "1"), "k", 5, "num_candidates", 20,
                "exact", false, "expansion", Map.of("method", "aqe", "n", 3))),
            rendered);
    }

    public void testBadInputNamesTheProblem() {
        assertBad("{\"retrieval_knn\": {\"query_vector\": [1]}}", "requires a [field]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\"}}", "exactly one of [query_vector], [query_document], [query_image], "
            + "[query_vectors], [query_documents] and [query_images], got none");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"query_document\": {\"index\": \"i\", \"id\": \"1\"}}}",
            "exactly one of [query_vector], [query_document], [query_image], [query_vectors], [query_documents] and [query_images], "
                + "got [query_vector] and [query_document]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, \"NaN\"]}}", "element [1] is [NaN]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, \"abc\"]}}",
            "[retrieval_knn] [query_vector] element [1] must be a number, got the string [abc]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, true]}}",
            "[retrieval_knn] [query_vector] element [1] must be a number, got [VALUE_BOOLEAN]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": []}}", "[query_vector] must not be empty");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"k\": 0}}", "[k] must be between 1 and 10000");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"k\": 10001}}", "[k] must be between 1 and 10000");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"k\": 5, \"num_candidates\": 4}}",
            "[num_candidates] must be between [k] (5) and 10000 but was [4]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"num_candidates\": 10001}}",
            "[num_candidates] must be between [k] (10) and 10000");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"method\": \"aqe\", \"n\": 0}}}",
            "expansion [n] must be between 1 and 10000 but was [0]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"method\": \"aqe\", \"n\": 10001}}}",
            "expansion [n] must be between 1 and 10000");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"method\": \"dqe\"}}}",
            "unknown expansion method [dqe]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"n\": 3}}}", "expansion needs a [method]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"method\": \"aqe\", \"alpha\": 2}}}",
            "applies to method [alpha_qe] only");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"expansion\": {\"method\": \"alpha_qe\", \"alpha\": -1}}}",
            "[alpha] must be finite and >= 0");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_document\": {\"index\": \"i\"}}}", "query_document needs an [id]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1], \"oops\": 1}}", "does not support [oops]");
    }

    static void assertBad(String json, String message) {
        Exception e = expectThrows(Exception.class, () -> parse(json));
        // the parse wraps constructor failures; either way the status is 400 and the message names the problem
        assertTrue(json + " -> " + e, e instanceof IllegalArgumentException || e instanceof ParsingException);
        Throwable cause = e;
        StringBuilder messages = new StringBuilder();
        while (cause != null) {
            messages.append(cause.getMessage()).append(" | ");
            cause = cause.getCause();
        }
        assertThat(json, messages.toString(), containsString(message));
    }
}
