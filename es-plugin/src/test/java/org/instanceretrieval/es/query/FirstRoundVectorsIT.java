package org.instanceretrieval.es.query;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.junit.Before;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The first round of {@code retrieval_knn}'s expansion reads the hits' vectors from the index, not
 * from {@code _source}: in an index of two shards whose {@code _source} excludes the vector fields,
 * {@code query_set} (dot_product) and AQE (dot_product) answer what a short loop over the vectors
 * gives; AQE on a {@code cosine} field still reads {@code _source} (its index holds the normalised
 * vectors) and says so.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class FirstRoundVectorsIT extends RetrievalIntegTestCase {

    private static final int DOCS = 300;
    private static final int DIMS = 16;
    private static final String INDEX = "no-source-vectors";

    private float[][] vectors;

    @Before
    public void indexVectors() {
        vectors = new float[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            float[] v = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                v[j] = (float) random().nextGaussian();
            }
            vectors[i] = BruteForce.l2(v);
        }
        String mapping = "{\"_source\": {\"excludes\": [\"v\", \"v_cos\"]}, \"properties\": {"
            + "\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\", \"index_options\": {\"type\": \"flat\"}}, "
            + "\"v_cos\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\"}, \"n\": {\"type\": \"integer\"}}}";
        assertAcked(prepareCreate(INDEX).setSettings(indexSettings(2, 0)).setMapping(mapping));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(i)).setSource(Map.of("v", vectors[i], "v_cos", vectors[i], "n", i)));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(INDEX);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    /** Document numbers by descending score (ties by number). */
    private static Integer[] order(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        return order;
    }

    private float[] query() {
        float[] q = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            q[j] = (float) random().nextGaussian();
        }
        return BruteForce.l2(q);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    public void testQuerySetReadsThePoolFromTheIndex() throws Exception {
        float[] q = query();
        int pool = 40;
        // the definition with one iteration of top_k 1 and avg: Q = {q, p1} (p1 the best pool item), s_set = mean over Q
        double[] first = new double[DOCS];
        for (int i = 0; i < DOCS; i++) {
            first[i] = dot(q, vectors[i]);
        }
        Integer[] firstOrder = order(first);
        int p1 = firstOrder[0];
        double[] set = new double[pool];
        for (int r = 0; r < pool; r++) {
            int i = firstOrder[r];
            set[r] = (dot(vectors[i], q) + dot(vectors[i], vectors[p1])) / 2;
        }
        Integer[] poolOrder = order(set);
        String body = "{\"size\": 10, \"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + Arrays.toString(q)
            + ", \"k\": 10, \"exact\": true, \"expansion\": {\"method\": \"query_set\", \"pool\": " + pool + ", \"k\": 1, \"iterations\": 1}}}}";
        try (RestClient client = clientOf(twoNodes()[0])) {
            List<Map<String, Object>> hits = hits(call(client, "POST", "/" + INDEX + "/_search", body));
            assertEquals(10, hits.size());
            for (int r = 0; r < 10; r++) {
                int expected = firstOrder[poolOrder[r]];
                assertEquals("rank " + r, Integer.toString(expected), hits.get(r).get("_id"));
                assertEquals("score at " + r, (1 + set[poolOrder[r]]) / 2, ((Number) hits.get(r).get("_score")).doubleValue(), 1e-6);
            }
        }
    }

    public void testAqeReadsTheHitsFromTheIndex() throws Exception {
        float[] q = query();
        int n = 3;
        double[] first = new double[DOCS];
        for (int i = 0; i < DOCS; i++) {
            first[i] = dot(q, vectors[i]);
        }
        Integer[] firstOrder = order(first);
        double[] e = new double[DIMS];
        for (int j = 0; j < DIMS; j++) {
            e[j] = q[j];
            for (int r = 0; r < n; r++) {
                e[j] += vectors[firstOrder[r]][j];
            }
        }
        double norm = Math.sqrt(Arrays.stream(e).map(x -> x * x).sum());
        double[] second = new double[DOCS];
        for (int i = 0; i < DOCS; i++) {
            for (int j = 0; j < DIMS; j++) {
                second[i] += e[j] / norm * vectors[i][j];
            }
        }
        Integer[] secondOrder = order(second);
        String body = "{\"size\": 5, \"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + Arrays.toString(q)
            + ", \"k\": 5, \"exact\": true, \"expansion\": {\"method\": \"aqe\", \"n\": " + n + "}}}}";
        try (RestClient client = clientOf(twoNodes()[0])) {
            List<Map<String, Object>> hits = hits(call(client, "POST", "/" + INDEX + "/_search", body));
            assertEquals(5, hits.size());
            for (int r = 0; r < 5; r++) {
                assertEquals("rank " + r, Integer.toString(secondOrder[r]), hits.get(r).get("_id"));
                assertEquals("score at " + r, (1 + second[secondOrder[r]]) / 2, ((Number) hits.get(r).get("_score")).doubleValue(), 1e-5);
            }
        }
    }

    public void testAqeOnACosineFieldStillNeedsTheSource() throws Exception {
        String body = "{\"query\": {\"retrieval_knn\": {\"field\": \"v_cos\", \"query_vector\": " + Arrays.toString(query())
            + ", \"k\": 5, \"expansion\": {\"method\": \"aqe\", \"n\": 2}}}}";
        try (RestClient client = clientOf(twoNodes()[0])) {
            ResponseException e = failure(client, "POST", "/" + INDEX + "/_search", body);
            assertEquals(400, status(e));
            assertThat(e.getMessage(), containsString("has no [v_cos] in _source"));
        }
    }
}
