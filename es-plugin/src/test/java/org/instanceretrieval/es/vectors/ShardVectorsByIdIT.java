package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.common.breaker.CircuitBreakingException;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.es.memory.RetrievalBreaker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * {@link ShardVectorsByIdAction} on a 2-node cluster and a 3-shard index: asked for every id (plus deleted, vector-less and
 * unknown ones) on each shard, the union of what the shards find is exactly the live documents with a vector, each found once,
 * in request order, with the vector that was indexed (max_inner_product keeps vectors as given); everything else is missing.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class ShardVectorsByIdIT extends RetrievalIntegTestCase {

    private static final int DIMS = 5;

    public void testReadsTheIndexedVectorsOfTheRequestedIdsShardByShard() throws Exception {
        assertAcked(prepareCreate("byid").setSettings(Settings.builder().put("index.number_of_shards", 3).put("index.number_of_replicas", 0))
            .setMapping("{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS
                + ", \"similarity\": \"max_inner_product\"}, \"other\": {\"type\": \"keyword\"}}}"));
        Map<String, float[]> expected = new HashMap<>();
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < 60; i++) {
            String id = "doc-" + i;
            if (i % 10 == 3) {
                bulk.add(client().prepareIndex("byid").setId(id).setSource("other", "no vector"));
                continue;
            }
            float[] v = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                v[j] = (float) random().nextGaussian();
            }
            bulk.add(client().prepareIndex("byid").setId(id).setSource("v", v));
            expected.put(id, v);
        }
        BulkResponse response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
        for (String deleted : List.of("doc-5", "doc-17")) {
            client().prepareDelete("byid", deleted).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
            expected.remove(deleted);
        }
        List<String> requested = new ArrayList<>();
        for (int i = 59; i >= 0; i--) {
            requested.add("doc-" + i); // descending: request order differs from any index order
        }
        requested.add("never-indexed");
        String[] ids = requested.toArray(String[]::new);

        Map<String, float[]> seen = new HashMap<>();
        for (int shard = 0; shard < 3; shard++) {
            ShardVectorsByIdAction.Result r = client().execute(ShardVectorsByIdAction.INSTANCE,
                ShardVectorsByIdAction.INSTANCE.request("byid", shard, "v", new ShardVectorsByIdAction.Params(ids))).get().result();
            assertEquals(r.found().length + r.missing().length, ids.length);
            assertInRequestOrder(requested, r.found());
            assertInRequestOrder(requested, r.missing());
            for (int f = 0; f < r.found().length; f++) {
                assertEquals(DIMS, r.dims());
                float[] v = new float[DIMS];
                System.arraycopy(r.vectors(), f * DIMS, v, 0, DIMS);
                assertNull("found twice: " + r.found()[f], seen.put(r.found()[f], v));
            }
        }
        assertEquals(expected.keySet(), seen.keySet());
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            assertArrayEquals(e.getKey(), e.getValue(), seen.get(e.getKey()), 0f);
        }

        ElasticsearchStatusException notVector = expectThrows(ElasticsearchStatusException.class, () -> client().execute(
            ShardVectorsByIdAction.INSTANCE, ShardVectorsByIdAction.INSTANCE.request("byid", 0, "other", new ShardVectorsByIdAction.Params(ids))).actionGet());
        assertEquals(400, notVector.status().getStatus());
        assertThat(notVector.getMessage(), containsString("[other]"));
        assertThat(notVector.getMessage(), containsString("dense_vector"));

        updateClusterSettings(Settings.builder().put(RetrievalBreaker.LIMIT_SETTING, "100b"));
        try {
            CircuitBreakingException tripped = expectThrows(CircuitBreakingException.class, () -> client().execute(
                ShardVectorsByIdAction.INSTANCE, ShardVectorsByIdAction.INSTANCE.request("byid", 1, "v", new ShardVectorsByIdAction.Params(ids))).actionGet());
            assertThat(tripped.getMessage(), containsString("read by id"));
            assertThat(tripped.getMessage(), containsString(RetrievalBreaker.LIMIT_SETTING));
        } finally {
            updateClusterSettings(Settings.builder().putNull(RetrievalBreaker.LIMIT_SETTING));
        }
    }

    private static void assertInRequestOrder(List<String> requested, String[] subset) {
        for (int t = 1; t < subset.length; t++) {
            assertTrue(subset[t - 1] + " before " + subset[t], requested.indexOf(subset[t - 1]) < requested.indexOf(subset[t]));
        }
    }
}
