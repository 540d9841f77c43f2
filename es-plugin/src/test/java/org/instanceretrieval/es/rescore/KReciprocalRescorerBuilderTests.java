package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.Strings;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.test.ESTestCase;

import java.io.IOException;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.instanceretrieval.es.RescorerRoundTrip.parse;
import static org.instanceretrieval.es.RescorerRoundTrip.wireCopy;

/** Parsing, defaults, x-content and wire round trips, and parse-time validation of the {@code k_reciprocal} rescorer. */
public class KReciprocalRescorerBuilderTests extends ESTestCase {

    public void testParsesEveryOption() throws IOException {
        RescorerBuilder<?> parsed = parse("""
            {"window_size": 30, "k_reciprocal": {"field": "v", "query_vector": [0.6, -0.8], "k1": 7, "k2": 3, "lambda": 0.5}}""");
        assertThat(parsed, instanceOf(KReciprocalRescorerBuilder.class));
        KReciprocalRescorerBuilder b = (KReciprocalRescorerBuilder) parsed;
        assertEquals(Integer.valueOf(30), b.windowSize());
        assertEquals("v", b.field());
        assertArrayEquals(new float[] { 0.6f, -0.8f }, b.queryVector(), 0f);
        assertEquals(7, b.parameters().k1());
        assertEquals(3, b.parameters().k2());
        assertEquals(0.5, b.parameters().lambda(), 0);
    }

    public void testDefaultsAreThePapers() throws IOException {
        KReciprocalRescorerBuilder b = (KReciprocalRescorerBuilder) parse("""
            {"k_reciprocal": {"field": "v", "query_vector": [1, 0]}}""");
        assertNull(b.windowSize());
        assertEquals(20, b.parameters().k1());
        assertEquals(6, b.parameters().k2());
        assertEquals(0.3, b.parameters().lambda(), 0);
    }

    public void testXContentAndWireRoundTrips() throws IOException {
        KReciprocalRescorerBuilder b = new KReciprocalRescorerBuilder("v", new float[] { 0.5f, 0.25f, -1f },
            new KReciprocalParameters(KReciprocalRescorerBuilder.NAME, between(1, 50), between(1, 50), randomDoubleBetween(0, 1, true)));
        b.windowSize(between(1, 10_000));
        RescorerBuilder<?> reparsed = parse(Strings.toString(b));
        assertEquals(b, reparsed);
        assertEquals(b.hashCode(), reparsed.hashCode());
        assertEquals(b, wireCopy(b));
        assertNotEquals(b, new KReciprocalRescorerBuilder("v", new float[] { 0.5f, 0.25f, -1f }).windowSize(b.windowSize()));
    }

    public void testWithQueryVectorKeepsTheOptions() {
        KReciprocalRescorerBuilder b = new KReciprocalRescorerBuilder("v", new float[] { 1, 0 },
            new KReciprocalParameters(KReciprocalRescorerBuilder.NAME, 9, 2, 0.1)).windowSize(40);
        KReciprocalRescorerBuilder copy = b.withQueryVector(new float[] { 0, 1 });
        assertArrayEquals(new float[] { 0, 1 }, copy.queryVector(), 0f);
        assertEquals(b.parameters(), copy.parameters());
        assertEquals(Integer.valueOf(40), copy.windowSize());
        assertEquals("v", copy.field());
    }

    public void testBadOptionsAre400NamingFieldValueAndRule() {
        String[][] cases = {
            { "\"k1\": 0", "[k_reciprocal] [k1] must be in [1, 10000] but was [0]" },
            { "\"k1\": 10001", "[k_reciprocal] [k1] must be in [1, 10000] but was [10001]" },
            { "\"k2\": 0", "[k_reciprocal] [k2] must be in [1, 10000] but was [0]" },
            { "\"lambda\": -0.1", "[k_reciprocal] [lambda] must be in [0, 1] but was [-0.1]" },
            { "\"lambda\": 1.5", "[k_reciprocal] [lambda] must be in [0, 1] but was [1.5]" } };
        for (String[] c : cases) {
            Exception e = expectThrows(Exception.class, () -> parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], "
                + c[0] + "}}"));
            assertThat(c[0], messages(e), containsString(c[1]));
        }
        assertThat(messages(expectThrows(Exception.class, () -> parse("{\"k_reciprocal\": {\"query_vector\": [1, 0]}}"))),
            containsString("[k_reciprocal] requires [field]"));
        assertThat(messages(expectThrows(Exception.class, () -> parse("{\"k_reciprocal\": {\"field\": \"v\"}}"))),
            containsString("[k_reciprocal] requires a non-empty [query_vector]"));
        assertThat(messages(expectThrows(Exception.class, () -> parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], "
            + "\"k\": 3}}"))), containsString("[k_reciprocal] unknown field [k]"));
        assertThat(messages(expectThrows(Exception.class, () -> parse("{\"window_size\": 0, \"k_reciprocal\": {\"field\": \"v\", "
            + "\"query_vector\": [1, 0]}}"))), containsString("[k_reciprocal] [window_size] must be in [1, 10000] but was [0]"));
        assertThat(messages(expectThrows(Exception.class, () -> parse("{\"window_size\": 10001, \"k_reciprocal\": {\"field\": \"v\", "
            + "\"query_vector\": [1, 0]}}"))), containsString("[k_reciprocal] [window_size] must be in [1, 10000] but was [10001]"));
    }

    /** The messages of an exception and its causes (ObjectParser wraps the builder's IllegalArgumentException). */
    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
