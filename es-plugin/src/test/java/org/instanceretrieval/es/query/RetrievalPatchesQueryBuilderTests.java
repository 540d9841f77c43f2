package org.instanceretrieval.es.query;

import org.elasticsearch.common.Strings;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.test.ESTestCase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Parsing, x-content and wire round trips, and parse-time validation of {@code retrieval_patches}. */
public class RetrievalPatchesQueryBuilderTests extends ESTestCase {

    public void testDefaultsAndRoundTrips() throws IOException {
        RetrievalPatchesQueryBuilder parsed = (RetrievalPatchesQueryBuilder) RetrievalKnnQueryBuilderTests.parse(
            "{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0], [0, 1]]}}");
        assertEquals(new RetrievalPatchesQueryBuilder("p", List.of(new float[] { 1, 0 }, new float[] { 0, 1 }), 10, 100), parsed);
        for (int iteration = 0; iteration < 10; iteration++) {
            int dims = randomIntBetween(1, 6);
            List<float[]> patches = new ArrayList<>();
            for (int p = 0, n = randomIntBetween(1, 5); p < n; p++) {
                float[] v = new float[dims];
                for (int i = 0; i < dims; i++) {
                    v[i] = randomFloat() * 2 - 1;
                }
                patches.add(v);
            }
            int k = randomIntBetween(1, 50);
            RetrievalPatchesQueryBuilder original = new RetrievalPatchesQueryBuilder(randomAlphaOfLength(4), patches, k,
                randomBoolean() ? null : randomIntBetween(k, 500));
            String json = Strings.toString(original);
            QueryBuilder reparsed = RetrievalKnnQueryBuilderTests.parse(json);
            assertThat(json, reparsed, equalTo(original));
            assertEquals(original.hashCode(), reparsed.hashCode());
            assertThat(json, RetrievalKnnQueryBuilderTests.wireCopy(original), equalTo(original));
        }
    }

    public void testQueryDocumentAndQueryImageParseAndRoundTrip() throws IOException {
        String[] bodies = {
            "\"query_document\": {\"index\": \"photos\", \"id\": \"7\"}",
            "\"query_image\": {\"image\": \"aGk=\", \"pipeline\": \"p\"}",
            "\"query_image\": {\"image\": \"aGk=\", \"model\": \"default\", \"patches\": 2, \"size\": 224, \"bbox\": [0, 0, 4, 3]}" };
        for (String body : bodies) {
            QueryBuilder q = RetrievalKnnQueryBuilderTests.parse("{\"retrieval_patches\": {\"field\": \"p\", " + body + "}}");
            String json = org.elasticsearch.common.Strings.toString(q);
            assertThat(json, RetrievalKnnQueryBuilderTests.parse(json), equalTo(q));
            assertThat(json, RetrievalKnnQueryBuilderTests.wireCopy(q), equalTo(q));
        }
        RetrievalPatchesQueryBuilder byDocument = (RetrievalPatchesQueryBuilder) RetrievalKnnQueryBuilderTests.parse(
            "{\"retrieval_patches\": {\"field\": \"p\", \"query_document\": {\"index\": \"photos\", \"id\": \"7\"}}}");
        assertNotEquals(byDocument, RetrievalKnnQueryBuilderTests.parse(
            "{\"retrieval_patches\": {\"field\": \"p\", \"query_document\": {\"index\": \"photos\", \"id\": \"8\"}}}"));
    }

    public void testExactlyOneSourceOfPatches() {
        String one = "[retrieval_patches] requires exactly one of [query_patches], [query_document] and [query_image]";
        assertBad("{\"retrieval_patches\": {\"field\": \"p\"}}", one);
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0]], "
            + "\"query_document\": {\"index\": \"i\", \"id\": \"1\"}}}", one);
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": []}}", "[retrieval_patches] requires [query_patches]: a non-empty list");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_document\": {\"index\": \"i\"}}}",
            "[retrieval_patches] query_document needs an [id]");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_image\": {\"image\": \"aGk=\"}}}",
            "[retrieval_patches] [query_image] needs exactly one of [pipeline] and [model]");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_image\": {\"image\": \"aGk=\", \"model\": \"m\", \"patches\": 5}}}",
            "[retrieval_patches] [query_image] [patches] must be between 1 and 4 but was [5]");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_image\": {\"image\": \"aGk=\", \"model\": \"m\", \"patches\": \"x\"}}}",
            "[retrieval_patches] [query_image] [patches] must be an integer level 1 to 4 but was [x]");
    }

    public void testBadInputNamesTheProblem() {
        assertBad("{\"retrieval_patches\": {\"query_patches\": [[1]]}}", "[retrieval_patches] requires a [field]");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, \"x\"]]}}", "[retrieval_patches] patch [0] must be an array of numbers but element [1] is [x] (a string)");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0]], \"colour\": 1}}", "does not support [colour]");
        assertBad("{\"retrieval_patches\": {\"field\": \"p\", \"query_patches\": [[1, 0]], \"k\": 20, \"num_candidates\": 10}}",
            "[num_candidates] must be between [k] (20) and 10000 but was [10]");
    }

    private static void assertBad(String json, String message) {
        Exception e = expectThrows(Exception.class, () -> RetrievalKnnQueryBuilderTests.parse(json));
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append(" | ");
        }
        assertThat(messages.toString(), containsString(message));
    }
}
