package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * Offline diffusion over real HTTP on a three-shard index: {@code POST {index}/_retrieval/diffusion/_build}
 * (waiting, and as a task), the {@code diffusion} retriever scoring its window from the stored
 * rows exactly as the independent dense offline diffusion of {@link BruteForce#offlineScores}
 * computed here on the same vectors, documents
 * indexed after the build (offline true fails, auto diffuses online), and bad input (400).
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class OfflineDiffusionIT extends ClusteredVectorsIntegTestCase {

    private static final String INDEX = "offline-three";
    private static final int DOCS = 90;

    @Before
    public void indexClusteredVectors() {
        clusteredVectors(DOCS, 4);
        indexVectors(INDEX, 3);
        ensureGreen(INDEX);
    }

    private static String inner(float[] q) {
        return "{\"standard\": {\"query\": {\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": " + json(q)
            + ", \"k\": 1000, \"exact\": true}}}}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private static Map<String, Object> search(String body) throws IOException {
        return call(getRestClient(), "POST", "/" + INDEX + "/_search", body);
    }

    public void testRetrieverScoresTheWindowFromTheStoredBuild() throws Exception {
        int k = between(3, 12);
        double gamma = randomFrom(1.0, 3.0);
        double alpha = randomFrom(0.9, 0.99);
        int nTrunc = between(5, 40);
        Map<String, Object> built = call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build", String.format(Locale.ROOT,
            "{\"field\": \"v\", \"k\": %d, \"gamma\": %s, \"alpha\": %s, \"n_trunc\": %d}", k, gamma, alpha, nTrunc));
        assertEquals(INDEX, built.get("index"));
        assertEquals(DOCS, built.get("items"));
        assertEquals(DOCS * nTrunc, ((Number) built.get("stored_entries")).intValue());
        assertEquals(0, built.get("docs_without_field"));

        String[] ids = new String[DOCS];
        for (int i = 0; i < DOCS; i++) {
            ids[i] = Integer.toString(i);
        }
        Arrays.sort(ids);
        float[][] byId = new float[DOCS][];
        int[] nodeOfDoc = new int[DOCS];
        for (int node = 0; node < DOCS; node++) {
            byId[node] = vectors[Integer.parseInt(ids[node])];
            nodeOfDoc[Integer.parseInt(ids[node])] = node;
        }

        float[] q = randomQuery();
        int window = between(20, 60);
        int queryK = between(1, 10);
        List<Map<String, Object>> firstPass = hits(search("{\"size\": " + window + ", \"_source\": false, \"retriever\": " + inner(q) + "}"));
        // y over the window: the query_k most similar window items (similarity descending, window order), max(s, 0)^gamma
        float[][] windowVectors = new float[window][];
        for (int i = 0; i < window; i++) {
            windowVectors[i] = vectors[Integer.parseInt((String) firstPass.get(i).get("_id"))];
        }
        int[] nearest = BruteForce.nearest(windowVectors, q, queryK, -1);
        int[] rows = new int[nearest.length];
        double[] weights = new double[nearest.length];
        for (int t = 0; t < nearest.length; t++) {
            rows[t] = nodeOfDoc[Integer.parseInt((String) firstPass.get(nearest[t]).get("_id"))];
            double s = BruteForce.dot(q, windowVectors[nearest[t]]);
            weights[t] = s > 0 ? Math.pow(s, gamma) : 0;
        }
        // the offline rows over all documents in _id order (the build's node order), CG with tolerance 1e-6 and 20 iterations
        double[] all = BruteForce.offlineScores(byId, k, gamma, alpha, nTrunc, 1e-6, 20, rows, weights);
        double[] f = new double[window];
        for (int i = 0; i < window; i++) {
            f[i] = all[nodeOfDoc[Integer.parseInt((String) firstPass.get(i).get("_id"))]];
        }
        int[] ranking = BruteForce.rank(f);

        List<Map<String, Object>> diffused = hits(search(String.format(Locale.ROOT, """
            {"size": %d, "_source": false, "retriever": {"diffusion": {"retriever": %s, "field": "v", "rank_window_size": %d,
             "k": %d, "gamma": %s, "alpha": %s, "query_k": %d, "offline": "true"}}}""", window, inner(q), window, k, gamma, alpha, queryK)));
        assertEquals(window, diffused.size());
        List<Object> expectedIds = new ArrayList<>();
        for (int r = 0; r < window; r++) {
            expectedIds.add(firstPass.get(ranking[r]).get("_id"));
        }
        assertEquals(expectedIds, diffused.stream().map(h -> h.get("_id")).toList());
        for (int r = 0; r < window; r++) {
            double want = Math.max(f[ranking[r]], 0);
            assertEquals("rank " + r, want, ((Number) diffused.get(r).get("_score")).doubleValue(), 1e-6 * Math.max(1, want));
        }

        // Other k than the build's: offline true is a 400, auto diffuses online (equal to offline false).
        String otherK = "{\"size\": 10, \"_source\": false, \"retriever\": {\"diffusion\": {\"retriever\": " + inner(q)
            + ", \"field\": \"v\", \"rank_window_size\": 20, \"k\": " + (k + 1) + ", \"gamma\": " + gamma + ", \"alpha\": " + alpha
            + ", \"offline\": \"%s\"}}}";
        ResponseException e = expectThrows(ResponseException.class, () -> search(String.format(Locale.ROOT, otherK, "true")));
        assertEquals(400, status(e));
        assertThat(e.getMessage(), containsString("has k [" + k + "]"));
        assertEquals(hits(search(String.format(Locale.ROOT, otherK, "false"))), hits(search(String.format(Locale.ROOT, otherK, "auto"))));
    }

    @SuppressWarnings("unchecked")
    public void testBuildAsATaskAndDocumentsIndexedLater() throws Exception {
        Map<String, Object> started = call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build?wait_for_completion=false",
            "{\"field\": \"v\", \"k\": 5, \"n_trunc\": 20}");
        String task = (String) started.get("task");
        assertNotNull(task);
        Map<String, Object> finished = call(getRestClient(), "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=60s", null);
        assertEquals(Boolean.TRUE, finished.get("completed"));
        assertEquals(DOCS, ((Map<String, Object>) finished.get("response")).get("items"));

        float[] q = randomQuery();
        String body = "{\"size\": 30, \"_source\": false, \"retriever\": {\"diffusion\": {\"retriever\": " + inner(q)
            + ", \"field\": \"v\", \"rank_window_size\": 30, \"k\": 5, \"offline\": \"%s\"}}}";
        assertEquals(30, hits(search(String.format(Locale.ROOT, body, "true"))).size());

        // A document indexed after the build, equal to the query: it is in every window.
        client().prepareIndex(INDEX).setId("later").setSource(Map.of("tag", "later", "v", q))
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        ResponseException e = expectThrows(ResponseException.class, () -> search(String.format(Locale.ROOT, body, "true")));
        assertEquals(400, status(e));
        assertThat(e.getMessage(), containsString("document [later] of the window was indexed after the offline diffusion build"));
        assertEquals(hits(search(String.format(Locale.ROOT, body, "false"))), hits(search(String.format(Locale.ROOT, body, "auto"))));
    }

    public void testBadInputIs400() throws IOException {
        String[][] cases = {
            { "{\"field\": \"missing\"}", "[field] [missing] is not mapped in index [offline-three]" },
            { "{\"field\": \"tag\"}", "[field] [tag] of index [offline-three] is of type [keyword], not [dense_vector]" },
            { "{\"field\": \"v\", \"n_trunc\": 0}", "[diffusion build] [n_trunc] must be in [1, 10000] but was [0]" },
            { "{\"field\": \"v\", \"k\": 0}", "[diffusion build] [k] must be in [1, 10000] but was [0]" },
            { "{\"field\": \"v\", \"alpha\": 1}", "[diffusion build] [alpha] must be in (0, 1)" },
            { "{\"field\": \"v\", \"nope\": 1}", "[diffusion build] unknown field [nope]" },
            { "{}", "[diffusion build] requires [field]" } };
        for (String[] c : cases) {
            ResponseException e = failure(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build", c[0]);
            assertEquals(c[0] + ": " + e.getMessage(), 400, status(e));
            assertThat(c[0], e.getMessage(), containsString(c[1]));
        }
        ResponseException unknown = failure(getRestClient(), "POST", "/nope/_retrieval/diffusion/_build", "{\"field\": \"v\"}");
        assertEquals(404, status(unknown));
        assertThat(unknown.getMessage(), containsString("index_not_found_exception"));
        assertThat(unknown.getMessage(), containsString("no such index [nope]"));

        // offline true without a build of this index and field
        float[] q = randomQuery();
        ResponseException noBuild = expectThrows(ResponseException.class, () -> search("{\"retriever\": {\"diffusion\": {\"retriever\": "
            + inner(q) + ", \"field\": \"v\", \"offline\": \"true\"}}}"));
        assertEquals(400, status(noBuild));
        assertThat(noBuild.getMessage(), containsString("has no offline diffusion build"));
    }
}
