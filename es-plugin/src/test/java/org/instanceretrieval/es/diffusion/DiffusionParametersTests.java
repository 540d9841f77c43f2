package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.breaker.NoopCircuitBreaker;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.search.retriever.RetrieverParserContext;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.usage.SearchUsage;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.es.InstanceRetrievalPlugin;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The diffusion options are declared once ({@link DiffusionParameters#declare}): the {@code diffusion} rescorer and retriever
 * parse the same values, refuse the same values with the same message, and write them back the same way.
 */
public class DiffusionParametersTests extends ESTestCase {

    private static final String KNN = "{\"knn\": {\"field\": \"v\", \"query_vector\": [0.6, 0.8], \"k\": 3, \"num_candidates\": 10}}";

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin())).getNamedXContents());
    }

    private DiffusionParameters viaRescorer(String options) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent,
            "{\"diffusion\": {\"field\": \"v\", \"query_vector\": [1, 0]" + options + "}}")) {
            parser.nextToken();
            return ((DiffusionRescorerBuilder) RescorerBuilder.parseFromXContent(parser, name -> {})).parameters();
        }
    }

    private DiffusionParameters viaRetriever(String options) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, "{\"retriever\": " + KNN + ", \"field\": \"v\"" + options + "}")) {
            parser.nextToken();
            return DiffusionRetrieverBuilder.fromXContent(parser, new RetrieverParserContext(new SearchUsage(), f -> true),
                () -> new NoopCircuitBreaker("request")).parameters();
        }
    }

    public void testBothParseTheSameValuesAndDefaults() throws IOException {
        String options = ", \"k\": 7, \"gamma\": 2.5, \"alpha\": 0.5, \"query_k\": 4, \"max_iterations\": 33, \"tolerance\": 0.001";
        DiffusionParameters expected = new DiffusionParameters("diffusion", 7, 2.5, 0.5, 4, 33, 0.001);
        assertEquals(expected, viaRescorer(options));
        assertEquals(expected, viaRetriever(options));
        // the reference defaults: k 50, gamma 3, alpha 0.99, query_k 10, 20 iterations, tolerance 1e-6
        DiffusionParameters defaults = new DiffusionParameters("diffusion", 50, 3, 0.99, 10, 20, 1e-6);
        assertEquals(defaults, viaRescorer(""));
        assertEquals(defaults, viaRetriever(""));
    }

    public void testBothRefuseWithTheSameMessage() {
        Map<String, String> cases = Map.of(
            "\"k\": 10001", "[diffusion] [k] must be in [1, 10000] but was [10001]",
            "\"gamma\": -0.5", "[diffusion] [gamma] must be finite and > 0 but was [-0.5]",
            "\"alpha\": 1.0", "[diffusion] [alpha] must be in (0, 1) but was [1.0]",
            "\"query_k\": 0", "[diffusion] [query_k] must be in [1, 10000] but was [0]",
            "\"max_iterations\": 1001", "[diffusion] [max_iterations] must be in [1, 1000] but was [1001]",
            "\"tolerance\": 0", "[diffusion] [tolerance] must be finite and > 0 but was [0.0]");
        cases.forEach((option, message) -> {
            assertEquals(option, message, expectThrows(IllegalArgumentException.class, () -> viaRescorer(", " + option)).getMessage());
            assertEquals(option, message, expectThrows(IllegalArgumentException.class, () -> viaRetriever(", " + option)).getMessage());
        });
    }

    public void testWritesTheOptionsAsFields() throws IOException {
        DiffusionParameters p = new DiffusionParameters("diffusion", 7, 2.5, 0.5, 4, 33, 0.001);
        org.elasticsearch.xcontent.XContentBuilder builder = JsonXContent.contentBuilder().startObject();
        p.toXContent(builder, org.elasticsearch.xcontent.ToXContent.EMPTY_PARAMS);
        assertEquals("{\"k\":7,\"gamma\":2.5,\"alpha\":0.5,\"query_k\":4,\"max_iterations\":33,\"tolerance\":0.001}",
            Strings.toString(builder.endObject()));
    }
}
