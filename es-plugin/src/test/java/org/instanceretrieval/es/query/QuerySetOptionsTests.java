package org.instanceretrieval.es.query;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentParseException;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.instanceretrieval.expansion.QuerySetExpansion.Selection;

import java.io.IOException;

import static org.hamcrest.Matchers.containsString;

/** Parsing, defaults, round trips and parse-time validation of {@code "expansion": {"method": "query_set", ...}}. */
public class QuerySetOptionsTests extends ESTestCase {

    private static QueryExpansion expansion(String options) throws IOException {
        QueryBuilder q = RetrievalKnnQueryBuilderTests.parse("{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, 0], "
            + "\"expansion\": {\"method\": \"query_set\"" + options + "}}}");
        return ((RetrievalKnnQueryBuilder) q).expansion();
    }

    public void testDefaultsAreTheSeedsAdoptedSetting() throws IOException {
        QueryExpansion e = expansion("");
        assertEquals(QueryExpansion.Method.QUERY_SET, e.method());
        // pool 1000, avg, top_k with k 5, no sparsity, 4 iterations (seed 002, section 4 and table 2)
        assertEquals(new QuerySetOptions(1000, Aggregation.AVG, Selection.TOP_K, 5, 0.6, null, 4), e.querySet());
    }

    public void testParsesEveryOption() throws IOException {
        assertEquals(new QuerySetOptions(300, Aggregation.MAX, Selection.THRESHOLD, 5, 0.7, 0.5, 2),
            expansion(", \"pool\": 300, \"aggregation\": \"max\", \"select\": \"threshold\", \"threshold\": 0.7, \"sparsity\": 0.5, "
                + "\"iterations\": 2").querySet());
        assertEquals(new QuerySetOptions(1000, Aggregation.AVG, Selection.TOP_K, 3, 0.6, null, 4),
            expansion(", \"select\": \"top_k\", \"k\": 3, \"sparsity\": null").querySet());
    }

    public void testXContentAndWireRoundTrips() throws IOException {
        for (int round = 0; round < 20; round++) {
            boolean topK = randomBoolean();
            QuerySetOptions options = new QuerySetOptions(randomIntBetween(1, 10_000), randomFrom(Aggregation.values()),
                topK ? Selection.TOP_K : Selection.THRESHOLD, topK ? randomIntBetween(1, 50) : 5, topK ? 0.6 : randomDoubleBetween(-1, 1, true),
                randomBoolean() ? null : randomDoubleBetween(-1, 1, true), randomIntBetween(1, 100));
            RetrievalKnnQueryBuilder q = new RetrievalKnnQueryBuilder("v", new float[] { 1, 0 }, null, 10, null, null, null, false,
                QueryExpansion.querySet(options));
            assertEquals(q, RetrievalKnnQueryBuilderTests.parse(Strings.toString(q)));
            assertEquals(q, RetrievalKnnQueryBuilderTests.wireCopy(q));
        }
    }

    public void testBadOptionsName400TheOptionValueAndRule() {
        assertBad(", \"pool\": 0", "[retrieval_knn] expansion [pool] must be between 1 and 10000 but was [0]");
        assertBad(", \"pool\": 10001", "expansion [pool] must be between 1 and 10000 but was [10001]");
        assertBad(", \"iterations\": 0", "expansion [iterations] must be between 1 and 100 but was [0]");
        assertBad(", \"iterations\": 101", "expansion [iterations] must be between 1 and 100 but was [101]");
        assertBad(", \"k\": 0", "expansion [k] must be between 1 and 10000 but was [0]");
        assertBad(", \"aggregation\": \"sum\"", "expansion [aggregation] must be [avg] or [max] but was [sum]");
        assertBad(", \"select\": \"all\"", "expansion [select] must be [top_k] or [threshold] but was [all]");
        assertBad(", \"select\": \"threshold\", \"threshold\": \"NaN\"", "expansion [threshold] must be finite but was [NaN]");
        assertBad(", \"sparsity\": \"Infinity\"", "expansion [sparsity] must be finite or null but was [Infinity]");
        assertBad(", \"threshold\": 0.5", "expansion [threshold] applies to [select] [threshold] only");
        assertBad(", \"select\": \"threshold\", \"k\": 3", "expansion [k] applies to [select] [top_k] only");
        assertBad(", \"n\": 3", "expansion [n] applies to methods [aqe] and [alpha_qe]");
        assertBad(", \"alpha\": 1", "expansion [alpha] applies to methods [aqe] and [alpha_qe]");
        assertBad(", \"pool\": \"many\"", "[pool]");
        assertBad(", \"oops\": 1", "expansion does not support [oops]");
        assertBadExpansion("{\"method\": \"aqe\", \"pool\": 100}", "expansion [pool] applies to method [query_set] only, not [aqe]");
        assertBadExpansion("{\"method\": \"alpha_qe\", \"sparsity\": null}", "expansion [sparsity] applies to method [query_set] only");
        assertBadExpansion("{\"method\": \"dqe\"}", "unknown expansion method [dqe], expected [aqe], [alpha_qe] or [query_set]");
    }

    private static void assertBad(String options, String message) {
        assertBadExpansion("{\"method\": \"query_set\"" + options + "}", message);
    }

    private static void assertBadExpansion(String expansion, String message) {
        String json = "{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": [1, 0], \"expansion\": " + expansion + "}}";
        Exception e = expectThrows(Exception.class, () -> RetrievalKnnQueryBuilderTests.parse(json));
        assertTrue(json + " -> " + e, e instanceof IllegalArgumentException || e instanceof ParsingException
            || e instanceof XContentParseException);
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append(" | ");
        }
        assertThat(json, messages.toString(), containsString(message));
    }
}
