package org.instanceretrieval.es.rescore;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The {@code k_reciprocal} rescorer on a two-shard index in a cluster of two data nodes, over real HTTP: each shard's rescored
 * window (searched alone with {@code preference=_shards:<s>}) ranks and scores as {@link KReciprocalBruteForce} computed here on
 * that shard's window vectors; the search of both shards merges those per-shard results by score; bad options are 400s; a
 * window over the {@code retrieval} breaker is a 429 and nothing stays charged.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class KReciprocalRescorerIT extends RetrievalIntegTestCase {

    private static final String INDEX = "k-reciprocal-two-shards";
    private static final int DOCS = 160;
    private static final int DIMS = 8;

    private float[][] vectors;

    private void indexClusteredVectors() {
        float[][] centres = new float[5][DIMS];
        for (float[] c : centres) {
            for (int j = 0; j < DIMS; j++) {
                c[j] = (float) random().nextGaussian();
            }
        }
        vectors = new float[DOCS][DIMS];
        for (int i = 0; i < DOCS; i++) {
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = centres[i % centres.length][j] + 0.4f * (float) random().nextGaussian();
            }
            BruteForce.l2InPlace(vectors[i]); // indexed as they are (dot_product): the brute force reads the same floats
        }
        String mapping = "{\"properties\": {\"tag\": {\"type\": \"keyword\"}, \"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS
            + ", \"similarity\": \"dot_product\"}}}";
        assertAcked(prepareCreate(INDEX).setSettings(indexSettings(2, 0)).setMapping(mapping));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(i)).setSource(Map.of("tag", "t" + i, "v", vectors[i])));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(INDEX);
    }

    private static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }

    private static String mainQuery(float[] q) {
        return "{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS + ", \"exact\": true}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private Map<String, Object> search(String query, String body) throws IOException {
        return call(getRestClient(), "POST", "/" + INDEX + "/_search" + query, body);
    }

    private static String rescored(float[] q, int size, int window, String options) {
        return "{\"size\": " + size + ", \"_source\": false, \"query\": " + mainQuery(q) + ", \"rescore\": {\"window_size\": " + window
            + ", \"k_reciprocal\": {\"field\": \"v\", \"query_vector\": " + json(q) + options + "}}}";
    }

    public void testEachShardsWindowEqualsTheBruteForceAndTheSearchMergesThem() throws IOException {
        indexClusteredVectors();
        float[] q = vectors[random().nextInt(DOCS)].clone();
        for (int j = 0; j < DIMS; j++) {
            q[j] += 0.3f * (float) random().nextGaussian();
        }
        BruteForce.l2InPlace(q);
        int window = between(25, 60);
        int k1 = randomFrom(20, between(2, 30));
        int k2 = randomFrom(6, between(1, 10));
        double lambda = randomFrom(0.3, randomDoubleBetween(0, 1, true));
        String options = String.format(Locale.ROOT, ", \"k1\": %d, \"k2\": %d, \"lambda\": %s", k1, k2, lambda);
        Map<String, Float> perShardScores = new HashMap<>();
        for (int shard = 0; shard < 2; shard++) {
            String preference = "?preference=_shards:" + shard;
            List<Map<String, Object>> firstPass = hits(search(preference, "{\"size\": " + window + ", \"_source\": false, \"query\": "
                + mainQuery(q) + "}"));
            float[][] windowVectors = new float[firstPass.size()][];
            for (int i = 0; i < windowVectors.length; i++) {
                windowVectors[i] = vectors[Integer.parseInt((String) firstPass.get(i).get("_id"))];
            }
            double[] expected = KReciprocalBruteForce.finalDistances(q, windowVectors, k1, k2, lambda);
            int[] ranking = KReciprocalBruteForce.rank(expected);
            List<Map<String, Object>> rescored = hits(search(preference, rescored(q, window + 10, window, options)));
            assertEquals("hits after the window are dropped", firstPass.size(), rescored.size());
            for (int r = 0; r < ranking.length; r++) {
                String message = "shard " + shard + " window " + window + " k1 " + k1 + " k2 " + k2 + " lambda " + lambda + " rank " + r;
                assertEquals(message, firstPass.get(ranking[r]).get("_id"), rescored.get(r).get("_id"));
                float score = ((Number) rescored.get(r).get("_score")).floatValue();
                assertEquals(message, 1 / (1 + expected[ranking[r]]), score, 1e-6);
                perShardScores.put((String) rescored.get(r).get("_id"), score);
            }
        }
        // both shards: every shard's rescored window, merged by score
        List<Map<String, Object>> merged = hits(search("", rescored(q, 2 * window, window, options)));
        assertEquals(perShardScores.size(), merged.size());
        float previous = Float.MAX_VALUE;
        for (Map<String, Object> hit : merged) {
            float score = ((Number) hit.get("_score")).floatValue();
            assertEquals(perShardScores.get((String) hit.get("_id")), score, 0f);
            assertTrue(score <= previous);
            previous = score;
        }
        assertRetrievalBreakerEmpty();
    }

    public void testBadInputIs400() throws IOException {
        indexClusteredVectors();
        String q = json(vectors[0]);
        String[][] cases = {
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"k1\": 0", "[k_reciprocal] [k1] must be in [1, 10000] but was [0]" },
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"k2\": -3", "[k_reciprocal] [k2] must be in [1, 10000] but was [-3]" },
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"lambda\": 2", "[k_reciprocal] [lambda] must be in [0, 1] but was [2.0]" },
            { "\"field\": \"missing\", \"query_vector\": " + q, "[k_reciprocal] field [missing] does not exist" },
            { "\"field\": \"tag\", \"query_vector\": " + q, "field [tag] is of type [keyword], not [dense_vector]" },
            { "\"field\": \"v\", \"query_vector\": [1.0, 0.0]", "different number of dimensions [2] than the document vectors [8]" } };
        for (String[] c : cases) {
            String body = "{\"query\": {\"match_all\": {}}, \"rescore\": {\"window_size\": 10, \"k_reciprocal\": {" + c[0] + "}}}";
            ResponseException e = expectThrows(ResponseException.class, () -> search("", body));
            assertEquals(c[0], 400, status(e));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
    }

    public void testWindowOverTheRetrievalBreakerIs429AndReleasesEverything() throws IOException {
        indexClusteredVectors();
        call(getRestClient(), "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": \"20kb\"}}");
        try {
            // 81 points: 8 x 81^2 bytes of distances alone is over 20 kB
            ResponseException e = expectThrows(ResponseException.class, () -> search("", rescored(vectors[1], 80, 80, "")));
            assertEquals(429, status(e));
            assertThat(e.getMessage(), containsString("circuit_breaking_exception"));
            assertThat(e.getMessage(), containsString("<k_reciprocal window of 80 x 8, k1 20, k2 6>"));
            assertThat(e.getMessage(), containsString("breaker.retrieval.limit"));
            // a small window fits
            assertEquals(5, hits(search("", rescored(vectors[1], 5, 5, ""))).size());
        } finally {
            call(getRestClient(), "PUT", "/_cluster/settings", "{\"persistent\": {\"breaker.retrieval.limit\": null}}");
        }
        assertRetrievalBreakerEmpty();
    }

    @SuppressWarnings("unchecked")
    private void assertRetrievalBreakerEmpty() throws IOException {
        Map<String, Object> nodes = (Map<String, Object>) call(getRestClient(), "GET", "/_nodes/stats/breaker", null).get("nodes");
        for (Object node : nodes.values()) {
            Map<String, Object> breaker = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) node).get("breakers"))
                .get("retrieval");
            assertEquals(0, ((Number) breaker.get("estimated_size_in_bytes")).longValue());
        }
    }
}
