package org.instanceretrieval.es.query;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.index.query.MatchAllQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.junit.Before;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertResponse;

/**
 * Multi-image {@code retrieval_knn} queries ({@code query_vectors}, {@code query_documents}) on an index of three
 * shards in a cluster of two data nodes: rankings and scores equal a brute-force loop written here from the
 * definition (every document's mean or maximum member similarity, mapped as the field's kNN score), with
 * {@code exact}, with the per-shard kNN candidates, and with AQE started from the whole set.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class QueryVectorSetIT extends RetrievalIntegTestCase {

    private static final int DOCS = 120;
    private static final int DIMS = 8;
    private static final String INDEX = "set-vectors";
    private static final float TOLERANCE = 2e-6f;

    private float[][] vectors;

    @Before
    public void indexVectors() {
        vectors = new float[DOCS][DIMS];
        for (int i = 0; i < DOCS; i++) {
            double norm = 0;
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = (float) random().nextGaussian();
                norm += vectors[i][j] * vectors[i][j];
            }
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = (float) (vectors[i][j] / Math.sqrt(norm));
            }
        }
        String flat = "\"index_options\": {\"type\": \"flat\"}";
        assertAcked(prepareCreate(INDEX).setSettings(indexSettings(3, 0)).setMapping("{\"properties\": {"
            + "\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\", " + flat + "},"
            + "\"v_l2\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"l2_norm\", " + flat + "}}}"));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(i)).setSource(Map.of("v", vectors[i], "v_l2", vectors[i])));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(INDEX);
    }

    // ---- the definition, written out here ----

    /** The aggregated member similarity: dot products (dot_product) or minus l2 distances (l2_norm), mean or max. */
    private static double similarity(boolean l2, float[][] members, float[] d, Aggregation aggregation) {
        double aggregated = aggregation == Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (float[] q : members) {
            double s = 0;
            for (int j = 0; j < d.length; j++) {
                s += l2 ? (q[j] - d[j]) * (q[j] - d[j]) : q[j] * d[j];
            }
            s = l2 ? -Math.sqrt(s) : s;
            aggregated = aggregation == Aggregation.MAX ? Math.max(aggregated, s) : aggregated + s;
        }
        return aggregation == Aggregation.MAX ? aggregated : aggregated / members.length;
    }

    /** Elasticsearch's kNN score of a similarity: {@code max((1 + s) / 2, 0)} for dot_product, {@code 1 / (1 + d^2)} for l2_norm. */
    private static double score(boolean l2, double s) {
        return l2 ? 1 / (1 + s * s) : Math.max((1 + s) / 2, 0);
    }

    /** Documents among {@code candidates}, ranked by their aggregated score, with the scores. */
    private List<double[]> bruteForce(boolean l2, float[][] members, Aggregation aggregation, Iterable<Integer> candidates) {
        List<double[]> ranked = new ArrayList<>();
        for (int i : candidates) {
            ranked.add(new double[] { i, score(l2, similarity(l2, members, vectors[i], aggregation)) });
        }
        ranked.sort(Comparator.comparingDouble((double[] r) -> -r[1]).thenComparingDouble(r -> r[0]));
        return ranked;
    }

    private static List<Integer> all() {
        return IntStream.range(0, DOCS).boxed().toList();
    }

    private float[][] randomMembers(int m) {
        float[][] members = new float[m][];
        for (int i = 0; i < m; i++) {
            members[i] = vectors[randomIntBetween(0, DOCS - 1)].clone();
            for (int j = 0; j < DIMS; j++) {
                members[i][j] += (float) (random().nextGaussian() * 0.1);
            }
            double norm = 0;
            for (float x : members[i]) {
                norm += x * x;
            }
            for (int j = 0; j < DIMS; j++) {
                members[i][j] = (float) (members[i][j] / Math.sqrt(norm)); // dot_product needs unit query vectors
            }
        }
        return members;
    }

    private static RetrievalKnnQueryBuilder query(String field, QueryVectorSet set, int k, Integer numCandidates, boolean exact,
                                                  QueryExpansion expansion) {
        return new RetrievalKnnQueryBuilder(field, new QueryVectorSource(RetrievalKnnQueryBuilder.NAME, null, null, null, set), k,
            numCandidates, null, null, exact, expansion);
    }

    private static QueryVectorSet vectorsSet(float[][] members, Aggregation aggregation) {
        return new QueryVectorSet(RetrievalKnnQueryBuilder.NAME, members, null, null, aggregation);
    }

    /** The hits' ids and scores, in order. */
    private List<double[]> search(QueryBuilder query, int size) {
        List<double[]> hits = new ArrayList<>();
        assertResponse(prepareSearch(INDEX).setQuery(query).setSize(size), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                hits.add(new double[] { Integer.parseInt(hit.getId()), hit.getScore() });
            }
        });
        return hits;
    }

    /** Same length, same scores at each rank, same ids except where neighbouring scores are within the tolerance. */
    private static void assertRanking(String what, List<double[]> expected, List<double[]> actual) {
        String shown = what + ": expected " + render(expected) + " but got " + render(actual);
        assertEquals(shown, expected.size(), actual.size());
        for (int j = 0; j < expected.size(); j++) {
            assertEquals(shown, expected.get(j)[1], actual.get(j)[1], TOLERANCE);
            boolean nearTie = (j > 0 && expected.get(j - 1)[1] - expected.get(j)[1] < 2 * TOLERANCE)
                || (j + 1 < expected.size() && expected.get(j)[1] - expected.get(j + 1)[1] < 2 * TOLERANCE);
            if (nearTie == false) {
                assertEquals(shown, (int) expected.get(j)[0], (int) actual.get(j)[0]);
            }
        }
    }

    private static String render(List<double[]> ranked) {
        StringBuilder s = new StringBuilder("[");
        for (double[] r : ranked.subList(0, Math.min(ranked.size(), 12))) {
            s.append((int) r[0]).append('=').append((float) r[1]).append(' ');
        }
        return s.append(ranked.size() > 12 ? "...]" : "]").toString();
    }

    // ---- tests ----

    public void testExactAvgAndMaxEqualTheBruteForce() {
        float[][] members = randomMembers(3);
        for (Aggregation aggregation : Aggregation.values()) {
            for (boolean l2 : new boolean[] { false, true }) {
                List<double[]> expected = bruteForce(l2, members, aggregation, all());
                List<double[]> actual = search(query(l2 ? "v_l2" : "v", vectorsSet(members, aggregation), 10, null, true, null), 25);
                assertRanking(aggregation + (l2 ? " l2" : " dot"), expected.subList(0, 25), actual);
            }
        }
    }

    public void testCandidatesAreTheUnionOfEveryMembersNearestPerShard() {
        Map<Integer, Integer> shardOf = new HashMap<>();
        assertResponse(prepareSearch(INDEX).setQuery(new MatchAllQueryBuilder()).setSize(DOCS), response -> {
            for (SearchHit hit : response.getHits().getHits()) {
                shardOf.put(Integer.parseInt(hit.getId()), hit.getShard().getShardId().id());
            }
        });
        assertEquals(DOCS, shardOf.size());
        float[][] members = randomMembers(randomIntBetween(2, 4));
        int k = 4;
        // a flat field: each member's kNN query is exact, its top k on each shard
        Set<Integer> union = new LinkedHashSet<>();
        for (int shard = 0; shard < 3; shard++) {
            int s = shard;
            for (float[] member : members) {
                List<Integer> onShard = new ArrayList<>(all().stream().filter(i -> shardOf.get(i) == s).toList());
                onShard.sort(Comparator.comparingDouble(i -> -similarity(false, new float[][] { member }, vectors[i], Aggregation.AVG)));
                union.addAll(onShard.subList(0, Math.min(k, onShard.size())));
            }
        }
        for (Aggregation aggregation : Aggregation.values()) {
            List<double[]> expected = bruteForce(false, members, aggregation, union);
            List<double[]> actual = search(query("v", vectorsSet(members, aggregation), k, 20, false, null), DOCS);
            assertRanking(aggregation + " union of " + union.size(), expected, actual);
        }
    }

    public void testAqeStartsFromTheWholeSet() {
        float[][] members = randomMembers(3);
        int n = 5;
        for (Aggregation aggregation : Aggregation.values()) {
            // first round: the global top n by the aggregated similarity; new query L2(sum of members + sum of the top n)
            List<double[]> first = bruteForce(false, members, aggregation, all());
            float[] expanded = new float[DIMS];
            for (float[] member : members) {
                for (int j = 0; j < DIMS; j++) {
                    expanded[j] += member[j];
                }
            }
            for (double[] hit : first.subList(0, n)) {
                for (int j = 0; j < DIMS; j++) {
                    expanded[j] += vectors[(int) hit[0]][j];
                }
            }
            double norm = 0;
            for (float x : expanded) {
                norm += x * x;
            }
            for (int j = 0; j < DIMS; j++) {
                expanded[j] = (float) (expanded[j] / Math.sqrt(norm));
            }
            List<double[]> expected = bruteForce(false, new float[][] { expanded }, Aggregation.AVG, all()).subList(0, 20);
            QueryExpansion aqe = new QueryExpansion(QueryExpansion.Method.AQE, n, 0f);
            assertRanking("aqe " + aggregation, expected, search(query("v", vectorsSet(members, aggregation), 10, null, true, aqe), 20));
        }
    }

    public void testQueryDocumentsAreTheirStoredVectors() {
        int[] ids = { randomIntBetween(0, 39), randomIntBetween(40, 79), randomIntBetween(80, 119) };
        float[][] members = Arrays.stream(ids).mapToObj(i -> vectors[i]).toArray(float[][]::new);
        List<QueryDocument> documents = Arrays.stream(ids).mapToObj(i -> new QueryDocument(INDEX, Integer.toString(i))).toList();
        for (Aggregation aggregation : Aggregation.values()) {
            QueryVectorSet set = new QueryVectorSet(RetrievalKnnQueryBuilder.NAME, null, documents, null, aggregation);
            List<double[]> expected = bruteForce(false, members, aggregation, all()).subList(0, 15);
            assertRanking("documents " + aggregation, expected, search(query("v", set, 10, null, true, null), 15));
        }
        QueryVectorSet missing = new QueryVectorSet(RetrievalKnnQueryBuilder.NAME, null,
            List.of(new QueryDocument(INDEX, "0"), new QueryDocument(INDEX, "nope")), null, Aggregation.AVG);
        Exception e = expectThrows(Exception.class, () -> search(query("v", missing, 10, null, true, null), 5));
        assertTrue(e.toString(), org.elasticsearch.ExceptionsHelper.unwrapCause(e).getMessage()
            .contains("[retrieval_knn] query_documents [nope] does not exist in index [" + INDEX + "]"));
    }
}
