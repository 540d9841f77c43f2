package org.instanceretrieval.es.diffusion;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * The {@code diffusion} rescorer on a one-shard index in a cluster of two data nodes, over real
 * HTTP: the rescored window ranks and scores exactly as the independent dense diffusion of {@link BruteForce#diffusion} computed
 * here on the same window vectors (the window being the main query's top hits, an exact
 * {@code retrieval_knn}); bad input is a 400 naming the problem.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class DiffusionRescorerIT extends ClusteredVectorsIntegTestCase {

    private static final String INDEX = "diffusion-one-shard";
    private static final int DOCS = 90;
    private static final int CLUSTERS = 4;

    @Before
    public void indexClusteredVectors() {
        clusteredVectors(DOCS, CLUSTERS);
        indexVectors(INDEX, 1);
        ensureGreen(INDEX);
    }

    private static String mainQuery(float[] q, int k) {
        return "{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q) + ", \"k\": " + k + ", \"exact\": true}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private Map<String, Object> search(String body) throws IOException {
        return call(getRestClient(), "POST", "/" + INDEX + "/_search", body);
    }

    public void testRescoredWindowEqualsBruteForceDiffusionOnTheWindow() throws IOException {
        int window = between(20, 60);
        int k = between(3, 15);
        double gamma = randomFrom(1.0, 3.0);
        double alpha = randomFrom(0.9, 0.99);
        int queryK = between(1, 10);
        int maxIterations = between(5, 30);
        double tolerance = randomFrom(1e-6, 1e-3);
        float[] q = randomQuery();

        // The window: the main query's top hits, in first-pass order.
        List<Map<String, Object>> firstPass = hits(search("{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q, DOCS) + "}"));
        assertEquals(window, firstPass.size());
        float[][] windowVectors = new float[window][];
        for (int i = 0; i < window; i++) {
            windowVectors[i] = vectors[Integer.parseInt((String) firstPass.get(i).get("_id"))];
        }
        double[] f = BruteForce.diffusion(windowVectors, q, k, gamma, queryK, alpha, tolerance, maxIterations);
        int[] ranking = BruteForce.rank(f);

        String body = String.format(Locale.ROOT, """
            {"size": %d, "_source": false, "query": %s, "rescore": {"window_size": %d, "diffusion": {"field": "v", "query_vector": %s,
             "k": %d, "gamma": %s, "alpha": %s, "query_k": %d, "max_iterations": %d, "tolerance": %s}}}""",
            window, mainQuery(q, DOCS), window, json(q), k, gamma, alpha, queryK, maxIterations, tolerance);
        List<Map<String, Object>> rescored = hits(search(body));
        assertEquals(window, rescored.size());
        List<String> expectedIds = new ArrayList<>();
        List<String> actualIds = new ArrayList<>();
        for (int r = 0; r < window; r++) {
            expectedIds.add((String) firstPass.get(ranking[r]).get("_id"));
            actualIds.add((String) rescored.get(r).get("_id"));
        }
        assertEquals("window " + window + " k " + k + " query_k " + queryK, expectedIds, actualIds);
        for (int r = 0; r < window; r++) {
            float want = (float) f[ranking[r]];
            float got = ((Number) rescored.get(r).get("_score")).floatValue();
            assertEquals("rank " + r, want, got, 1e-6f * Math.max(1f, Math.abs(want)));
        }
    }

    public void testDefaultsEqualTheReferenceDefaults() throws IOException {
        float[] q = randomQuery();
        int window = 70;
        List<Map<String, Object>> firstPass = hits(search("{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q, DOCS) + "}"));
        float[][] windowVectors = new float[window][];
        for (int i = 0; i < window; i++) {
            windowVectors[i] = vectors[Integer.parseInt((String) firstPass.get(i).get("_id"))];
        }
        // the definitions' defaults: k 50, gamma 3, query_k 10, alpha 0.99, tolerance 1e-6, 20 iterations
        int[] ranking = BruteForce.rank(BruteForce.diffusion(windowVectors, q, 50, 3, 10, 0.99, 1e-6, 20));
        List<Map<String, Object>> rescored = hits(search("{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q, DOCS)
            + ", \"rescore\": {\"window_size\": " + window + ", \"diffusion\": {\"field\": \"v\", \"query_vector\": " + json(q) + "}}}"));
        for (int r = 0; r < window; r++) {
            assertEquals("rank " + r, firstPass.get(ranking[r]).get("_id"), rescored.get(r).get("_id"));
        }
    }

    public void testHitsAfterTheWindowAreDropped() throws IOException {
        float[] q = randomQuery();
        int window = between(3, 12);
        List<Map<String, Object>> firstPass = hits(search("{\"size\": " + window + ", \"_source\": false, \"query\": " + mainQuery(q, DOCS) + "}"));
        List<Map<String, Object>> rescored = hits(search("{\"size\": 30, \"_source\": false, \"query\": " + mainQuery(q, DOCS)
            + ", \"rescore\": {\"window_size\": " + window + ", \"diffusion\": {\"field\": \"v\", \"query_vector\": " + json(q) + "}}}"));
        assertEquals(window, rescored.size());
        // The same documents as the first pass's window, in another order maybe.
        assertEquals(firstPass.stream().map(h -> h.get("_id")).sorted().toList(), rescored.stream().map(h -> h.get("_id")).sorted().toList());
    }

    public void testBadInputIs400() {
        String q = json(randomQuery());
        String[][] cases = {
            { "\"field\": \"missing\", \"query_vector\": " + q, "field [missing] does not exist" },
            { "\"field\": \"tag\", \"query_vector\": " + q, "field [tag] is of type [keyword], not [dense_vector]" },
            { "\"field\": \"v\", \"query_vector\": [1.0, 0.0]", "different number of dimensions [2] than the document vectors [8]" },
            { "\"field\": \"v\", \"query_vector\": [1, \"NaN\", 0, 0, 0, 0, 0, 0]", "[query_vector] must be finite" },
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"k\": 0", "[k] must be in [1, 10000]" },
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"alpha\": 1", "[alpha] must be in (0, 1)" },
            { "\"field\": \"v\", \"query_vector\": " + q + ", \"tolerance\": 0", "[tolerance] must be finite and > 0" } };
        for (String[] c : cases) {
            String body = "{\"query\": {\"match_all\": {}}, \"rescore\": {\"window_size\": 10, \"diffusion\": {" + c[0] + "}}}";
            ResponseException e = expectThrows(ResponseException.class, () -> search(body));
            assertEquals(c[0], 400, status(e));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
    }
}
