package org.instanceretrieval.es.query;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.instanceretrieval.expansion.QuerySetExpansion.Selection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertResponse;

/**
 * The first round of {@code query_set} expansion read straight from the shards ({@link FirstRoundShardAction}) and the final
 * ranking served by {@code _seq_no} ({@link RankedSeqNoQueryBuilder}), on two data nodes: the handle matches the listed
 * documents on primaries and replicas alike, drops a document updated or deleted since, matches a nested block's parent only
 * (as the {@code _id} ranking, {@link RankedDocsQueryBuilder}, now does);
 * the expansion gives the definition's ranking (one iteration adding the first-round top document, written below as a loop)
 * whichever copy (each node holds one of every shard) serves the final query; without {@code exact}, on a shard small
 * against the candidates, the first round scans every vector ({@link org.instanceretrieval.search.KnnScan}): the exact top
 * {@code pool} by the field's own kNN scores, where the graph search misses some.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class QuerySetFirstRoundIT extends RetrievalIntegTestCase {

    private static final int DIMS = 8;

    /** A random unit vector of {@code dims} dimensions (Gaussian entries, L2-normalised). */
    private float[] unitGaussian(int dims) {
        float[] v = new float[dims];
        for (int j = 0; j < dims; j++) {
            v[j] = (float) random().nextGaussian();
        }
        return BruteForce.l2(v);
    }

    /** {@code n} random unit vectors of {@code dims} dimensions. */
    private float[][] randomVectors(int n, int dims) {
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            v[i] = unitGaussian(dims);
        }
        return v;
    }

    private float[][] randomVectors(int n) {
        return randomVectors(n, DIMS);
    }

    private void index(String name, int shards, int replicas, float[][] vectors) {
        index(name, shards, replicas, vectors, "{\"type\": \"flat\"}");
    }

    /** Index {@code name} with field {@code v} ({@code dot_product}, the vectors' dims, {@code indexOptions}), documents 0..n-1. */
    private void index(String name, int shards, int replicas, float[][] vectors, String indexOptions) {
        assertAcked(prepareCreate(name).setSettings(indexSettings(shards, replicas)).setMapping("{\"properties\": {\"v\": {\"type\": "
            + "\"dense_vector\", \"dims\": " + vectors[0].length + ", \"similarity\": \"dot_product\", \"index_options\": "
            + indexOptions + "}}}"));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < vectors.length; i++) {
            bulk.add(client().prepareIndex(name).setId(Integer.toString(i)).setSource(Map.of("v", vectors[i])));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(name);
    }

    /**
     * The definition with pool {@code pool}, avg, top_k 1, one iteration: Q = {q, d*}, d* the first-round top document; each pool
     * document scores (q.d + d*.d) / 2, mapped to (1 + s) / 2; the first {@code size} ids and scores.
     */
    private static Map.Entry<int[], float[]> expected(float[] q, float[][] vectors, int pool, int size) {
        double[] first = new double[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            first[i] = dot(q, vectors[i]);
        }
        int[] order = BruteForce.rank(first);
        int top = order[0];
        double[] s = new double[pool];
        for (int r = 0; r < pool; r++) {
            s[r] = (first[order[r]] + dot(vectors[top], vectors[order[r]])) / 2;
        }
        int[] ranked = BruteForce.rank(s);
        int[] ids = new int[size];
        float[] scores = new float[size];
        for (int r = 0; r < size; r++) {
            ids[r] = order[ranked[r]];
            scores[r] = (float) ((1 + s[ranked[r]]) / 2);
        }
        return Map.entry(ids, scores);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    private static final QuerySetOptions ONE_ITERATION_TOP_1 = new QuerySetOptions(60, Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1);

    private void assertExpansion(String index, float[] q, float[][] vectors, String preference) {
        RetrievalKnnQueryBuilder query = new RetrievalKnnQueryBuilder("v", q, null, 20, null, null, null, true,
            QueryExpansion.querySet(ONE_ITERATION_TOP_1));
        Map.Entry<int[], float[]> expected = expected(q, vectors, 60, 20);
        assertResponse(prepareSearch(index).setQuery(query).setSize(20).setPreference(preference), response -> {
            SearchHit[] hits = response.getHits().getHits();
            assertEquals(20, hits.length);
            for (int r = 0; r < 20; r++) {
                assertEquals(index + " " + preference + " id at " + r, Integer.toString(expected.getKey()[r]), hits[r].getId());
                assertEquals(index + " " + preference + " score at " + r, expected.getValue()[r], hits[r].getScore(), 1e-6f);
            }
        });
    }

    public void testPrimariesAndReplicasServeTheDefinitionsRanking() {
        float[][] vectors = randomVectors(400);
        index("qs-replicas", 3, 1, vectors);
        for (int t = 0; t < 3; t++) {
            float[] q = randomVectors(1)[0];
            for (String node : dataNodes()) {
                long before = queryPhases("qs-replicas");
                assertExpansion("qs-replicas", q, vectors, "_only_nodes:" + node);
                // no first-round search: the final search's one query phase per shard is the only one
                assertEquals(3, queryPhases("qs-replicas") - before);
            }
        }
    }

    /**
     * Without {@code exact}, on an {@code int8_hnsw} field with a sparse graph ({@code m} 4, {@code ef_construction} 10, where
     * a graph search for a few hundred candidates misses documents of the top few hundred), 10,000 vectors in one segment on
     * each of 2 shards, {@code num_candidates} 300, at most 64 vectors per candidate: the first round scores every vector, so
     * the pool is the exact top {@code pool} by the field's own (quantised) kNN score: the documents of Elasticsearch's kNN
     * query with {@code num_candidates} 10,000 (at least each segment's vector count, which makes Lucene score every vector),
     * merged over the shards.
     */
    public void testAnApproximateFirstRoundScansEveryVectorWhereThatIsCheaperThanTheGraph() {
        int dims = 64;
        index("qs-scan", 2, 0, randomVectors(10_000, dims), "{\"type\": \"int8_hnsw\", \"m\": 4, \"ef_construction\": 10}");
        indicesAdmin().prepareForceMerge("qs-scan").setMaxNumSegments(1).get();
        indicesAdmin().prepareRefresh("qs-scan").get();
        QuerySetOptions options = new QuerySetOptions(300, Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1);
        for (int t = 0; t < 3; t++) {
            float[] q = unitGaussian(dims);
            Set<String> pool = hitIds("qs-scan", new RetrievalKnnQueryBuilder("v", q, null, 300, 300, null, null, false,
                QueryExpansion.querySet(options)), 300);
            Set<String> scanned = hitIds("qs-scan", new KnnVectorQueryBuilder("v", q, 300, 10_000, null, null), 300);
            assertEquals(300, scanned.size());
            assertEquals(scanned, pool);
        }
    }

    /**
     * On every float index type Elasticsearch offers, the first round (scanned where the query is Elasticsearch's plain kNN
     * query, run as it is where Elasticsearch wraps it, e.g. to rescore) finds the documents of Elasticsearch's own kNN query
     * with the same {@code num_candidates}, 10,000: at least every segment's vector count, so that Lucene scores every vector.
     */
    public void testTheFirstRoundMatchesElasticsearchsExhaustiveKnnOnEveryIndexType() {
        int dims = 64;
        float[][] vectors = randomVectors(600, dims);
        QuerySetOptions options = new QuerySetOptions(50, Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1);
        for (String type : new String[] { "hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw", "flat", "int8_flat", "int4_flat", "bbq_flat" }) {
            String index = "qs-type-" + type.replace('_', '-');
            index(index, 2, 0, vectors, "{\"type\": \"" + type + "\"}");
            float[] q = unitGaussian(dims);
            Set<String> pool = hitIds(index, new RetrievalKnnQueryBuilder("v", q, null, 50, 10_000, null, null, false,
                QueryExpansion.querySet(options)), 50);
            Set<String> exhaustive = hitIds(index, new KnnVectorQueryBuilder("v", q, 50, 10_000, null, null), 50);
            assertEquals(type, 50, exhaustive.size());
            assertEquals(type, exhaustive, pool);
        }
    }

    /** The ids of the first {@code size} hits of {@code query} on {@code index}. */
    private static Set<String> hitIds(String index, QueryBuilder query, int size) {
        Set<String> ids = new HashSet<>();
        assertResponse(prepareSearch(index).setSize(size).setQuery(query), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                ids.add(hit.getId());
            }
        });
        return ids;
    }

    /** The names of the data nodes: each holds one copy of every shard of an index with one replica. */
    private List<String> dataNodes() {
        return clusterService().state().nodes().getDataNodes().values().stream().map(n -> n.getName()).toList();
    }

    /** The query phases the index's shard copies ran so far. */
    private static long queryPhases(String index) {
        return indicesAdmin().prepareStats(index).setSearch(true).get().getTotal().getSearch().getTotal().getQueryCount();
    }

    /** Each document's shard and {@code _seq_no}, by id, from a search that asks for them. */
    private static Map<String, Object[]> handles(String index) {
        Map<String, Object[]> handles = new HashMap<>();
        assertResponse(prepareSearch(index).setSize(100).seqNoAndPrimaryTerm(true), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                handles.put(hit.getId(), new Object[] { hit.getShard().getShardId(), hit.getSeqNo() });
            }
        });
        return handles;
    }

    /** The query listing {@code ids} with scores n, n - 1, ..., 1, each by its shard and {@code _seq_no} in {@code handles}. */
    private static RankedSeqNoQueryBuilder ranked(Map<String, Object[]> handles, String... ids) {
        List<ShardId> table = new ArrayList<>();
        int[] shardOf = new int[ids.length];
        long[] seqNos = new long[ids.length];
        float[] scores = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ShardId shard = (ShardId) handles.get(ids[i])[0];
            if (table.contains(shard) == false) {
                table.add(shard);
            }
            shardOf[i] = table.indexOf(shard);
            seqNos[i] = (Long) handles.get(ids[i])[1];
            scores[i] = ids.length - i;
        }
        return new RankedSeqNoQueryBuilder(table.stream().map(ShardId::getIndexName).toArray(String[]::new),
            table.stream().map(s -> s.getIndex().getUUID()).toArray(String[]::new), table.stream().mapToInt(ShardId::id).toArray(),
            shardOf, seqNos, scores);
    }

    private static List<String> ids(String index, RankedSeqNoQueryBuilder query, String preference) {
        List<String> ids = new ArrayList<>();
        assertResponse(prepareSearch(index).setQuery(query).setSize(100).setPreference(preference), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                ids.add(hit.getId() + ":" + hit.getScore());
            }
        });
        return ids;
    }

    public void testSeqNoHandlesMatchTheListedDocumentsOnEveryCopyAndDropUpdatedOnes() {
        index("qs-handles", 2, 1, randomVectors(12));
        Map<String, Object[]> handles = handles("qs-handles");
        RankedSeqNoQueryBuilder query = ranked(handles, "7", "2", "11", "0", "5");
        List<String> all = List.of("7:5.0", "2:4.0", "11:3.0", "0:2.0", "5:1.0");
        for (String node : dataNodes()) {
            assertEquals(node, all, ids("qs-handles", query, "_only_nodes:" + node));
        }
        // another index instance (its UUID) matches nothing
        RankedSeqNoQueryBuilder other = new RankedSeqNoQueryBuilder(new String[] { "qs-handles", "qs-handles" },
            new String[] { "not-the-uuid", "not-the-uuid" }, new int[] { 0, 1 }, new int[] { 0, 1 }, new long[] { 0, 0 },
            new float[] { 2, 1 });
        assertEquals(List.of(), ids("qs-handles", other, "_local"));
        // an update gives the document a new _seq_no, a delete removes it: both drop out, on every copy
        client().prepareIndex("qs-handles").setId("2").setSource(Map.of("v", randomVectors(1)[0]))
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        client().prepareDelete("qs-handles", "0").setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        List<String> left = List.of("7:5.0", "11:3.0", "5:1.0");
        for (String node : dataNodes()) {
            assertEquals(node, left, ids("qs-handles", query, "_only_nodes:" + node));
        }
    }

    public void testANestedBlockMatchesItsParentOnly() {
        assertAcked(prepareCreate("qs-nested").setSettings(indexSettings(1, 0)).setMapping("{\"properties\": {\"v\": {\"type\": "
            + "\"dense_vector\", \"dims\": 2, \"similarity\": \"dot_product\"}, \"parts\": {\"type\": \"nested\", \"properties\": "
            + "{\"x\": {\"type\": \"integer\"}}}}}"));
        client().prepareIndex("qs-nested").setId("a").setSource("{\"v\": [0.6, 0.8], \"parts\": [{\"x\": 1}, {\"x\": 2}, {\"x\": 3}]}",
            org.elasticsearch.xcontent.XContentType.JSON).get();
        client().prepareIndex("qs-nested").setId("b").setSource("{\"v\": [1, 0], \"parts\": [{\"x\": 4}]}",
            org.elasticsearch.xcontent.XContentType.JSON).get();
        client().prepareIndex("qs-nested").setId("c").setSource("{\"v\": [0, 1]}", org.elasticsearch.xcontent.XContentType.JSON)
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        Map<String, Object[]> handles = handles("qs-nested");
        assertEquals(List.of("a:3.0", "c:2.0", "b:1.0"), ids("qs-nested", ranked(handles, "a", "c", "b"), "_local"));
        // the same by _id (the ranking of the fallback round): a nested block carries its parent's _id, the parent is matched
        RankedDocsQueryBuilder byId = new RankedDocsQueryBuilder(new String[] { "qs-nested", "qs-nested", "qs-nested" },
            new String[] { "a", "c", "b" }, new float[] { 3, 2, 1 });
        List<String> found = new ArrayList<>();
        assertResponse(prepareSearch("qs-nested").setQuery(byId).setSize(10), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                found.add(hit.getId() + ":" + hit.getScore() + ":" + (hit.getNestedIdentity() == null));
            }
        });
        assertEquals(List.of("a:3.0:true", "c:2.0:true", "b:1.0:true"), found);
        // query_set over the three parents, q = (1, 0), pool 3, top_k 1, one iteration: Q = {q, b}; s = (q.d + b.d) / 2:
        // b (1 + 1) / 2 = 1, a (0.6 + 0.6) / 2 = 0.6, c 0; scores (1 + s) / 2 = 1, 0.8, 0.5
        RetrievalKnnQueryBuilder query = new RetrievalKnnQueryBuilder("v", new float[] { 1, 0 }, null, 3, null, null, null, false,
            QueryExpansion.querySet(new QuerySetOptions(3, Aggregation.AVG, Selection.TOP_K, 1, 0.6, null, 1)));
        assertResponse(prepareSearch("qs-nested").setQuery(query).setSize(10), response -> {
            SearchHit[] hits = response.getHits().getHits();
            assertEquals(3, hits.length);
            assertEquals(List.of("b", "a", "c"), Arrays.stream(hits).map(SearchHit::getId).toList());
            assertEquals(1f, hits[0].getScore(), 1e-6f);
            assertEquals(0.8f, hits[1].getScore(), 1e-6f);
            assertEquals(0.5f, hits[2].getScore(), 1e-6f);
        });
    }
}
