package org.instanceretrieval.es;

import org.elasticsearch.client.Request;
import org.elasticsearch.test.ESIntegTestCase;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The plugin inside a cluster of the test framework: two data nodes, real HTTP through
 * Netty, an index whose two shards sit on different nodes.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class PluginLoadedIT extends RetrievalIntegTestCase {

    public void testEveryNodeLoadsThePluginOverHttp() throws IOException {
        Map<String, Object> body = parseMap(getRestClient().performRequest(new Request("GET", "/_nodes/plugins")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) body.get("nodes");
        assertTrue(nodes.size() >= 2);
        for (Map<String, Object> node : nodes.values()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> plugins = (List<Map<String, Object>>) node.get("plugins");
            assertTrue(
                node.get("name") + " lacks the plugin: " + plugins,
                plugins.stream().anyMatch(p -> InstanceRetrievalPlugin.class.getName().equals(p.get("classname")))
            );
        }
    }

    public void testTwoShardIndexOfVectorsServesNearestNeighbourSearchOverHttp() throws IOException {
        Request create = new Request("PUT", "/vectors");
        create.setJsonEntity("""
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {"v": {"type": "dense_vector", "dims": 3, "similarity": "dot_product"}}}}""");
        getRestClient().performRequest(create);
        ensureGreen("vectors");

        Request bulk = new Request("POST", "/vectors/_bulk?refresh=true");
        bulk.setJsonEntity("""
            {"index": {"_id": "x"}}
            {"v": [1, 0, 0]}
            {"index": {"_id": "y"}}
            {"v": [0, 1, 0]}
            {"index": {"_id": "z"}}
            {"v": [0, 0, 1]}
            {"index": {"_id": "xy"}}
            {"v": [0.6, 0.8, 0]}
            """);
        getRestClient().performRequest(bulk);

        Request shards = new Request("GET", "/_cat/shards/vectors?format=json&h=shard,node");
        List<Object> shardRows = parseList(getRestClient().performRequest(shards));
        assertEquals(2, shardRows.size());

        // Query (0.8, 0.6, 0): dot products x 0.8, xy 0.96, y 0.6, z 0 -> xy, x, y.
        Request search = new Request("POST", "/vectors/_search");
        search.setJsonEntity("""
            {"knn": {"field": "v", "query_vector": [0.8, 0.6, 0], "k": 3, "num_candidates": 10}, "_source": false}""");
        Map<String, Object> body = parseMap(getRestClient().performRequest(search));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) body.get("hits")).get("hits");
        assertEquals(List.of("xy", "x", "y"), hits.stream().map(h -> h.get("_id")).toList());
    }
}
