package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.NamedWriteableAwareStreamInput;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.instanceretrieval.es.InstanceRetrievalPlugin;
import org.instanceretrieval.es.diffusion.GraphSource;

import java.io.IOException;
import java.util.List;

import static org.hamcrest.Matchers.containsString;

/** The {@code graph} option of the {@code k_reciprocal} rescorer: default, parsing, round trips, copies, the 400. */
public class KReciprocalGraphOptionTests extends ESTestCase {

    private static final SearchModule SEARCH = new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin()));
    private static final NamedWriteableRegistry WRITEABLES = new NamedWriteableRegistry(SEARCH.getNamedWriteables());
    private static final NamedXContentRegistry XCONTENT = new NamedXContentRegistry(SEARCH.getNamedXContents());

    private static KReciprocalRescorerBuilder parse(String json) throws IOException {
        try (XContentParser parser = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY.withRegistry(XCONTENT), json)) {
            parser.nextToken();
            return (KReciprocalRescorerBuilder) RescorerBuilder.parseFromXContent(parser, name -> {});
        }
    }

    private static RescorerBuilder<?> wireCopy(RescorerBuilder<?> builder) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(builder);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
                return in.readNamedWriteable(RescorerBuilder.class);
            }
        }
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
