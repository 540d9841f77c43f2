package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.test.ESTestCase;

import java.io.IOException;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.instanceretrieval.es.RescorerRoundTrip.parse;
import static org.instanceretrieval.es.RescorerRoundTrip.wireCopy;

/** Parsing, defaults, x-content and wire round trips, and parse-time validation of the {@code diffusion} rescorer. */
public class DiffusionRescorerBuilderTests extends ESTestCase {

    public void testParsesEveryOption() throws IOException {
        RescorerBuilder<?> parsed = parse("""
            {"window_size": 30, "diffusion": {"field": "v", "query_vector": [0.6, -0.8], "k": 7, "gamma": 2.5, "alpha": 0.9,
             "query_k": 4, "max_iterations": 33, "tolerance": 1e-4}}""");
        assertThat(parsed, instanceOf(DiffusionRescorerBuilder.class));
        DiffusionRescorerBuilder d = (DiffusionRescorerBuilder) parsed;
        assertEquals(Integer.valueOf(30), d.windowSize());
        assertEquals("v", d.field());
        assertArrayEquals(new float[] { 0.6f, -0.8f }, d.queryVector(), 0f);
        assertEquals(7, d.parameters().k());
        assertEquals(2.5, d.parameters().gamma(), 0);
        assertEquals(0.9, d.parameters().alpha(), 0);
        assertEquals(4, d.parameters().queryK());
        assertEquals(33, d.parameters().maxIterations());
        assertEquals(1e-4, d.parameters().tolerance(), 0);
    }

    public void testDefaultsAreTheReferenceValues() throws IOException {
        DiffusionRescorerBuilder d = (DiffusionRescorerBuilder) parse("""
            {"diffusion": {"field": "v", "query_vector": [1, 0]}}""");
        assertNull(d.windowSize());
        assertEquals(50, d.parameters().k());
        assertEquals(3, d.parameters().gamma(), 0);
        assertEquals(0.99, d.parameters().alpha(), 0);
        assertEquals(10, d.parameters().queryK());
        assertEquals(20, d.parameters().maxIterations());
        assertEquals(1e-6, d.parameters().tolerance(), 0);
        assertEquals(GraphSource.AUTO, d.graph());
    }

    public void testGraphOptionParsesRoundTripsAndRejectsOtherValues() throws IOException {
        for (GraphSource g : GraphSource.values()) {
            DiffusionRescorerBuilder d = (DiffusionRescorerBuilder) parse("{\"window_size\": 9, \"diffusion\": {\"field\": \"v\", "
                + "\"query_vector\": [1, 0], \"graph\": \"" + g + "\"}}");
            assertEquals(g, d.graph());
            assertThat(Strings.toString(d), containsString("\"graph\":\"" + g + "\""));
            assertEquals(d, parse(Strings.toString(d)));
            assertEquals(d, wireCopy(d));
            assertEquals(g, d.withQueryVector(new float[] { 0, 1 }).graph());
        }
        DiffusionRescorerBuilder auto = new DiffusionRescorerBuilder("v", new float[] { 1, 0 });
        assertNotEquals(auto, new DiffusionRescorerBuilder("v", new float[] { 1, 0 }, DiffusionParameters.defaults("diffusion"),
            GraphSource.STORED));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
            () -> parse("{\"diffusion\": {\"field\": \"v\", \"query_vector\": [1, 0], \"graph\": \"Stored\"}}"));
        assertThat(e.getMessage(), containsString("[diffusion] [graph] must be one of [stored, window, auto] but was [Stored]"));
    }

    public void testXContentAndWireRoundTrips() throws IOException {
        DiffusionRescorerBuilder original = new DiffusionRescorerBuilder("f", new float[] { 1f, 2f, -3f }, 11, 1.5, 0.75, 3, 9, 1e-3)
            .windowSize(17);
        String json = Strings.toString(original);
        RescorerBuilder<?> reparsed = parse(json);
        assertThat(reparsed, equalTo(original));
        assertThat(reparsed.hashCode(), equalTo(original.hashCode()));
        assertThat(wireCopy(original), equalTo(original));
        assertNotEquals(original, new DiffusionRescorerBuilder("f", new float[] { 1f, 2f, -3f }, 12, 1.5, 0.75, 3, 9, 1e-3).windowSize(17));
        assertNotEquals(original, new DiffusionRescorerBuilder("f", new float[] { 1f, 2f, -3f }, 11, 1.5, 0.75, 3, 9, 1e-3).windowSize(18));
    }

    public void testRejectsOutOfRangeParameters() {
        String[][] cases = {
            { "\"k\": 0", "[k] must be in [1, 10000]" },
            { "\"gamma\": 0", "[gamma] must be finite and > 0" },
            { "\"gamma\": -1", "[gamma] must be finite and > 0" },
            { "\"alpha\": 0", "[alpha] must be in (0, 1)" },
            { "\"alpha\": 1", "[alpha] must be in (0, 1)" },
            { "\"alpha\": 1.5", "[alpha] must be in (0, 1)" },
            { "\"query_k\": 0", "[query_k] must be in [1, 10000]" },
            { "\"tolerance\": 0", "[tolerance] must be finite and > 0" },
            { "\"tolerance\": -1e-6", "[tolerance] must be finite and > 0" },
            { "\"max_iterations\": 0", "[max_iterations] must be in [1, 1000] but was [0]" },
            { "\"max_iterations\": 1001", "[max_iterations] must be in [1, 1000] but was [1001]" } };
        for (String[] c : cases) {
            String json = "{\"diffusion\": {\"field\": \"v\", \"query_vector\": [1, 0], " + c[0] + "}}";
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> parse(json));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
    }

    public void testRejectsMissingOrBadQueryVectorAndField() {
        assertThat(expectThrows(IllegalArgumentException.class, () -> parse("{\"diffusion\": {\"field\": \"v\"}}")).getMessage(),
            containsString("requires a non-empty [query_vector]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> parse("{\"diffusion\": {\"query_vector\": [1]}}")).getMessage(),
            containsString("requires [field]"));
        assertThat(expectThrows(IllegalArgumentException.class,
                () -> parse("{\"diffusion\": {\"field\": \"v\", \"query_vector\": [1, \"NaN\"]}}")).getMessage(),
            containsString("[query_vector] must be finite but element [1] is [NaN]"));
        assertThat(expectThrows(ParsingException.class,
                () -> parse("{\"diffusion\": {\"field\": \"v\", \"query_vector\": [1], \"kk\": 3}}")).getMessage(),
            containsString("unknown field [kk]"));
    }
}
