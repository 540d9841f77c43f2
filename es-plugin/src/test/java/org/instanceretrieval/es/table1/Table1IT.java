package org.instanceretrieval.es.table1;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;

/**
 * Table 1 of the contrastive-model study (G, +AQE, +DFS, +DBA and their combinations) end to
 * end on a cluster of two data nodes: every configuration is ONE {@code _search} request
 * ({@code retrieval_knn}, its {@code expansion}, the {@code diffusion} rescorer, over the field
 * the DBA job wrote), and
 * <ol>
 *   <li>the returned ranking and scores equal a pipeline computed here independently of
 *       lucene-ext ({@link BruteForce#alphaQe}, {@link BruteForce#alphaDba},
 *       {@link BruteForce#diffusion}: plain loops on dense arrays) on the same vectors, mirroring what the request does: exact scores over every document, AQE's
 *       first round over the whole index, diffusion on each shard's own window, shards merged
 *       by score (ties: shard order, then each shard's own order);</li>
 *   <li>the mAP of those rankings ({@link BruteForce#averagePrecision}, positives = the query's
 *       cluster) moves the expected way on clustered data: +AQE above G on both indices, and
 *       +DFS and +AQE+DFS above G on the one-shard index, where the rescorer's per-shard graph is
 *       the whole window.</li>
 * </ol>
 * The data: clusters that are noisy chains (random walks) on the unit sphere; each query is a
 * noisy copy of one member and is not indexed.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class Table1IT extends RetrievalIntegTestCase {

    private static final int DIMS = 32;
    private static final int CLUSTERS = 16;
    private static final int PER_CLUSTER = 30;
    private static final int DOCS = CLUSTERS * PER_CLUSTER;
    private static final int QUERIES_PER_CLUSTER = 2;
    /** The seed's AQE n, DBA n' and the n of AQE combined with DBA. */
    private static final int AQE_N = 10;
    private static final int DBA_N = 20;
    private static final int AQE_AFTER_DBA_N = 1;
    /** Diffusion: rescore window per shard and graph parameters sized for about 240 documents per shard. */
    private static final int WINDOW = 200;
    private static final int DFS_K = 10;
    private static final double GAMMA = 3;
    private static final double ALPHA = 0.99;
    private static final int QUERY_K = 10;

    private float[][] vectors;
    private int[] cluster;
    private float[][] queries;
    private int[] queryCluster;

    /** One ranked hit: document number, score, and for the reference the score before rounding to float. */
    record Hit(int doc, float score, double precise) {
        Hit(int doc, float score) {
            this(doc, score, score);
        }
    }

    private void generate(Random random) {
        vectors = new float[DOCS][];
        cluster = new int[DOCS];
        for (int c = 0; c < CLUSTERS; c++) {
            float[] position = unit(random);
            float[] direction = unit(random);
            for (int m = 0; m < PER_CLUSTER; m++) {
                float[] step = unit(random);
                for (int j = 0; j < DIMS; j++) {
                    step[j] = direction[j] + 0.7f * step[j];
                }
                BruteForce.l2InPlace(step);
                float[] noise = unit(random);
                float[] v = new float[DIMS];
                for (int j = 0; j < DIMS; j++) {
                    position[j] += 0.5f * step[j];
                    v[j] = position[j] + 0.5f * noise[j];
                }
                int doc = c * PER_CLUSTER + m;
                vectors[doc] = jsonExact(BruteForce.l2InPlace(v));
                cluster[doc] = c;
            }
        }
        queries = new float[CLUSTERS * QUERIES_PER_CLUSTER][];
        queryCluster = new int[queries.length];
        for (int i = 0; i < queries.length; i++) {
            int c = i / QUERIES_PER_CLUSTER;
            float[] member = vectors[c * PER_CLUSTER + random.nextInt(PER_CLUSTER)];
            float[] noise = unit(random);
            float[] q = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                q[j] = member[j] + 0.8f * noise[j];
            }
            queries[i] = jsonExact(BruteForce.l2InPlace(q));
            queryCluster[i] = c;
        }
    }

    /**
     * Rounds to multiples of 2^-16, which survive the trip through JSON exactly (the DBA job
     * and AQE read _source, whose numbers may be parsed through double: a float's shortest
     * decimal near a rounding boundary can come back one ulp off and, seed F1E39E89971, flip a
     * near-tie for a 20th DBA neighbour). Still unit length to about 1e-5.
     */
    private static float[] jsonExact(float[] v) {
        for (int j = 0; j < v.length; j++) {
            v[j] = Math.round(v[j] * 65536f) / 65536f;
        }
        return v;
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return BruteForce.l2InPlace(v);
    }

    private void createAndIndex(String index, int shards) {
        String field = "{\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"dot_product\"}";
        String mapping = "{\"properties\": {\"v\": " + field + ", \"v_dba\": " + field + "}}";
        assertAcked(prepareCreate(index).setSettings(indexSettings(shards, 0)).setMapping(mapping));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(index).setId(Integer.toString(i)).setSource(Map.of("v", vectors[i])));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(index);
    }

    public void testTable1OnTwoShardsAndOneShard() throws IOException {
        // Fixed data (not the test seed's): the mAP directions asserted at the end are facts about this data set; on
        // some random data sets +DFS falls below G (seed 768D54DBFB3), and a direction that only sometimes holds
        // would make the test flaky. The rankings and scores are checked against the reference whatever the data.
        generate(new Random(20261204L));
        // The reference DBA over the whole collection (the job reads all shards). The job
        // L2-normalises what it reads; that can move the last bit of a unit vector, and so
        // decide a near-tie for a 20th neighbour: normalise the same way.
        float[][] normalised = new float[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            normalised[i] = BruteForce.l2(vectors[i]);
        }
        float[][] augmented = BruteForce.alphaDba(normalised, DBA_N, 0);
        Map<String, Double> twoShards = runTable("table1-two-shards", 2, augmented);
        Map<String, Double> oneShard = runTable("table1-one-shard", 1, augmented);
        logger.info("table 1 mAP, two shards: {}", twoShards);
        logger.info("table 1 mAP, one shard: {}", oneShard);

        for (Map<String, Double> table : List.of(twoShards, oneShard)) {
            assertTrue("+AQE above G: " + table, table.get("+AQE") > table.get("G"));
        }
        assertTrue("+DFS above G on one shard: " + oneShard, oneShard.get("+DFS") > oneShard.get("G"));
        assertTrue("+AQE+DFS above G on one shard: " + oneShard, oneShard.get("+AQE+DFS") > oneShard.get("G"));
    }

    /** Runs every configuration of table 1 on a new index; returns the mAP of each, checked against the reference. */
    private Map<String, Double> runTable(String index, int shards, float[][] augmented) throws IOException {
        createAndIndex(index, shards);
        Map<String, Object> dba = call(getRestClient(), "POST", "/" + index + "/_retrieval/dba",
            "{\"field\": \"v\", \"target_field\": \"v_dba\", \"n\": " + DBA_N + "}");
        assertEquals("done", dba.get("state"));
        assertEquals(DOCS, ((Number) dba.get("doc_count")).intValue());
        int[][] shardDocs = shardDocuments(index, shards);
        int[] shardOf = new int[DOCS];
        for (int s = 0; s < shards; s++) {
            for (int doc : shardDocs[s]) {
                shardOf[doc] = s;
            }
        }

        Map<String, Double> map = new LinkedHashMap<>();
        for (String config : List.of("G", "+AQE", "+DFS", "+DBA", "+AQE+DFS", "+DBA+AQE", "+DBA+DFS", "+DBA+AQE+DFS")) {
            boolean withDba = config.contains("DBA");
            boolean withAqe = config.contains("AQE");
            boolean withDfs = config.contains("DFS");
            String field = withDba ? "v_dba" : "v";
            float[][] database = withDba ? augmented : vectors;
            int n = withDba ? AQE_AFTER_DBA_N : AQE_N;
            double sum = 0;
            for (int qi = 0; qi < queries.length; qi++) {
                float[] q = queries[qi];
                String body = requestBody(field, q, withAqe ? n : 0, withDfs);
                List<Hit> actual = hits(search(index, body));
                float[] firstRound = withAqe ? expand(q, database, n, shardOf) : q;
                List<Hit> expected = withDfs ? diffusion(database, shardDocs, firstRound, q) : exact(database, firstRound, shardOf);
                String what = index + " " + config + " query " + qi;
                assertRanking(what, expected, actual);
                sum += averagePrecision(actual, queryCluster[qi]);
            }
            map.put(config, sum / queries.length);
        }
        return map;
    }

    /** Score tolerance at score {@code s}: 1e-6 relative (absolute below 1). */
    private static float tolerance(float s) {
        return 1e-6f * Math.max(1f, Math.abs(s));
    }

    /**
     * The same documents in the same order, each score within {@link #tolerance} of the expected one at its rank.
     * The one allowance: two documents whose expected scores (before rounding to float) differ, but by no more than the tolerance, may
     * appear in either order. Their order is below the precision of float inputs: diffusion on the DBA vectors
     * (near-duplicates along a chain) gives such pairs, e.g. f = 37.6650164 and 37.6650162 here against
     * 37.6650142 and 37.6650173 from float-rounded similarities (fixed data, one shard, +DBA+DFS, query 11).
     * Exactly equal expected scores (true ties) must follow the tie rule.
     */
    private static void assertRanking(String what, List<Hit> expected, List<Hit> actual) {
        assertEquals(what + ": number of hits", expected.size(), actual.size());
        assertEquals(what + ": documents", docs(expected).stream().sorted().toList(), docs(actual).stream().sorted().toList());
        List<Integer> expectedDocs = docs(expected);
        for (int r = 0; r < expected.size(); r++) {
            float want = expected.get(r).score();
            assertEquals(what + ": score at rank " + r, want, actual.get(r).score(), tolerance(want));
            int got = actual.get(r).doc();
            if (got != expected.get(r).doc()) {
                double other = expected.get(expectedDocs.indexOf(got)).precise();
                double precise = expected.get(r).precise();
                assertTrue(what + ": ranking " + expectedDocs + " but was " + docs(actual) + "; rank " + r + " holds " + got + " (expected score "
                    + other + ") instead of " + expected.get(r).doc() + " (" + precise + ")",
                    other != precise && Math.abs(other - precise) <= tolerance(want));
            }
        }
    }

    /** The one request of a configuration: exact retrieval_knn, optionally expanded, optionally diffused. */
    private static String requestBody(String field, float[] q, int aqeN, boolean diffusion) {
        String expansion = aqeN == 0 ? "" : ", \"expansion\": {\"method\": \"aqe\", \"n\": " + aqeN + "}";
        String query = "{\"retrieval_knn\": {\"field\": \"" + field + "\", \"query_vector\": " + json(q) + ", \"k\": " + DOCS
            + ", \"exact\": true" + expansion + "}}";
        String rescore = diffusion == false ? "" : String.format(Locale.ROOT,
            ", \"rescore\": {\"window_size\": %d, \"diffusion\": {\"field\": \"%s\", \"query_vector\": %s, \"k\": %d, \"gamma\": %s,"
                + " \"alpha\": %s, \"query_k\": %d}}", WINDOW, field, json(q), DFS_K, GAMMA, ALPHA, QUERY_K);
        return "{\"size\": " + DOCS + ", \"_source\": false, \"query\": " + query + rescore + "}";
    }

    // ---- the reference pipeline ----

    /** Elasticsearch's score of an exact dot_product kNN: Lucene's DOT_PRODUCT similarity. */
    private static float score(float[] q, float[] d) {
        return VectorSimilarityFunction.DOT_PRODUCT.compare(q, d);
    }

    /**
     * Every document by exact score, descending; ties (DBA gives many: neighbours along a chain
     * share their neighbour lists) as Elasticsearch merges them: by shard, then by document
     * number, which is the Lucene document order within a shard (documents indexed, and updated
     * by the DBA job, in ascending number).
     */
    private static List<Hit> exact(float[][] database, float[] q, int[] shardOf) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < database.length; i++) {
            hits.add(new Hit(i, score(q, database[i])));
        }
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingInt((Hit h) -> shardOf[h.doc()]).thenComparingInt(Hit::doc));
        return hits;
    }

    /** AQE as the query's rewrite does it: the top n of the exact ranking, similarities q . d. */
    private static float[] expand(float[] q, float[][] database, int n, int[] shardOf) {
        List<Hit> top = exact(database, q, shardOf).subList(0, n);
        return BruteForce.alphaQe(q, database, top.stream().mapToInt(Hit::doc).toArray(), 0);
    }

    /**
     * The rescorer on each shard: the shard's top WINDOW by the first round's exact score, diffused
     * from {@code q}; shards merged by score, ties in shard order then each shard's own order.
     */
    private static List<Hit> diffusion(float[][] database, int[][] shardDocs, float[] firstRound, float[] q) {
        record Ranked(Hit hit, int shard, int position) {}
        List<Ranked> all = new ArrayList<>();
        for (int s = 0; s < shardDocs.length; s++) {
            int[] onShard = shardDocs[s];
            float[][] shardVectors = new float[onShard.length][];
            for (int i = 0; i < onShard.length; i++) {
                shardVectors[i] = database[onShard[i]];
            }
            List<Hit> firstPass = exact(shardVectors, firstRound, new int[onShard.length]);
            int window = Math.min(WINDOW, firstPass.size());
            float[][] windowVectors = new float[window][];
            for (int i = 0; i < window; i++) {
                windowVectors[i] = shardVectors[firstPass.get(i).doc()];
            }
            double[] f = BruteForce.diffusion(windowVectors, q, DFS_K, GAMMA, QUERY_K, ALPHA, 1e-6, 20);
            int[] ranking = BruteForce.rank(f);
            for (int r = 0; r < ranking.length; r++) {
                int doc = onShard[firstPass.get(ranking[r]).doc()];
                all.add(new Ranked(new Hit(doc, (float) f[ranking[r]], f[ranking[r]]), s, r));
            }
        }
        all.sort(Comparator.comparingDouble((Ranked x) -> -x.hit().score()).thenComparingInt(Ranked::shard).thenComparingInt(Ranked::position));
        return all.stream().map(Ranked::hit).toList();
    }

    /** Trapezoidal AP (revisitop) of a ranking, the positives being the query's cluster, no junk. */
    private double averagePrecision(List<Hit> ranking, int queryClusterId) {
        Set<Integer> positives = new HashSet<>();
        for (int doc = 0; doc < DOCS; doc++) {
            if (cluster[doc] == queryClusterId) {
                positives.add(doc);
            }
        }
        assertEquals(PER_CLUSTER, positives.size());
        return BruteForce.averagePrecision(docs(ranking), positives, Set.of());
    }

    // ---- requests ----

    /** Document numbers on each shard, ascending (from searches restricted to one shard). */
    private int[][] shardDocuments(String index, int shards) throws IOException {
        int[][] result = new int[shards][];
        int total = 0;
        for (int s = 0; s < shards; s++) {
            List<Map<String, Object>> onShard = hitMaps(call(getRestClient(), "POST", "/" + index + "/_search?preference=_shards:" + s,
                "{\"size\": " + DOCS + ", \"_source\": false, \"query\": {\"match_all\": {}}}"));
            result[s] = onShard.stream().mapToInt(h -> Integer.parseInt((String) h.get("_id"))).sorted().toArray();
            total += result[s].length;
        }
        assertEquals(DOCS, total);
        return result;
    }

    private Map<String, Object> search(String index, String body) throws IOException {
        return call(getRestClient(), "POST", "/" + index + "/_search", body);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hitMaps(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    private static List<Hit> hits(Map<String, Object> response) {
        return hitMaps(response).stream()
            .map(h -> new Hit(Integer.parseInt((String) h.get("_id")), ((Number) h.get("_score")).floatValue()))
            .toList();
    }

    private static List<Integer> docs(List<Hit> hits) {
        return hits.stream().map(Hit::doc).toList();
    }

    private static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }
}
