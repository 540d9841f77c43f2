package org.instanceretrieval.es.memory;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.es.ingest.ImageDescriptorIT;

import java.util.Base64;

import static org.hamcrest.Matchers.containsString;

/**
 * The {@code retrieval} breaker in front of image decoding, in a test cluster. A 64 x 48 RGB PNG needs
 * 64 * 48 * 19 = 58,368 bytes to decode (3-byte raster, 4-byte samples, 12 bytes of floats per pixel,
 * counted by hand): under a 50 KB (51,200 byte) limit its document answers 429 and the breaker holds 0
 * bytes afterwards on every node; under the default limit it is indexed.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class RetrievalBreakerIT extends RetrievalIntegTestCase {

    /** Sets (or, with null, resets) {@code breaker.retrieval.limit} of the cluster. */
    static void setLimit(RestClient client, String value) throws Exception {
        call(client, "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": "
            + (value == null ? "null" : "\"" + value + "\"") + "}}");
    }

    /** The bytes the retrieval breakers of every node hold. */
    static long used() {
        long used = 0;
        for (CircuitBreakerService service : internalCluster().getInstances(CircuitBreakerService.class)) {
            CircuitBreaker breaker = service.getBreaker(RetrievalBreaker.NAME);
            used += breaker.getUsed();
        }
        return used;
    }

    public void testAnImageOverTheLimitIs429AndTheBreakerIsEmptyAfterwards() throws Exception {
        String[] nodes = twoNodes();
        byte[] png = ImageDescriptorIT.encode(ImageDescriptorIT.pattern(64, 48, 1), "png");
        String doc = "{\"image\": \"" + Base64.getEncoder().encodeToString(png) + "\"}";
        try (RestClient client = clientOf(nodes[0])) {
            call(client, "PUT", "/_ingest/pipeline/breaker-describe",
                "{\"processors\": [{\"image_descriptor\": {\"field\": \"image\", \"target_field\": \"v\", \"model_id\": \"filter_bank\"}}]}");
            setLimit(client, "50kb");
            try {
                ResponseException e = failure(client, "PUT", "/breaker-idx/_doc/1?pipeline=breaker-describe", doc);
                assertEquals(429, status(e));
                assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
                assertThat(e.getMessage(), containsString("decoding a 64x48 PNG image"));
                assertThat(e.getMessage(), containsString("breaker.retrieval.limit"));
            } finally {
                setLimit(client, null);
            }
            assertEquals(0, used());
            call(client, "PUT", "/breaker-idx/_doc/1?pipeline=breaker-describe&refresh=true", doc);
            assertEquals(0, used());
        }
    }
}
