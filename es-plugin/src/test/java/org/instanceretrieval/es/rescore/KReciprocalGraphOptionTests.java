package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.Strings;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.es.RescorerRoundTrip;
import org.instanceretrieval.es.diffusion.GraphSource;

import java.io.IOException;

import static org.hamcrest.Matchers.containsString;
import static org.instanceretrieval.es.RescorerRoundTrip.wireCopy;

/** The {@code graph} option of the {@code k_reciprocal} rescorer: default, parsing, round trips, copies, the 400. */
public class KReciprocalGraphOptionTests extends ESTestCase {

    private static KReciprocalRescorerBuilder parse(String json) throws IOException {
        return (KReciprocalRescorerBuilder) RescorerRoundTrip.parse(json);
    }

    public void testDefaultIsAutoAndEveryValueParses() throws IOException {
        assertEquals(GraphSource.AUTO, parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0]}}").graph());
        for (GraphSource g : GraphSource.values()) {
            KReciprocalRescorerBuilder b = parse("{\"window_size\": 7, \"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], "
                + "\"k1\": 5, \"graph\": \"" + g + "\"}}");
            assertEquals(g, b.graph());
            assertEquals(b, parse(Strings.toString(b)));
            assertEquals(b, wireCopy(b));
            KReciprocalRescorerBuilder copy = b.withQueryVector(new float[] { 0, 1 });
            assertEquals(g, copy.graph());
            assertEquals(Integer.valueOf(7), copy.windowSize());
        }
        assertNotEquals(parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], \"graph\": \"stored\"}}"),
            parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], \"graph\": \"window\"}}"));
    }

    public void testAnotherValueIs400NamingTheValue() {
        Exception e = expectThrows(Exception.class, () -> parse("{\"k_reciprocal\": {\"field\": \"v\", \"query_vector\": [1, 0], "
            + "\"graph\": \"yes\"}}"));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
            if (t instanceof IllegalArgumentException) {
                assertThat(t.getMessage(), containsString("[k_reciprocal] [graph] must be one of [stored, window, auto] but was [yes]"));
                return;
            }
        }
        fail("no IllegalArgumentException (400) in " + all);
    }
}
