package org.instanceretrieval.es.query;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertResponse;
import static org.hamcrest.Matchers.containsString;

/**
 * {@code retrieval_knn} in a cluster of two data nodes, on the same vectors in an index of
 * three shards and an index of one: results equal the brute force computed here
 * ({@link BruteForce}: every dot product, sorted; AQE / alpha-QE by its formula), and the expansion's first round covers the whole index, so both indices rank
 * alike.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class RetrievalKnnQueryIT extends RetrievalIntegTestCase {

    private static final int DOCS = 150;
    private static final int DIMS = 8;
    private static final String MULTI = "vectors-multi";
    private static final String SINGLE = "vectors-single";
    private static final String[] INDICES = { MULTI, SINGLE };
    /** Score tolerance: Lucene's and the brute force's dot products may round differently, by a few float ulps. */
    private static final float TOLERANCE = 1e-6f;

    private float[][] vectors;

    @Before
    public void indexVectors() {
        vectors = new float[DOCS][DIMS];
        for (int i = 0; i < DOCS; i++) {
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = (float) random().nextGaussian();
            }
            BruteForce.l2InPlace(vectors[i]);
        }
        createIndex(MULTI, 3);
        createIndex(SINGLE, 1);
    }

    private void createIndex(String name, int shards) {
        String vector = "{\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\", \"index_options\": {\"type\": \"%s\"}}";
        String mapping = "{\"properties\": {\"tag\": {\"type\": \"keyword\"}, \"v\": " + String.format(Locale.ROOT, vector, "flat")
            + ", \"v_hnsw\": " + String.format(Locale.ROOT, vector, "hnsw") + ", \"v_int8\": " + String.format(Locale.ROOT, vector, "int8_hnsw")
            + ", \"v_cos\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\", \"index_options\": {\"type\": \"flat\"}}"
            + "}}";
        assertAcked(prepareCreate(name).setSettings(indexSettings(shards, 0)).setMapping(mapping));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(name).setId(Integer.toString(i)).setSource(
                Map.of("tag", i % 2 == 0 ? "even" : "odd", "v", vectors[i], "v_hnsw", vectors[i], "v_int8", vectors[i],
                    "v_cos", scaled(vectors[i], 2f + i % 3))));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(name);
    }

    // ---- expected values, computed here ----

    /** Elasticsearch's dot_product kNN score of a similarity. */
    private static float score(float similarity) {
        return Math.max((1 + similarity) / 2, 0);
    }

    /** Documents and their similarities, in ranking order. */
    private record Ranked(int[] ids, float[] scores) {
        int size() {
            return ids.length;
        }

        int id(int j) {
            return ids[j];
        }

        float score(int j) {
            return scores[j];
        }

        @Override
        public String toString() {
            return Arrays.toString(ids);
        }
    }

    /**
     * The top {@code size} documents passing {@code filter} by dot product with {@code q}: every
     * document scored, sorted by similarity descending then document number ascending.
     */
    private Ranked bruteForce(float[] q, IntPredicate filter, int size) {
        float[] similarities = BruteForce.similarities(q, vectors);
        int[] ids = Arrays.stream(BruteForce.rank(similarities)).filter(filter).limit(size).toArray();
        float[] scores = new float[ids.length];
        for (int j = 0; j < ids.length; j++) {
            scores[j] = similarities[ids[j]];
        }
        return new Ranked(ids, scores);
    }

    /** alpha-QE (AQE for alpha 0) from this test's own brute-force top n among the documents passing {@code filter}. */
    private float[] expanded(float[] q, IntPredicate filter, int n, float alpha) {
        return BruteForce.alphaQe(q, vectors, bruteForce(q, filter, n).ids(), alpha);
    }

    private record Hits(int[] ids, float[] scores) {}

    private Hits search(String index, QueryBuilder query, int size) {
        List<Hits> result = new ArrayList<>();
        assertResponse(prepareSearch(index).setQuery(query).setSize(size), response -> {
            SearchHit[] hits = response.getHits().getHits();
            int[] ids = new int[hits.length];
            float[] scores = new float[hits.length];
            for (int j = 0; j < hits.length; j++) {
                ids[j] = Integer.parseInt(hits[j].getId());
                scores[j] = hits[j].getScore();
            }
            result.add(new Hits(ids, scores));
        });
        return result.get(0);
    }

    /** Same documents in the same order with the same scores (ids of near-equal scores may swap). */
    private static void assertRanking(String what, Ranked expected, Hits actual) {
        assertEquals(what + ": " + Arrays.toString(actual.ids) + " vs " + expected, expected.size(), actual.ids.length);
        for (int j = 0; j < expected.size(); j++) {
            float expectedScore = score(expected.score(j));
            assertEquals(what + " score at rank " + j, expectedScore, actual.scores[j], TOLERANCE);
            if (expected.id(j) != actual.ids[j]) {
                int swapped = actual.ids[j];
                int at = Arrays.stream(expected.ids()).boxed().toList().indexOf(swapped);
                assertTrue(what + ": rank " + j + " holds " + swapped + ", expected " + expected.id(j),
                    at >= 0 && Math.abs(score(expected.score(at)) - expectedScore) <= TOLERANCE);
            }
        }
    }

    private static RetrievalKnnQueryBuilder query(String field, float[] q, int k, Integer numCandidates, QueryBuilder filter,
                                                  boolean exact, QueryExpansion expansion) {
        return new RetrievalKnnQueryBuilder(field, q, null, k, numCandidates, filter, null, exact, expansion);
    }

    private float[] randomQuery() {
        float[] q = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            q[j] = (float) random().nextGaussian();
        }
        return BruteForce.l2InPlace(q);
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = v.clone();
        for (int j = 0; j < out.length; j++) {
            out[j] *= factor;
        }
        return out;
    }

    // ---- tests ----

    public void testCosineFieldScoresTheCosineOfUnnormalisedVectors() {
        float[] q = randomQuery();
        // documents are stored at lengths 2-4 and the query at length 3: the cosine is still the dot product of the unit vectors
        Ranked expected = bruteForce(q, i -> true, 10);
        for (String index : INDICES) {
            for (boolean exact : new boolean[] { false, true }) {
                Hits hits = search(index, query("v_cos", scaled(q, 3f), 10, 20, null, exact, null), 10);
                assertRanking(index + " exact=" + exact, expected, hits);
            }
        }
    }

    public void testExactScoresEveryDocumentAsTheBruteForce() {
        float[] q = randomQuery();
        for (String field : new String[] { "v", "v_hnsw", "v_int8" }) {
            for (String index : INDICES) {
                // exact scores every document: the whole ranking, not just k
                Hits hits = search(index, query(field, q, 5, null, null, true, null), DOCS);
                assertRanking(index + "/" + field, bruteForce(q, i -> true, DOCS), hits);
            }
        }
    }

    public void testFilterAndKOnAFlatFieldGiveTheFilteredTopK() {
        float[] q = randomQuery();
        IntPredicate even = i -> i % 2 == 0;
        for (String index : INDICES) {
            Hits hits = search(index, query("v", q, 10, 20, new TermQueryBuilder("tag", "even"), false, null), 10);
            assertRanking(index, bruteForce(q, even, 10), hits);
            Hits exact = search(index, query("v", q, 10, null, new TermQueryBuilder("tag", "even"), true, null), 12);
            assertRanking(index + " exact", bruteForce(q, even, 12), exact);
        }
    }

    public void testSimilarityThresholdDropsFartherDocuments() {
        float[] q = vectors[3];
        Ranked all = bruteForce(q, i -> true, DOCS);
        float threshold = all.score(7) - 1e-4f; // keeps the first eight
        for (String index : INDICES) {
            for (boolean exact : new boolean[] { false, true }) {
                RetrievalKnnQueryBuilder knn = new RetrievalKnnQueryBuilder("v", q, null, 20, null, null, threshold, exact, null);
                Hits hits = search(index, knn, 20);
                assertRanking(index + " exact=" + exact, bruteForce(q, i -> true, 8), hits);
            }
        }
    }

    public void testAverageQueryExpansionTakesTheGlobalTopN() {
        float[] q = randomQuery();
        int n = randomIntBetween(2, 12);
        float[] expanded = expanded(q, i -> true, n, 0f);
        Ranked expected = bruteForce(expanded, i -> true, 10);
        Hits multi = search(MULTI, query("v", q, 10, 30, null, false, new QueryExpansion(QueryExpansion.Method.AQE, n, 0f)), 10);
        Hits single = search(SINGLE, query("v", q, 10, 30, null, false, new QueryExpansion(QueryExpansion.Method.AQE, n, 0f)), 10);
        assertRanking("multi-shard", expected, multi);
        assertRanking("single shard", expected, single);
        assertArrayEquals(single.ids, multi.ids);
        // the expansion changed the query: the plain query ranks differently or scores differently
        Hits plain = search(MULTI, query("v", q, 10, 30, null, false, null), 10);
        assertFalse(Arrays.equals(plain.scores, multi.scores));
    }

    public void testAlphaQueryExpansionWithFilterAndExactMode() {
        float[] q = randomQuery();
        float alpha = randomFrom(0.5f, 3f);
        IntPredicate odd = i -> i % 2 == 1;
        float[] expanded = expanded(q, odd, 6, alpha);
        Ranked expected = bruteForce(expanded, odd, 15);
        for (String index : INDICES) {
            for (String field : new String[] { "v", "v_int8" }) {
                Hits hits = search(index, query(field, q, 15, null, new TermQueryBuilder("tag", "odd"), true,
                    new QueryExpansion(QueryExpansion.Method.ALPHA_QE, 6, alpha)), 15);
                assertRanking(index + "/" + field, expected, hits);
            }
        }
        // alpha changes the expanded query when the similarities differ
        assertFalse(Arrays.equals(expanded, expanded(q, odd, 6, 0f)));
    }

    /**
     * {@code query_document} searches with the document's stored vector: exact, it ranks as the brute force of that vector;
     * approximate, it gives the very hits of the same search by {@code query_vector} (Lucene's kNN over several segments prunes
     * with a shared, greedy bound even on a {@code flat} field, so it need not be the brute force: seed 4AA9755BACE7 misses
     * the 10th neighbour of document 99 on the one-shard index).
     */
    public void testQueryDocumentUsesItsStoredVector() {
        int doc = randomIntBetween(0, DOCS - 1);
        for (String index : INDICES) {
            RetrievalKnnQueryBuilder byDocument = new RetrievalKnnQueryBuilder("v", null, new QueryDocument(SINGLE, Integer.toString(doc)),
                10, null, null, null, true, null);
            Hits hits = search(index, byDocument, 10);
            assertRanking(index, bruteForce(vectors[doc], i -> true, 10), hits);
            assertEquals(doc, hits.ids[0]);

            Hits approximate = search(index, new RetrievalKnnQueryBuilder("v", null, new QueryDocument(SINGLE, Integer.toString(doc)),
                10, null, null, null, false, null), 10);
            Hits byVector = search(index, new RetrievalKnnQueryBuilder("v", vectors[doc], null, 10, null, null, null, false, null), 10);
            assertArrayEquals(index, byVector.ids, approximate.ids);
            assertArrayEquals(index, byVector.scores, approximate.scores, 0f);

            RetrievalKnnQueryBuilder expandedByDocument = new RetrievalKnnQueryBuilder("v", null,
                new QueryDocument(MULTI, Integer.toString(doc)), 10, null, null, null, true,
                new QueryExpansion(QueryExpansion.Method.AQE, 5, 0f));
            assertRanking(index + " AQE", bruteForce(expanded(vectors[doc], i -> true, 5, 0f), i -> true, 10),
                search(index, expandedByDocument, 10));
        }
    }

    public void testHnswAndInt8HnswFindTheQueryDocumentFirst() {
        int doc = randomIntBetween(0, DOCS - 1);
        for (String index : INDICES) {
            for (String field : new String[] { "v_hnsw", "v_int8" }) {
                RetrievalKnnQueryBuilder knn = new RetrievalKnnQueryBuilder(field, null, new QueryDocument(index, Integer.toString(doc)), 5,
                    100, null, null, false, new QueryExpansion(QueryExpansion.Method.AQE, 3, 0f));
                Hits hits = search(index, knn, 5);
                assertEquals(index + "/" + field + " " + Arrays.toString(hits.ids), 5, hits.ids.length);
            }
            Hits hnsw = search(index, new RetrievalKnnQueryBuilder("v_hnsw", vectors[doc], null, 5, 100, null, null, false, null), 5);
            assertEquals(doc, hnsw.ids[0]);
            assertEquals(1f, hnsw.scores[0], TOLERANCE);
            Hits int8 = search(index, new RetrievalKnnQueryBuilder("v_int8", vectors[doc], null, 5, 100, null, null, false, null), 5);
            assertEquals(doc, int8.ids[0]);
            assertEquals(1f, int8.scores[0], 0.02f); // scored on the int8 quantised vectors
        }
    }

    public void testWorksInsideABoolQueryOverHttp() throws IOException {
        float[] q = randomQuery();
        String body = "{\"size\": 5, \"query\": {\"bool\": {\"must\": [{\"retrieval_knn\": {\"field\": \"v\", \"query_vector\": "
            + Arrays.toString(q) + ", \"k\": 5, \"expansion\": {\"method\": \"aqe\", \"n\": 4}}}], "
            + "\"filter\": [{\"term\": {\"tag\": \"even\"}}]}}}";
        Map<String, Object> response = call(getRestClient(), "POST", "/" + MULTI + "/_search", body);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
        // the bool's filter applies after the per-shard top k: the first even one among the shards' top 5 (each shard's
        // documents are read back from the index)
        Map<Integer, Integer> shardOf = new java.util.HashMap<>();
        assertResponse(prepareSearch(MULTI).setSize(DOCS), all -> {
            for (SearchHit hit : all.getHits().getHits()) {
                shardOf.put(Integer.parseInt(hit.getId()), hit.getShard().getShardId().id());
            }
        });
        assertEquals(DOCS, shardOf.size());
        Ranked expected = bruteForce(expanded(q, i -> true, 4, 0f), i -> true, DOCS);
        Map<Integer, Integer> takenPerShard = new java.util.HashMap<>();
        int firstEven = -1;
        for (int id : expected.ids()) {
            if (takenPerShard.merge(shardOf.get(id), 1, Integer::sum) <= 5 && id % 2 == 0) {
                firstEven = id;
                break;
            }
        }
        assertFalse(hits.isEmpty());
        int best = Integer.parseInt((String) hits.get(0).get("_id"));
        assertEquals(firstEven, best);
    }

    public void testBadInputIs400NamingTheProblem() {
        String index = randomFrom(INDICES);
        assertBadRequest(index, "{\"field\": \"nope\", \"query_vector\": " + Arrays.toString(vectors[0]) + "}",
            "field [nope] does not exist in the mapping");
        assertBadRequest(index, "{\"field\": \"tag\", \"query_vector\": " + Arrays.toString(vectors[0]) + "}",
            "field [tag] is of type [keyword], not [dense_vector]");
        assertBadRequest(index, "{\"field\": \"v\", \"query_vector\": [0.6, 0.8]}", "different number of dimensions [2]");
        assertBadRequest(index, "{\"field\": \"v\", \"query_vector\": [0.6, 0.8], \"expansion\": {\"method\": \"aqe\"}}",
            "different number of dimensions [2]");
        assertBadRequest(index, "{\"field\": \"v\", \"query_document\": {\"index\": \"" + MULTI + "\", \"id\": \"no-such-doc\"}}",
            "query_document [no-such-doc] does not exist in index [" + MULTI + "]");
        assertBadRequest(index, "{\"field\": \"v\", \"query_document\": {\"index\": \"no-such-index\", \"id\": \"1\"}}",
            "query_document index [no-such-index] does not exist");
        assertBadRequest(index, "{\"field\": \"v\", \"query_vector\": [1, \"NaN\"]}", "must be finite but element [1] is [NaN]");
        assertBadRequest(index, "{\"field\": \"v\", \"query_vector\": [1], \"k\": 20, \"num_candidates\": 10}",
            "[num_candidates] must be between [k] (20) and 10000 but was [10]");
    }

    private static void assertBadRequest(String index, String knn, String message) {
        ResponseException e = failure(getRestClient(), "POST", "/" + index + "/_search",
            "{\"query\": {\"retrieval_knn\": " + knn + "}}");
        assertEquals(knn + " -> " + e.getMessage(), 400, status(e));
        assertThat(e.getMessage(), containsString(message));
    }
}
