package org.instanceretrieval.es.query;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.instanceretrieval.es.query.RetrievalKnnQueryBuilderTests.assertBad;
import static org.instanceretrieval.es.query.RetrievalKnnQueryBuilderTests.parse;
import static org.instanceretrieval.es.query.RetrievalKnnQueryBuilderTests.wireCopy;

/** Parsing, round trips and errors of {@code retrieval_knn}'s multi-image forms ({@link QueryVectorSet}). */
public class QueryVectorSetTests extends ESTestCase {

    private static QueryVectorSet set(String body) throws IOException {
        RetrievalKnnQueryBuilder q = (RetrievalKnnQueryBuilder) parse("{\"retrieval_knn\": {\"field\": \"v\", " + body + "}}");
        assertNull(q.queryVector());
        assertNull(q.queryDocument());
        assertNull(q.queryImage());
        return q.source().set();
    }

    public void testQueryVectorsWithDefaultAvg() throws IOException {
        QueryVectorSet set = set("\"query_vectors\": [[1, 0], [0.6, \"0.8\"]]");
        assertEquals(Aggregation.AVG, set.aggregation());
        assertEquals(2, set.size());
        assertArrayEquals(new float[] { 1, 0 }, set.vectors()[0], 0f);
        assertArrayEquals(new float[] { 0.6f, 0.8f }, set.vectors()[1], 0f);
        assertEquals(Aggregation.MAX, set("\"query_vectors\": [[1, 0]], \"query_aggregation\": \"max\"").aggregation());
    }

    public void testQueryDocuments() throws IOException {
        QueryVectorSet set = set("\"query_documents\": [{\"index\": \"a\", \"id\": \"1\"}, {\"index\": \"b\", \"id\": \"2\"}], "
            + "\"query_aggregation\": \"avg\"");
        assertEquals(List.of(new QueryDocument("a", "1"), new QueryDocument("b", "2")), set.documents());
        assertNull(set.vectors());
    }

    public void testQueryImagesShareOnePipelineOrModel() throws IOException {
        QueryVectorSet set = set("\"query_images\": {\"images\": [\"aGk=\", {\"image\": \"aG8=\", \"bbox\": [0, 0, 4, 3]}], "
            + "\"model\": \"m\", \"scales\": [1, 0.5]}");
        Map<String, Object> recipe = Map.of("scales", List.of(1, 0.5));
        assertEquals(List.of(new QueryImage("aGk=", null, "m", recipe, null), new QueryImage("aG8=", null, "m", recipe,
            List.of(0.0, 0.0, 4.0, 3.0))), set.images());
        QueryVectorSet byPipeline = set("\"query_images\": {\"images\": [\"aGk=\"], \"pipeline\": \"p\"}");
        assertEquals(List.of(new QueryImage("aGk=", "p", null, Map.of(), null)), byPipeline.images());
    }

    public void testRendersTheDocumentedShapeAndRoundTrips() throws IOException {
        String[] bodies = {
            "\"query_vectors\": [[1, 0], [0, 1]], \"query_aggregation\": \"max\", \"exact\": true",
            "\"query_documents\": [{\"index\": \"a\", \"id\": \"1\"}], \"expansion\": {\"method\": \"aqe\"}",
            "\"query_images\": {\"images\": [\"aGk=\", {\"image\": \"aG8=\", \"bbox\": [0, 0, 4, 3]}], \"model\": \"m\", \"size\": 224}",
            "\"query_images\": {\"images\": [\"aGk=\"], \"pipeline\": \"p\"}, \"expansion\": {\"method\": \"query_set\", \"pool\": 20}" };
        for (String body : bodies) {
            QueryBuilder q = parse("{\"retrieval_knn\": {\"field\": \"v\", " + body + "}}");
            String json = Strings.toString(q);
            assertEquals(json, q, parse(json));
            assertEquals(json, q, wireCopy(q));
            assertEquals(q.hashCode(), parse(json).hashCode());
        }
        Map<String, Object> rendered = XContentHelper.convertToMap(JsonXContent.jsonXContent,
            Strings.toString(parse("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0], [0, 1]], \"k\": 3}}")), false);
        assertEquals(Map.of("retrieval_knn", Map.of("field", "v", "query_vectors", List.of(List.of(1.0, 0.0), List.of(0.0, 1.0)),
            "query_aggregation", "avg", "k", 3, "exact", false)), rendered);
    }

    public void testErrorsNameFieldValueAndRule() {
        String six = "exactly one of [query_vector], [query_document], [query_image], [query_vectors], [query_documents] and "
            + "[query_images], got ";
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, 0], \"query_vectors\": [[1, 0]]}}",
            six + "[query_vector] and [query_vectors]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0]], \"query_documents\": [{\"index\": \"i\", \"id\": "
            + "\"1\"}]}}", "exactly one of [query_vectors], [query_documents] and [query_images]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": []}}",
            "[retrieval_knn] [query_vectors] must have between 1 and 100 members but had [0]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_documents\": []}}",
            "[retrieval_knn] [query_documents] must have between 1 and 100 members but had [0]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_images\": {\"images\": [], \"model\": \"m\"}}}",
            "[retrieval_knn] [query_images] must have between 1 and 100 members but had [0]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0], [1, 0, 0]]}}",
            "[retrieval_knn] [query_vectors] member [1] has [3] dimensions but member [0] has [2]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0], []]}}",
            "[retrieval_knn] [query_vectors] member [1] must not be empty");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0], [1, \"NaN\"]]}}",
            "[retrieval_knn] [query_vectors] must be finite but element [1] of member [1] is [NaN]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [1, 0]}}",
            "[retrieval_knn] [query_vectors] member [0] must be an array of numbers, got [VALUE_NUMBER]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": [[1, 0]], \"query_aggregation\": \"sum\"}}",
            "[retrieval_knn] [query_aggregation] must be [avg] or [max] but was [sum]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, 0], \"query_aggregation\": \"max\"}}",
            "[retrieval_knn] [query_aggregation] applies to [query_vectors], [query_documents] and [query_images] only");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_images\": {\"model\": \"m\"}}}",
            "[retrieval_knn] [query_images] needs [images]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_images\": {\"images\": [\"aGk=\"]}}}",
            "needs exactly one of [pipeline] and [model]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_images\": {\"images\": [{\"image\": \"aGk=\", \"size\": 3}], "
            + "\"model\": \"m\"}}}", "[retrieval_knn] [query_images] element [0] takes [image] and [bbox] only, not [size]");
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_documents\": [{\"index\": \"i\"}]}}", "needs an [id]");
        StringBuilder many = new StringBuilder("[[1]");
        for (int i = 0; i < QueryVectorSet.MAX_MEMBERS; i++) {
            many.append(", [1]");
        }
        assertBad("{\"retrieval_knn\": {\"field\": \"v\", \"query_vectors\": " + many + "]}}",
            "[retrieval_knn] [query_vectors] must have between 1 and 100 members but had [101]");
    }
}
