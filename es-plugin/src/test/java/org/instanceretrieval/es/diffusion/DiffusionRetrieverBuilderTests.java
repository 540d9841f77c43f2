package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.breaker.NoopCircuitBreaker;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.retriever.KnnRetrieverBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.search.retriever.StandardRetrieverBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.usage.SearchUsage;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.es.InstanceRetrievalPlugin;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;

import java.io.IOException;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

/**
 * Parsing of the {@code diffusion} retriever (with Elasticsearch's own retriever and query
 * parsers, through the search module with this plugin), its options' ranges, the query vector
 * taken from the inner retriever, and the tie-free scores.
 */
public class DiffusionRetrieverBuilderTests extends ESTestCase {

    private static final String KNN = "{\"knn\": {\"field\": \"v\", \"query_vector\": [0.6, 0.8], \"k\": 3, \"num_candidates\": 10}}";

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin())).getNamedXContents());
    }

    private DiffusionRetrieverBuilder parse(String body) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, body)) {
            parser.nextToken();
            return DiffusionRetrieverBuilder.fromXContent(parser, new RetrieverParserContext(new SearchUsage(), f -> true),
                () -> new NoopCircuitBreaker("request"));
        }
    }

    public void testDefaults() throws IOException {
        DiffusionRetrieverBuilder b = parse("{\"retriever\": " + KNN + ", \"field\": \"v\"}");
        assertThat(b.inner(), instanceOf(KnnRetrieverBuilder.class));
        assertEquals("v", b.field());
        assertEquals(100, b.rankWindowSize());
        assertEquals(50, b.parameters().k());
        assertEquals(3.0, b.parameters().gamma(), 0);
        assertEquals(0.99, b.parameters().alpha(), 0);
        assertEquals(10, b.parameters().queryK());
        assertEquals(20, b.parameters().maxIterations());
        assertEquals(1e-6, b.parameters().tolerance(), 0);
    }

    public void testEveryOptionAndRoundTrip() throws IOException {
        String body = "{\"retriever\": " + KNN + ", \"field\": \"v\", \"query_vector\": [1, 0], \"rank_window_size\": 7, \"k\": 4, "
            + "\"gamma\": 1.5, \"alpha\": 0.5, \"query_k\": 2, \"max_iterations\": 9, \"tolerance\": 0.001, \"_name\": \"d\"}";
        DiffusionRetrieverBuilder b = parse(body);
        assertEquals(7, b.rankWindowSize());
        assertEquals(4, b.parameters().k());
        assertEquals(1.5, b.parameters().gamma(), 0);
        assertEquals(0.5, b.parameters().alpha(), 0);
        assertEquals(2, b.parameters().queryK());
        assertEquals(9, b.parameters().maxIterations());
        assertEquals(0.001, b.parameters().tolerance(), 0);
        assertEquals("d", b.retrieverName());
        String written = Strings.toString(b);
        DiffusionRetrieverBuilder again = parse(written.substring(written.indexOf(':') + 1, written.length() - 1));
        assertEquals(written, Strings.toString(again));
    }

    public void testOutOfRangeOptionsNameTheProblem() {
        String[][] cases = {
            { "\"rank_window_size\": 0", "[diffusion] [rank_window_size] must be in [1, 10000] but was [0]" },
            { "\"rank_window_size\": 10001", "[diffusion] [rank_window_size] must be in [1, 10000] but was [10001]" },
            { "\"k\": 0", "[diffusion] [k] must be in [1, 10000] but was [0]" },
            { "\"query_k\": 10001", "[diffusion] [query_k] must be in [1, 10000] but was [10001]" },
            { "\"gamma\": 0", "[diffusion] [gamma] must be finite and > 0" },
            { "\"alpha\": 1", "[diffusion] [alpha] must be in (0, 1)" },
            { "\"max_iterations\": 0", "[diffusion] [max_iterations] must be in [1, 1000] but was [0]" },
            { "\"max_iterations\": 1001", "[diffusion] [max_iterations] must be in [1, 1000] but was [1001]" },
            { "\"tolerance\": 0", "[diffusion] [tolerance] must be finite and > 0" },
            { "\"query_vector\": []", "[diffusion] [query_vector] must not be empty" },
            { "\"query_vector\": [1, \"NaN\"]", "[diffusion] [query_vector] must be finite but element [1] is [NaN]" } };
        for (String[] c : cases) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
                () -> parse("{\"retriever\": " + KNN + ", \"field\": \"v\", " + c[0] + "}"));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
        assertThat(expectThrows(IllegalArgumentException.class, () -> parse("{\"field\": \"v\"}")).getMessage(),
            containsString("[diffusion] requires an inner [retriever]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> parse("{\"retriever\": " + KNN + "}")).getMessage(),
            containsString("[diffusion] requires [field]"));
        assertThat(expectThrows(ParsingException.class, () -> parse("{\"retriever\": " + KNN + ", \"field\": \"v\", \"nope\": 1}"))
            .getMessage(), containsString("[diffusion] unknown field [nope]"));
    }

    public void testQueryVectorOfTheInnerSearch() {
        SearchSourceBuilder knn = new SearchSourceBuilder();
        new KnnRetrieverBuilder("v", new float[] { 0.6f, 0.8f }, null, 3, 10, null, null).extractToSearchSourceBuilder(knn, true);
        assertArrayEquals(new float[] { 0.6f, 0.8f }, DiffusionRetrieverBuilder.innerQueryVector(knn), 0f);

        RetrievalKnnQueryBuilder retrievalKnn = new RetrievalKnnQueryBuilder("v", new float[] { 1f, 0f }, null, 5, null, null, null, true,
            null);
        SearchSourceBuilder standard = new SearchSourceBuilder();
        new StandardRetrieverBuilder(retrievalKnn).extractToSearchSourceBuilder(standard, true);
        assertArrayEquals(new float[] { 1f, 0f }, DiffusionRetrieverBuilder.innerQueryVector(standard), 0f);

        SearchSourceBuilder matchAll = new SearchSourceBuilder().query(new org.elasticsearch.index.query.MatchAllQueryBuilder());
        assertThat(expectThrows(IllegalArgumentException.class, () -> DiffusionRetrieverBuilder.innerQueryVector(matchAll)).getMessage(),
            containsString("give [query_vector]"));
    }

    public void testScoresAreStrictlyDecreasingPositiveAndWithinUlpsOfF() {
        double[] f = { 1.28, 0.64, 0.64, 0.5, 0, 0, 0, -0.25 };
        float[] s = DiffusionRetrieverBuilder.strictlyDecreasing(f);
        for (int r = 0; r < f.length; r++) {
            assertTrue("positive at " + r, s[r] > 0);
            assertEquals("close to f at " + r, Math.max(f[r], 0), s[r], 1e-6);
            if (r > 0) {
                assertTrue("strictly decreasing at " + r, s[r] < s[r - 1]);
            }
        }
        assertEquals(1.28f, s[0], 0f);
        assertEquals(Math.nextUp(0.64f), s[1], 0f); // raised one ulp above its tie
        assertEquals(0.64f, s[2], 0f);
        assertEquals(Float.MIN_VALUE, s[7], 0f); // the smallest positive float for f <= 0
        assertEquals(4 * Float.MIN_VALUE, s[4], 0f);
    }
}
