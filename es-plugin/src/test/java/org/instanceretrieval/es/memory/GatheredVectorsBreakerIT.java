package org.instanceretrieval.es.memory;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * Vectors gathered onto one node (the DBA job, whitening {@code _learn}, the {@code exact} evaluation engine) are charged to
 * the {@code retrieval} breaker as they are read. 300 vectors of 32 floats need at least 300 x 128 = 38,400 bytes of floats
 * alone (counted by hand), so under a 16 KB limit each of the three answers 429 naming its allocation and the setting, and
 * the breaker holds 0 bytes afterwards on every node; under the default limit the same requests succeed.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class GatheredVectorsBreakerIT extends RetrievalIntegTestCase {

    private static final int COUNT = 300;
    private static final int DIMS = 32;

    private void indexVectors(String index) {
        assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
            .setMapping("{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\"}, "
                + "\"t\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\"}}}"));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < COUNT; i++) {
            float[] v = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                v[j] = (float) random().nextGaussian();
            }
            bulk.add(client().prepareIndex(index).setId("d" + i).setSource("v", v));
        }
        var response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
    }

    private static void assert429(RestClient client, String method, String path, String body, String allocation) {
        ResponseException e = failure(client, method, path, body);
        assertEquals(e.getMessage(), 429, status(e));
        assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
        assertThat(e.getMessage(), containsString(allocation));
        assertThat(e.getMessage(), containsString("breaker.retrieval.limit"));
    }

    public void testDbaLearnAndExactEvaluationAreChargedAndReleased() throws Exception {
        String[] nodes = twoNodes();
        indexVectors("gathered");
        StringBuilder classes = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            classes.append(i == 0 ? "" : ", ").append("\"d").append(i).append("\": \"c").append(i % 10).append("\"");
        }
        String dba = "{\"field\": \"v\", \"target_field\": \"t\", \"n\": 5}";
        String learn = "{\"method\": \"pca\", \"index\": \"gathered\", \"field\": \"v\"}";
        String eval = "{\"ground_truth\": \"gathered-gt\", \"field\": \"v\", \"engine\": \"exact\"}";
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/ground_truth/gathered-gt",
                "{\"format\": \"json\", \"protocol\": \"gpr1200\", \"data\": {\"classes\": {" + classes + "}}}");
            RetrievalBreakerIT.setLimit(a, "16kb");
            try {
                assert429(b, "POST", "/gathered/_retrieval/dba", dba, "vectors of [v] gathered from index [gathered]");
                assertEquals(0, RetrievalBreakerIT.used());
                assert429(a, "POST", "/_retrieval/whitening/gathered-pca/_learn", learn, "vectors of [v] gathered from index [gathered]");
                assertEquals(0, RetrievalBreakerIT.used());
                assert429(b, "POST", "/gathered/_retrieval_eval", eval, "read for evaluation");
                assertEquals(0, RetrievalBreakerIT.used());
            } finally {
                RetrievalBreakerIT.setLimit(a, null);
            }
            // a 400 found after the documents were read releases them too ([t] has no vector before the DBA job)
            ResponseException noVectors = failure(b, "POST", "/gathered/_retrieval_eval",
                "{\"ground_truth\": \"gathered-gt\", \"field\": \"t\", \"engine\": \"exact\"}");
            assertEquals(400, status(noVectors));
            assertEquals(0, RetrievalBreakerIT.used());
            Map<String, Object> done = call(b, "POST", "/gathered/_retrieval/dba", dba);
            assertEquals("done", done.get("state"));
            call(a, "POST", "/_retrieval/whitening/gathered-pca/_learn", learn);
            Map<String, Object> evaluated = call(b, "POST", "/gathered/_retrieval_eval", eval);
            assertEquals("exact", evaluated.get("engine"));
            assertEquals(0, RetrievalBreakerIT.used());
        }
    }
}
