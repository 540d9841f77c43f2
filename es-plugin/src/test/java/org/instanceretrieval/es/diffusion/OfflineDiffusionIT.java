package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.StoredGraphBruteForce;
import org.instanceretrieval.es.graph.StoredGraphFixture;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import static org.hamcrest.Matchers.containsString;

/**
 * Offline diffusion rows stored per document over real HTTP, on a three-shard index (two nodes) whose neighbour graph
 * {@link StoredGraphFixture} wrote: {@code POST {index}/_retrieval/diffusion/_build} stores with every document the row
 * {@link StoredGraphBruteForce#offlineRow} computes independently (ids of T_i by value then id, values to 1e-6); the
 * {@code diffusion} retriever scores its window from the rows of the query's query_k nearest exactly as the dense sum of
 * those rows, with {@code scope: index} ranks the union of the rows; an index with required custom routing; a document
 * deleted since the graph was read (skipped); a build while another runs (409) and after it ended; documents indexed after the build (offline true
 * fails, auto diffuses online); bad input (400, 409).
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class OfflineDiffusionIT extends ClusteredVectorsIntegTestCase {

    private static final String INDEX = "offline-three";
    private static final int DOCS = 90;
    private static final int STORED_K = 15;

    private StoredGraphFixture graph;

    @Before
    public void indexClusteredVectors() {
        clusteredVectors(DOCS, 4);
        indexVectors(INDEX, 3);
        ensureGreen(INDEX);
        graph = StoredGraphFixture.of(vectors, STORED_K);
        graph.write(client(), INDEX, "v", STORED_K, GraphMarker.DONE);
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
        return search(INDEX, body);
    }

    private static Map<String, Object> search(String index, String body) throws IOException {
        return call(getRestClient(), "POST", "/" + index + "/_search", body);
    }

    /** Every document's stored row in {@code index}, read back from doc values. */
    @SuppressWarnings("unchecked")
    private static NeighbourList[] storedRows(String index) throws IOException {
        NeighbourList[] rows = new NeighbourList[DOCS];
        for (Map<String, Object> hit : hits(search(index, "{\"size\": " + DOCS + ", \"_source\": false, \"docvalue_fields\": "
            + "[\"retrieval_offline.v\"]}"))) {
            List<Object> values = (List<Object>) ((Map<String, Object>) hit.get("fields")).get("retrieval_offline.v");
            rows[Integer.parseInt((String) hit.get("_id"))] = NeighbourListCodec.decode(Base64.getDecoder().decode((String) values.get(0)));
        }
        return rows;
    }

    /**
     * Builds the rows of {@code index} with these options, checks the response and that every document's stored row is the
     * one {@link StoredGraphBruteForce#offlineRow} computes; returns those dense rows (NaN off the row).
     */
    private double[][] buildAndCheckRows(String index, int k, double gamma, double alpha, int nTrunc) throws IOException {
        Map<String, Object> built = call(getRestClient(), "POST", "/" + index + "/_retrieval/diffusion/_build", String.format(Locale.ROOT,
            "{\"field\": \"v\", \"k\": %d, \"gamma\": %s, \"alpha\": %s, \"n_trunc\": %d}", k, gamma, alpha, nTrunc));
        assertEquals(index, built.get("index"));
        assertEquals(DOCS, built.get("items"));
        assertEquals(DOCS * nTrunc, ((Number) built.get("stored_entries")).intValue());
        assertEquals("fixture:1", built.get("graph_task"));

        double[][] s = StoredGraphBruteForce.normalized(graph, vectors, k, gamma);
        double[][] expected = new double[DOCS][];
        NeighbourList[] rows = storedRows(index);
        for (int i = 0; i < DOCS; i++) {
            expected[i] = StoredGraphBruteForce.offlineRow(graph, s, i, nTrunc, alpha, 1e-6, 20);
            List<Integer> members = new ArrayList<>();
            for (int j = 0; j < DOCS; j++) {
                if (Double.isNaN(expected[i][j]) == false) {
                    members.add(j);
                }
            }
            double[] row = expected[i];
            members.sort((a, b) -> row[a] != row[b] ? Double.compare(row[b], row[a]) : Integer.toString(a).compareTo(Integer.toString(b)));
            assertEquals("row " + i, members.size(), rows[i].size());
            for (int t = 0; t < members.size(); t++) {
                assertEquals("row " + i + " rank " + t, Integer.toString(members.get(t)), rows[i].id(t));
                assertEquals("row " + i + " rank " + t, row[members.get(t)], rows[i].similarity(t), 1e-6);
            }
        }
        return expected;
    }

    public void testRowsAndRetrieverEqualTheDenseOfflineDiffusion() throws Exception {
        int k = between(3, STORED_K);
        double gamma = randomFrom(1.0, 3.0);
        double alpha = randomFrom(0.9, 0.99);
        double[][] expected = buildAndCheckRows(INDEX, k, gamma, alpha, between(2, STORED_K + 1));

        float[] q = randomQuery();
        int window = between(20, 60);
        int queryK = between(1, 10);
        List<Map<String, Object>> firstPass = hits(search("{\"size\": " + window + ", \"_source\": false, \"retriever\": " + inner(q) + "}"));
        float[][] windowVectors = new float[window][];
        for (int i = 0; i < window; i++) {
            windowVectors[i] = vectors[Integer.parseInt((String) firstPass.get(i).get("_id"))];
        }
        // f = sum over the query_k nearest window items t of max(s_t, 0)^gamma * row_t
        double[] all = new double[DOCS];
        boolean[] inRows = new boolean[DOCS];
        for (int t : BruteForce.nearest(windowVectors, q, queryK, -1)) {
            double st = BruteForce.dot(q, windowVectors[t]);
            double w = st > 0 ? Math.pow(st, gamma) : 0;
            double[] row = expected[Integer.parseInt((String) firstPass.get(t).get("_id"))];
            for (int j = 0; j < DOCS; j++) {
                all[j] += Double.isNaN(row[j]) ? 0 : w * row[j];
                inRows[j] |= Double.isNaN(row[j]) == false;
            }
        }
        double[] f = new double[window];
        for (int i = 0; i < window; i++) {
            f[i] = all[Integer.parseInt((String) firstPass.get(i).get("_id"))];
        }
        int[] ranking = BruteForce.rank(f);
        List<Map<String, Object>> diffused = hits(search(String.format(Locale.ROOT, """
            {"size": %d, "_source": false, "retriever": {"diffusion": {"retriever": %s, "field": "v", "rank_window_size": %d,
             "k": %d, "gamma": %s, "alpha": %s, "query_k": %d, "offline": "true"}}}""", window, inner(q), window, k, gamma, alpha, queryK)));
        assertEquals(window, diffused.size());
        for (int r = 0; r < window; r++) {
            assertEquals("rank " + r, firstPass.get(ranking[r]).get("_id"), diffused.get(r).get("_id"));
            double want = Math.max(f[ranking[r]], 0);
            assertEquals("rank " + r, want, ((Number) diffused.get(r).get("_score")).doubleValue(), 1e-6 * Math.max(1, want));
        }

        // scope index: the documents of the rows, ranked by the same sum (ties by _id)
        List<Integer> union = new ArrayList<>();
        for (Integer j : StoredGraphBruteForce.rank(all)) {
            if (inRows[j]) {
                union.add(j);
            }
        }
        List<Map<String, Object>> index = hits(search(String.format(Locale.ROOT, """
            {"size": 10, "_source": false, "retriever": {"diffusion": {"retriever": %s, "field": "v", "rank_window_size": 10,
             "scope": "index", "k": %d, "gamma": %s, "alpha": %s, "query_k": %d, "offline": "true"}}}""", inner(q), k, gamma, alpha,
            queryK)));
        assertEquals(Math.min(10, union.size()), index.size());
        for (int r = 0; r < index.size(); r++) {
            assertEquals("scope index rank " + r, Integer.toString(union.get(r)), index.get(r).get("_id"));
        }

        // Other k than the build's: offline true is a 400, auto diffuses online (equal to offline false).
        String otherK = "{\"size\": 10, \"_source\": false, \"retriever\": {\"diffusion\": {\"retriever\": " + inner(q)
            + ", \"field\": \"v\", \"rank_window_size\": 20, \"k\": " + (k == 3 ? 4 : k - 1) + ", \"gamma\": " + gamma + ", \"alpha\": "
            + alpha + ", \"offline\": \"%s\"}}}";
        ResponseException e = expectThrows(ResponseException.class, () -> search(String.format(Locale.ROOT, otherK, "true")));
        assertEquals(400, status(e));
        assertThat(e.getMessage(), containsString("have k [" + k + "]"));
        assertEquals(hits(search(String.format(Locale.ROOT, otherK, "false"))), hits(search(String.format(Locale.ROOT, otherK, "auto"))));
    }

    /**
     * An index whose routing is required, every document routed by a custom value (so not on the shard its id alone routes
     * to): the graph's lists are read with each document's routing and the rows are written with it.
     */
    public void testCustomRoutingIsKept() throws Exception {
        String routed = "offline-routed";
        IntFunction<String> routing = i -> "r" + (i % 7);
        indexVectors(routed, 3, routing);
        ensureGreen(routed);
        graph.write(client(), routed, "v", STORED_K, GraphMarker.DONE, routing);
        buildAndCheckRows(routed, between(3, STORED_K), randomFrom(1.0, 3.0), randomFrom(0.9, 0.99), between(2, STORED_K + 1));
    }

    /**
     * A document deleted after its node cached the graph: a rebuild on that node (the job runs where it is received) still lists
     * it, skips its update and counts only the rows written.
     */
    public void testADocumentDeletedSinceTheGraphWasReadIsSkipped() throws Exception {
        String node = internalCluster().getRandomNodeName();
        JobRequest<BuildOfflineDiffusionAction.Options> request = BuildOfflineDiffusionAction.KIND.request(INDEX,
            Map.of("field", "v", "k", 5, "n_trunc", 3));
        JobResponse first = client(node).execute(BuildOfflineDiffusionAction.INSTANCE, request).get();
        assertEquals(DOCS, ((Number) first.result().get("items")).intValue());
        assertEquals(DOCS * 3, ((Number) first.result().get("stored_entries")).intValue());

        String deleted = Integer.toString(between(0, DOCS - 1));
        client().prepareDelete(INDEX, deleted).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        JobResponse second = client(node).execute(BuildOfflineDiffusionAction.INSTANCE, request).get();
        assertEquals(DOCS - 1, ((Number) second.result().get("items")).intValue());
        assertEquals((DOCS - 1) * 3, ((Number) second.result().get("stored_entries")).intValue());
        assertEquals(DOCS - 1, hits(search("{\"size\": " + DOCS + ", \"_source\": false, \"query\": {\"exists\": {\"field\": "
            + "\"retrieval_offline.v\"}}}")).size());
    }

    /**
     * A rows marker {@code running} whose task still runs (a slow neighbour-graph build of another index lends its task): 409
     * naming the task; once that task has ended (cancelled), the marker reads as failed and a build takes it over.
     */
    public void testARunningBuildIs409AndAStaleMarkerIsTakenOver() throws Exception {
        String slow = "offline-slow-graph";
        float[][] kept = vectors;
        clusteredVectors(400, 4);
        indexVectors(slow, 2);
        vectors = kept;
        // block_size 1: 400 x 400 block reads, long enough to be seen running
        String task = (String) call(getRestClient(), "POST", "/" + slow + "/_retrieval/graph/_build?wait_for_completion=false",
            "{\"field\": \"v\", \"k\": 5, \"block_size\": 1}").get("task");
        OfflineRowsMarker running = new OfflineRowsMarker("v", 5, 3, 0.99, 6, 20, 1e-6, "fixture:1", task, OfflineRowsMarker.RUNNING,
            null, null);
        PlainActionFuture<Void> written = new PlainActionFuture<>();
        IndexMetaMarker.write(client(), INDEX, OfflineRowsMarker.KEY, running.toMap(), written);
        written.get();
        String body = "{\"field\": \"v\", \"k\": 5}";
        ResponseException e = expectThrows(ResponseException.class,
            () -> call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build", body));
        assertEquals(409, status(e));
        assertThat(e.getMessage(), containsString("an offline diffusion build (task [" + task + "]) is already running on index ["
            + INDEX + "]; wait for it or cancel it with POST _tasks/" + task + "/_cancel"));

        call(getRestClient(), "POST", "/_tasks/" + task + "/_cancel", null);
        call(getRestClient(), "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=30s", null);
        assertEquals(DOCS, call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build", body).get("items"));
    }

    @SuppressWarnings("unchecked")
    public void testBuildAsATaskAndDocumentsIndexedLater() throws Exception {
        Map<String, Object> started = call(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build?wait_for_completion=false",
            "{\"field\": \"v\", \"k\": 5}");
        String task = (String) started.get("task");
        assertNotNull(task);
        Map<String, Object> finished = call(getRestClient(), "GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=60s", null);
        assertEquals(Boolean.TRUE, finished.get("completed"));
        assertEquals(DOCS, ((Map<String, Object>) finished.get("response")).get("items"));
        // n_trunc defaults to the graph's k + 1: every row holds the document and its whole stored list
        assertEquals(DOCS * (STORED_K + 1), ((Map<String, Object>) finished.get("response")).get("stored_entries"));

        float[] q = randomQuery();
        String body = "{\"size\": 30, \"_source\": false, \"retriever\": {\"diffusion\": {\"retriever\": " + inner(q)
            + ", \"field\": \"v\", \"rank_window_size\": 30, \"k\": 5, \"offline\": \"%s\"}}}";
        assertEquals(30, hits(search(String.format(Locale.ROOT, body, "true"))).size());

        // A document indexed after the build, equal to the query: it is the nearest, and has no row.
        client().prepareIndex(INDEX).setId("later").setSource(Map.of("tag", "later", "v", q))
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        ResponseException e = expectThrows(ResponseException.class, () -> search(String.format(Locale.ROOT, body, "true")));
        assertEquals(400, status(e));
        assertThat(e.getMessage(), containsString("document [later] among the query's [query_k] nearest has no offline diffusion row"));
        assertEquals(hits(search(String.format(Locale.ROOT, body, "false"))), hits(search(String.format(Locale.ROOT, body, "auto"))));

        // DELETE removes the marker: offline true is then a 400, and a second delete a 404
        call(getRestClient(), "DELETE", "/" + INDEX + "/_retrieval/diffusion", null);
        ResponseException gone = expectThrows(ResponseException.class, () -> search(String.format(Locale.ROOT, body, "true")));
        assertEquals(400, status(gone));
        assertThat(gone.getMessage(), containsString("index [" + INDEX + "] has no offline diffusion rows of field [v]"));
        assertEquals(404, status(failure(getRestClient(), "DELETE", "/" + INDEX + "/_retrieval/diffusion", null)));
    }

    public void testBadInput() throws IOException {
        String[][] cases = {
            { "{\"field\": \"missing\"}", "[field] [missing] is not mapped in index [offline-three]" },
            { "{\"field\": \"tag\"}", "[field] [tag] of index [offline-three] is of type [keyword], not [dense_vector]" },
            { "{\"field\": \"v\", \"n_trunc\": 0}", "[diffusion build] [n_trunc] must be in [1, 10000] but was [0]" },
            { "{\"field\": \"v\", \"k\": 5, \"n_trunc\": " + (STORED_K + 2) + "}", "[diffusion build] [n_trunc] [" + (STORED_K + 2)
                + "] needs n_trunc - 1 <= the k [" + STORED_K + "] of the stored neighbour graph of index [offline-three] field [v]" },
            { "{\"field\": \"v\", \"k\": " + (STORED_K + 1) + ", \"n_trunc\": 2}", "[diffusion build]: [k] [" + (STORED_K + 1)
                + "] is larger than the k [" + STORED_K + "] of the stored neighbour graph" },
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

        float[] q = randomQuery();
        ResponseException noBuild = expectThrows(ResponseException.class, () -> search("{\"retriever\": {\"diffusion\": {\"retriever\": "
            + inner(q) + ", \"field\": \"v\", \"k\": 5, \"offline\": \"true\"}}}"));
        assertEquals(400, status(noBuild));
        assertThat(noBuild.getMessage(), containsString("has no offline diffusion rows of field [v]"));

        graph.write(client(), INDEX, "v", STORED_K, GraphMarker.RUNNING);
        ResponseException running = failure(getRestClient(), "POST", "/" + INDEX + "/_retrieval/diffusion/_build",
            "{\"field\": \"v\", \"k\": 5, \"n_trunc\": 4}");
        assertEquals(409, status(running));
        assertThat(running.getMessage(), containsString("the neighbour graph of index [offline-three] is being built"));
    }
}
