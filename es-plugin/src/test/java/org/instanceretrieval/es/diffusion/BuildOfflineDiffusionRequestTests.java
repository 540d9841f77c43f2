package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.es.job.JobRequest;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.test.ESTestCase;

import java.io.IOException;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** Parsing, defaults, ranges and wire round trip of the offline diffusion build request. */
public class BuildOfflineDiffusionRequestTests extends ESTestCase {

    public void testDefaultsAndRoundTrip() throws IOException {
        JobRequest<BuildOfflineDiffusionAction.Options> r = BuildOfflineDiffusionAction.KIND.request("photos", Map.of("field", "v"));
        assertEquals(50, r.options().parameters().k());
        assertEquals(3.0, r.options().parameters().gamma(), 0);
        assertEquals(0.99, r.options().parameters().alpha(), 0);
        assertNull("n_trunc defaults to the stored graph's k + 1, decided when the graph is read", r.options().nTrunc());
        JobRequest<BuildOfflineDiffusionAction.Options> custom = BuildOfflineDiffusionAction.KIND.request("photos",
            Map.of("field", "v", "k", 7, "gamma", 1, "alpha", 0.5, "n_trunc", 30, "max_iterations", 9, "tolerance", 1e-3));
        custom.setShouldStoreResult(true);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            custom.writeTo(out);
            JobRequest<BuildOfflineDiffusionAction.Options> read = BuildOfflineDiffusionAction.KIND.reader().read(out.bytes().streamInput());
            assertEquals("photos", read.target());
            assertEquals("v", read.options().field());
            assertEquals(custom.options().parameters(), read.options().parameters());
            assertEquals(Integer.valueOf(30), read.options().nTrunc());
            assertTrue(read.getShouldStoreResult());
        }
    }

    public void testBadInputNamesTheProblem() {
        Object[][] cases = {
            { Map.of(), "[diffusion build] requires [field]" },
            { Map.of("field", "v", "n_trunc", 0), "[diffusion build] [n_trunc] must be in [1, 10000] but was [0]" },
            { Map.of("field", "v", "n_trunc", 10001), "[diffusion build] [n_trunc] must be in [1, 10000] but was [10001]" },
            { Map.of("field", "v", "k", 0), "[diffusion build] [k] must be in [1, 10000] but was [0]" },
            { Map.of("field", "v", "alpha", 1), "[diffusion build] [alpha] must be in (0, 1)" },
            { Map.of("field", "v", "k", "many"), "[diffusion build] [k] must be an integer but was [many]" },
            { Map.of("field", 3), "[diffusion build] [field] must be a string" },
            { Map.of("field", "v", "query_k", 3), "[diffusion build] unknown field [query_k]" } };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) c[0];
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
                () -> BuildOfflineDiffusionAction.KIND.request("photos", body));
            assertThat(body.toString(), e.getMessage(), containsString((String) c[1]));
        }
    }
}
