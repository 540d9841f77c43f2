package org.instanceretrieval.es.graph;

import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The {@code exact} neighbour-graph build on a 2-node cluster: the stored lists equal a brute force computed here (order exact,
 * ties between duplicate vectors by {@code _id}), do not depend on {@code block_size} or on the shard layout (byte-identical),
 * and the graph's life cycle: GET (marker, coverage, documents added since), rebuild replacing, DELETE clearing.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class GraphBuildIT extends RetrievalIntegTestCase {

    private static final int DIMS = 6;

    private void create(String index, int shards) {
        assertAcked(prepareCreate(index).setSettings(indexSettings(shards, 0)).setMapping(GraphTestData.mapping(DIMS, "hnsw")));
    }

    private static Map<String, Object> build(RestClient client, String index, String body) throws Exception {
        return call(client, "POST", "/" + index + "/_retrieval/graph/_build", body);
    }

    private static void assertListsEqual(Map<String, GraphTestData.List2> expected, Map<String, byte[]> stored) {
        assertEquals(expected.keySet(), stored.keySet());
        for (Map.Entry<String, GraphTestData.List2> e : expected.entrySet()) {
            GraphTestData.List2 got = GraphTestData.decode(stored.get(e.getKey()));
            assertEquals("list of " + e.getKey(), e.getValue().ids(), got.ids());
            for (int t = 0; t < got.sims().size(); t++) {
                assertEquals(e.getValue().sims().get(t), got.sims().get(t), 1e-6f);
            }
        }
    }

    public void testExactListsEqualBruteForceWithTiesByIdAndIgnoreBlockSize() throws Exception {
        GraphTestData data = GraphTestData.quarterGrid(120, DIMS, 5, random());
        create("graph-exact", 2);
        data.index(client(), "graph-exact", 3);
        Map<String, GraphTestData.List2> expected = data.bruteForce(10);
        try (RestClient a = clientOf(twoNodes()[0])) {
            Map<String, Object> result = build(a, "graph-exact", "{\"field\": \"v\", \"k\": 10}");
            assertEquals("done", result.get("state"));
            assertEquals("exact", result.get("method"));
            assertEquals(10, result.get("k"));
            assertEquals(120, result.get("doc_count"));
            Map<String, byte[]> large = GraphTestData.storedBytes(client(), "graph-exact", "v");
            assertListsEqual(expected, large); // the 3 documents without a vector have no list
            // the data has exact ties (d5 is a copy of d4, and quarter-grid dot products repeat): they are ordered by _id
            assertEquals(expected.get("d5").sims().get(0), GraphTestData.decode(large.get("d5")).sims().get(0));

            build(a, "graph-exact", "{\"field\": \"v\", \"k\": 10, \"block_size\": 7}");
            Map<String, byte[]> small = GraphTestData.storedBytes(client(), "graph-exact", "v");
            assertEquals(large.keySet(), small.keySet());
            for (String id : large.keySet()) {
                assertArrayEquals("list of " + id + " with block_size 7", large.get(id), small.get(id));
            }
        }
    }

    public void testThreeShardsOnTwoNodesGiveTheBytesOfOneShard() throws Exception {
        GraphTestData data = GraphTestData.clustered(300, DIMS, 6, 0.3f, random());
        create("graph-one", 1);
        create("graph-three", 3);
        data.index(client(), "graph-one", 0);
        data.index(client(), "graph-three", 0);
        try (RestClient a = clientOf(twoNodes()[0]); RestClient b = clientOf(twoNodes()[1])) {
            build(a, "graph-one", "{\"field\": \"v\", \"k\": 12, \"block_size\": 64}");
            build(b, "graph-three", "{\"field\": \"v\", \"k\": 12, \"block_size\": 50}");
        }
        Map<String, byte[]> one = GraphTestData.storedBytes(client(), "graph-one", "v");
        Map<String, byte[]> three = GraphTestData.storedBytes(client(), "graph-three", "v");
        assertEquals(300, one.size());
        assertEquals(one.keySet(), three.keySet());
        for (String id : one.keySet()) {
            assertArrayEquals("list of " + id, one.get(id), three.get(id));
        }
        // and both are the brute force (float rounding aside: similarities within 1e-5, ids in order where the gap is clear)
        Map<String, GraphTestData.List2> expected = data.bruteForce(13);
        for (String id : one.keySet()) {
            GraphTestData.List2 got = GraphTestData.decode(one.get(id));
            GraphTestData.List2 want = expected.get(id);
            for (int t = 0; t < 12; t++) {
                assertEquals(want.sims().get(t), got.sims().get(t), 1e-5f);
            }
            if (want.sims().get(11) - want.sims().get(12) > 1e-4f) {
                assertEquals(new java.util.HashSet<>(want.ids().subList(0, 12)), new java.util.HashSet<>(got.ids()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    public void testGetRebuildAndDelete() throws Exception {
        GraphTestData data = GraphTestData.quarterGrid(40, DIMS, 7, random());
        create("graph-life", 2);
        data.index(client(), "graph-life", 2);
        try (RestClient a = clientOf(twoNodes()[0])) {
            ResponseException none = failure(a, "GET", "/graph-life/_retrieval/graph", null);
            assertEquals(404, status(none));
            assertThat(none.getMessage(), containsString("resource_not_found_exception"));
            assertThat(none.getMessage(), containsString("index [graph-life] has no neighbour graph"));

            build(a, "graph-life", "{\"field\": \"v\", \"k\": 5}");
            Map<String, Object> shown = call(a, "GET", "/graph-life/_retrieval/graph", null);
            assertEquals("graph-life", shown.get("index"));
            assertEquals("v", shown.get("field"));
            assertEquals(5, shown.get("k"));
            assertEquals("exact", shown.get("method"));
            assertEquals("done", shown.get("state"));
            assertEquals(40, shown.get("doc_count"));
            assertEquals(40, shown.get("documents_covered"));
            assertEquals(0, shown.get("documents_added_since_build"));
            assertTrue(shown.toString(), String.valueOf(shown.get("task")).matches("[^:]+:\\d+"));
            assertTrue(((Number) shown.get("completed_at")).longValue() >= ((Number) shown.get("started_at")).longValue());

            GraphTestData more = GraphTestData.quarterGrid(2, DIMS, 100, random());
            client().prepareIndex("graph-life").setId("late-1").setSource(Map.of("v", more.vectors.get("d0"))).get();
            client().prepareIndex("graph-life").setId("late-2").setSource(Map.of("v", more.vectors.get("d1"))).get();
            client().admin().indices().prepareRefresh("graph-life").get();
            assertEquals(2, call(a, "GET", "/graph-life/_retrieval/graph", null).get("documents_added_since_build"));

            // a rebuild replaces: k 3, and the late documents are in
            data.vectors.put("late-1", more.vectors.get("d0"));
            data.vectors.put("late-2", more.vectors.get("d1"));
            build(a, "graph-life", "{\"field\": \"v\", \"k\": 3}");
            assertListsEqual(data.bruteForce(3), GraphTestData.storedBytes(client(), "graph-life", "v"));
            shown = call(a, "GET", "/graph-life/_retrieval/graph", null);
            assertEquals(3, shown.get("k"));
            assertEquals(42, shown.get("documents_covered"));
            assertEquals(0, shown.get("documents_added_since_build"));

            Map<String, Object> deleted = call(a, "DELETE", "/graph-life/_retrieval/graph", null);
            assertEquals(Boolean.TRUE, deleted.get("acknowledged"));
            assertEquals(42, deleted.get("lists_cleared"));
            assertEquals(Map.of(), GraphTestData.storedBytes(client(), "graph-life", "v"));
            assertEquals(404, status(failure(a, "GET", "/graph-life/_retrieval/graph", null)));
            ResponseException again = failure(a, "DELETE", "/graph-life/_retrieval/graph", null);
            assertEquals(404, status(again));
            assertThat(again.getMessage(), containsString("resource_not_found_exception"));
            Map<String, Object> mapping = client().admin().indices().prepareGetMappings("graph-life").get().mappings().get("graph-life")
                .sourceAsMap();
            Map<String, Object> meta = (Map<String, Object>) mapping.get("_meta");
            assertTrue(String.valueOf(meta), meta == null || meta.containsKey(GraphMarker.KEY) == false);
        }
    }
}
