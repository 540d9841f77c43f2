package org.instanceretrieval.es.query;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.junit.Before;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;

/**
 * Expansion started from a <b>set</b> of query vectors ({@code query_vectors}, {@code query_documents}) on an
 * index of three shards spread over two data nodes, sent over HTTP to a random node: query-set expansion and
 * AQE / alpha-QE are compared with a short brute-force loop written here from the retrieval definitions
 * ("Query-set expansion", "Query expansion") and docs/api.md ("Multi-image queries", "Expansion from a set"),
 * independent of the plugin's classes. Vectors are seeded random points around 80 cluster centres.
 *
 * <p>The expected side, query-set expansion: the first round ranks every document by the aggregated
 * similarity to the set ({@code query_aggregation}: mean or max of the member dot products), the pool is its
 * top {@code pool}; {@code Q} starts as the set's members; each iteration computes {@code s_set} (sparsity, then
 * the expansion's own {@code aggregation} over {@code Q}), ranks the pool by it (ties: first-round order) and
 * adds the first {@code k} non-members ({@code top_k}) or every non-member with {@code s_set >= threshold};
 * an iteration adding none stops; the pool is ranked by the final {@code s_set}, then the first round's hits
 * after the pool follow in first-round order. Scores: the field's kNN mapping of {@code s_set}, made strictly
 * decreasing by the documented one-ulp rule. A query document of {@code query_documents} is a pool item like
 * any other and joins {@code Q} a second time. AQE from a set: {@code L2(sum_i q_i + sum_j w_j d_j)} over the
 * top {@code n}, {@code w_j = max(s_j, 0)^alpha} with {@code s_j} the aggregated dot product (1 for AQE).
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class QuerySetFromSetIT extends RetrievalIntegTestCase {

    private static final int DOCS = 2_000;
    private static final int DIMS = 16;
    private static final int CLUSTERS = 80;
    private static final String INDEX = "qs-from-set";

    /** Unit vectors (fields {@code v}: dot_product, {@code v_cos}: cosine, scaled by 2-4 in the index). */
    private float[][] vectors;
    /** The {@code v_mip} (max_inner_product) vectors: the unit vectors scaled by 0.5-1.25. */
    private float[][] mip;

    @Before
    public void indexVectors() {
        float[][] centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = gaussian(1);
        }
        vectors = new float[DOCS][];
        mip = new float[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            float[] v = centres[i % CLUSTERS].clone();
            float[] noise = gaussian(0.3);
            for (int j = 0; j < DIMS; j++) {
                v[j] += noise[j];
            }
            vectors[i] = BruteForce.l2(v);
            mip[i] = scaled(vectors[i], 0.5f + 0.25f * (i % 4));
        }
        String flat = ", \"index_options\": {\"type\": \"flat\"}}";
        String dense = "{\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": ";
        assertAcked(prepareCreate(INDEX).setSettings(indexSettings(3, 0)).setMapping("{\"properties\": {\"v\": " + dense
            + "\"dot_product\"" + flat + ", \"v_cos\": " + dense + "\"cosine\"" + flat + ", \"v_mip\": " + dense
            + "\"max_inner_product\"" + flat + "}}"));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(i))
                .setSource(Map.of("v", vectors[i], "v_cos", scaled(vectors[i], 2 + i % 3), "v_mip", mip[i])));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(INDEX);
        // the three shards are spread over both nodes
        assertEquals(2, internalCluster().nodesInclude(INDEX).size());
    }

    private float[] gaussian(double sigma) {
        float[] v = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) (sigma * random().nextGaussian());
        }
        return v;
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = v.clone();
        for (int j = 0; j < out.length; j++) {
            out[j] *= factor;
        }
        return out;
    }

    // ---- the definitions as loops (no plugin or lucene-ext code) ----

    /** The options of {@code "expansion": {"method": "query_set", ...}}; sparsity may be null. */
    record Options(int pool, String aggregation, String select, int k, double threshold, Double sparsity, int iterations) {
        String json() {
            return String.format(Locale.ROOT, "{\"method\": \"query_set\", \"pool\": %d, \"aggregation\": \"%s\", \"select\": \"%s\", %s"
                + "\"sparsity\": %s, \"iterations\": %d}", pool, aggregation, select, select.equals("top_k") ? "\"k\": " + k + ", "
                : "\"threshold\": " + threshold + ", ", sparsity, iterations);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    /** Mean ("avg") or maximum ("max") of the member dot products, each first set to 0 below {@code sparsity} (null: none). */
    private static double aggregate(List<float[]> set, float[] d, String aggregation, Double sparsity) {
        double agg = aggregation.equals("avg") ? 0 : Double.NEGATIVE_INFINITY;
        for (float[] member : set) {
            double x = dot(member, d);
            x = sparsity != null && x < sparsity ? 0 : x;
            agg = aggregation.equals("avg") ? agg + x : Math.max(agg, x);
        }
        return aggregation.equals("avg") ? agg / set.size() : agg;
    }

    /** The field's kNN score of a dot product s: (1 + s) / 2 (at least 0), or max_inner_product's mapping. */
    private static float score(boolean maxInnerProduct, double s) {
        return (float) (maxInnerProduct ? (s < 0 ? 1 / (1 - s) : 1 + s) : Math.max((1 + s) / 2, 0));
    }

    /** The expected hits with their s_set (pool) or first-round similarity (after the pool), and each hit's first-round similarity. */
    record Expected(int[] ids, float[] scores, double[] setScores, double[] firstRound, int poolSize) {}

    /** Query-set expansion of {@code set} over {@code db} (documents as the field compares them), {@code k = size}. */
    private static Expected querySet(float[][] db, boolean mipField, List<float[]> set, String queryAggregation, Options o, int size) {
        double[] first = new double[db.length];
        for (int i = 0; i < db.length; i++) {
            first[i] = aggregate(set, db[i], queryAggregation, null);
        }
        int[] order = BruteForce.rank(first);
        int n = Math.min(Math.max(o.pool(), size), db.length);
        int[] pool = Arrays.copyOf(order, Math.min(o.pool(), n));
        List<float[]> q = new ArrayList<>(set);
        boolean[] joined = new boolean[pool.length];
        double[] s = setScores(db, pool, q, o);
        for (int it = 0; it < o.iterations(); it++) {
            int added = 0;
            for (int i : BruteForce.rank(s)) { // ties: pool index, i.e. first-round order
                if (joined[i] == false && (o.select().equals("top_k") ? added < o.k() : s[i] >= o.threshold())) {
                    joined[i] = true;
                    q.add(db[pool[i]]);
                    added++;
                }
            }
            if (added == 0) {
                break;
            }
            s = setScores(db, pool, q, o);
        }
        int[] ids = new int[n];
        float[] scores = new float[n];
        double[] setScores = new double[n];
        double[] firstRound = new double[n];
        int[] ranked = BruteForce.rank(s);
        for (int r = 0; r < pool.length; r++) {
            ids[r] = pool[ranked[r]];
            setScores[r] = s[ranked[r]];
            scores[r] = score(mipField, s[ranked[r]]);
        }
        strictlyDecreasing(scores, 0, pool.length);
        double scale = n > pool.length ? Math.min(1, Math.nextDown(scores[pool.length - 1]) / (double) score(mipField, first[order[pool
            .length]])) : 1;
        for (int r = pool.length; r < n; r++) {
            ids[r] = order[r];
            setScores[r] = first[order[r]];
            scores[r] = (float) (scale * score(mipField, first[order[r]]));
        }
        strictlyDecreasing(scores, pool.length, n);
        for (int r = 0; r < n; r++) {
            firstRound[r] = first[ids[r]];
        }
        return new Expected(ids, scores, setScores, firstRound, pool.length);
    }

    private static double[] setScores(float[][] db, int[] pool, List<float[]> q, Options o) {
        double[] s = new double[pool.length];
        for (int i = 0; i < pool.length; i++) {
            s[i] = aggregate(q, db[pool[i]], o.aggregation(), o.sparsity());
        }
        return s;
    }

    /** The documented tie rule: a score not below the previous one becomes the next float below it (never below 0). */
    private static void strictlyDecreasing(float[] scores, int from, int to) {
        for (int r = Math.max(from, 1); r < to; r++) {
            scores[r] = Math.max(0f, Math.min(scores[r], Math.nextDown(scores[r - 1])));
        }
    }

    // ---- requests ----

    private record Hits(int[] ids, float[] scores) {}

    /** A search over HTTP on a random node of {@code retrieval_knn} with the given JSON members and options. */
    private Hits search(String field, String members, String queryAggregation, String expansion, int size) throws IOException {
        String body = "{\"size\": " + size + ", \"_source\": false, \"query\": {\"retrieval_knn\": {\"field\": \"" + field + "\", "
            + members + ", \"query_aggregation\": \"" + queryAggregation + "\", \"k\": " + size + ", \"exact\": true, \"expansion\": "
            + expansion + "}}}";
        try (RestClient client = clientOf(randomFrom(internalCluster().getNodeNames()))) {
            Map<String, Object> response = call(client, "POST", "/" + INDEX + "/_search", body);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
            int[] ids = new int[hits.size()];
            float[] scores = new float[hits.size()];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = Integer.parseInt((String) hits.get(j).get("_id"));
                scores[j] = ((Number) hits.get(j).get("_score")).floatValue();
            }
            return new Hits(ids, scores);
        }
    }

    private static String queryVectors(List<float[]> set) {
        return "\"query_vectors\": [" + set.stream().map(Arrays::toString).collect(Collectors.joining(", ")) + "]";
    }

    private static String queryDocuments(int[] ids) {
        return "\"query_documents\": [" + Arrays.stream(ids).mapToObj(id -> "{\"index\": \"" + INDEX + "\", \"id\": \"" + id + "\"}")
            .collect(Collectors.joining(", ")) + "]";
    }

    // ---- assertions ----

    /**
     * Every score to {@code tolerance}; the pool's documents exactly, each next pool hit ranked no higher by
     * s_set (to 1e-6) and, where the s_set values are equal (exact ties, as sparsity makes them), in first-round
     * order (to 1e-6: first-round similarities that close may round to one float score and come back in
     * either order); after the pool, first-round order up to swaps of first-round similarities within 1e-6, and at the
     * cut of {@code size} another document whose score equals the last expected one to {@code tolerance}.
     *
     * @return the number of neighbouring pool hits with equal s_set whose order the first round decided (the tie order checked)
     */
    private static int assertHits(String what, Expected expected, Hits actual, float tolerance) {
        String shown = what + "\nexpected " + Arrays.toString(Arrays.copyOf(expected.ids, Math.min(30, expected.ids.length)))
            + "\n     got " + Arrays.toString(Arrays.copyOf(actual.ids, Math.min(30, actual.ids.length)));
        assertEquals(shown, expected.ids.length, actual.ids.length);
        Map<Integer, Integer> at = new HashMap<>();
        for (int r = 0; r < expected.ids.length; r++) {
            at.put(expected.ids[r], r);
        }
        int pool = Math.min(expected.poolSize, expected.ids.length);
        int ties = 0;
        for (int r = 0; r < actual.ids.length; r++) {
            assertEquals(shown + "\nscore at " + r, expected.scores[r], actual.scores[r], tolerance);
            Integer e = at.get(actual.ids[r]);
            if (e == null && r >= pool && Math.abs(actual.scores[r] - expected.scores[expected.ids.length - 1]) <= tolerance) {
                // after the pool, at the cut of size: a document whose first-round score equals the last expected one to the
                // tolerance may take its place (the shards rank float scores, this test doubles); its score is checked above
                continue;
            }
            assertNotNull(shown + "\nunexpected id " + actual.ids[r] + " at " + r, e);
            assertEquals(shown + "\nid " + actual.ids[r] + " at " + r + " is a pool hit in one ranking only", r < pool, e < pool);
            if (r == 0) {
                continue;
            }
            Integer previousAt = at.get(actual.ids[r - 1]);
            if (previousAt == null) {
                continue; // the previous hit was a near-tie at the cut (above)
            }
            int p = previousAt;
            double previous = expected.setScores[p];
            double current = expected.setScores[e];
            String pair = shown + "\nids " + actual.ids[r - 1] + ", " + actual.ids[r] + " at " + (r - 1) + ", " + r + ": s " + previous
                + ", " + current + ", first round " + expected.firstRound[p] + ", " + expected.firstRound[e];
            if (r < pool || r > pool) {
                assertTrue(pair, previous >= current - 1e-6);
            }
            if (r < pool && previous == current || r > pool) {
                assertTrue(pair, expected.firstRound[p] >= expected.firstRound[e] - 1e-6);
                ties += r < pool && Math.abs(expected.firstRound[p] - expected.firstRound[e]) > 1e-6 ? 1 : 0;
            }
        }
        return ties;
    }

    /** Whether two neighbouring expected pool hits have equal s_set and first-round similarities more than 1e-5 apart. */
    private static boolean hasPoolTies(Expected e) {
        for (int r = 1; r < Math.min(e.poolSize, e.ids.length); r++) {
            if (e.setScores[r - 1] == e.setScores[r] && Math.abs(e.firstRound[r - 1] - e.firstRound[r]) > 1e-5) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code size} expected hits. */
    private static Expected top(Expected e, int size) {
        return new Expected(Arrays.copyOf(e.ids, size), Arrays.copyOf(e.scores, size), Arrays.copyOf(e.setScores, size),
            Arrays.copyOf(e.firstRound, size), e.poolSize);
    }

    // ---- query sets ----

    /** Whether the first round's top {@code n} of {@code set} over {@code db} ends with a gap above 1e-5 (an unambiguous pool). */
    private static boolean clearCut(float[][] db, List<float[]> set, String queryAggregation, int n) {
        double[] first = new double[db.length];
        for (int i = 0; i < db.length; i++) {
            first[i] = aggregate(set, db[i], queryAggregation, null);
        }
        int[] order = BruteForce.rank(first);
        return first[order[n - 1]] - first[order[n]] > 1e-5;
    }

    /** A random cluster's document ids (one cluster, or two when {@code mixed}: members alternate between them). */
    private int[] documents(int m, boolean mixed) {
        int c = randomIntBetween(0, CLUSTERS - 1);
        int other = (c + randomIntBetween(1, CLUSTERS - 1)) % CLUSTERS;
        Set<Integer> ids = new LinkedHashSet<>();
        while (ids.size() < m) {
            ids.add((mixed && ids.size() % 2 == 1 ? other : c) + CLUSTERS * randomIntBetween(0, DOCS / CLUSTERS - 1));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** m unit vectors near documents of {@link #documents}, with an unambiguous first-round top {@code n} over {@code db}. */
    private List<float[]> vectorSet(int m, boolean mixed, float[][] db, String queryAggregation, int n) {
        while (true) {
            List<float[]> set = new ArrayList<>();
            for (int id : documents(m, mixed)) {
                float[] v = vectors[id].clone();
                float[] noise = gaussian(0.1);
                for (int j = 0; j < DIMS; j++) {
                    v[j] += noise[j];
                }
                set.add(BruteForce.l2(v));
            }
            if (clearCut(db, set, queryAggregation, n)) {
                return set;
            }
        }
    }

    // ---- tests: query-set expansion ----

    private static final Options[] TABLE_TWO = {
        new Options(200, "avg", "top_k", 5, 0.6, null, 4),
        new Options(200, "avg", "top_k", 5, 0.6, 0.6, 2),
        new Options(200, "avg", "threshold", 5, 0.6, null, 2),
        new Options(200, "max", "top_k", 5, 0.6, null, 2),
        new Options(200, "max", "top_k", 5, 0.6, 0.6, 2),
        new Options(200, "max", "threshold", 5, 0.7, null, 2),
        new Options(150, "avg", "threshold", 5, 0.7, 0.6, 3),
        new Options(150, "max", "top_k", 3, 0.6, null, 1) };

    public void testQuerySetFromQueryVectorsMatchesTheDefinition() throws IOException {
        for (Options o : TABLE_TWO) {
            for (String queryAggregation : new String[] { "avg", "max" }) {
                List<float[]> set;
                int size = o.pool() + randomIntBetween(1, 60);
                Expected expected;
                do { // with sparsity, a set whose pool has exact s_set ties (a set whose whole pool is similar above it has none)
                    set = vectorSet(randomIntBetween(2, 5), randomBoolean(), vectors, queryAggregation, o.pool());
                    expected = querySet(vectors, false, set, queryAggregation, o, size);
                } while (o.sparsity() != null && hasPoolTies(expected) == false);
                String what = o + " from " + set.size() + " vectors, query_aggregation " + queryAggregation;
                int ties = assertHits(what + ", size " + size, expected, search("v", queryVectors(set), queryAggregation, o.json(), size),
                    1e-6f);
                // sparsity zeroed every similarity of some pool documents (the set was drawn so): runs of s_set = 0 in first-round order
                assertTrue(what + ": no tie order checked", o.sparsity() == null || ties > 0);
                assertHits(what + ", size 10", top(expected, 10), search("v", queryVectors(set), queryAggregation, o.json(), 10), 1e-6f);
            }
        }
    }

    public void testQuerySetFromQueryDocumentsReadsTheirVectorsAndLetsThemJoinAgain() throws IOException {
        for (Options o : new Options[] { TABLE_TWO[0], TABLE_TWO[1], TABLE_TWO[5], TABLE_TWO[4] }) {
            String queryAggregation = randomFrom("avg", "max");
            int[] ids;
            List<float[]> set;
            Expected expected;
            do {
                ids = documents(randomIntBetween(2, 4), randomBoolean());
                set = Arrays.stream(ids).mapToObj(id -> vectors[id]).toList();
                expected = querySet(vectors, false, set, queryAggregation, o, 250);
            } while (clearCut(vectors, set, queryAggregation, o.pool()) == false || o.sparsity() != null && hasPoolTies(expected) == false);
            int ties = assertHits(o + " from documents " + Arrays.toString(ids) + ", query_aggregation " + queryAggregation, expected,
                search("v", queryDocuments(ids), queryAggregation, o.json(), 250), 1e-6f);
            assertTrue(o + ": no tie order checked", o.sparsity() == null || ties > 0);
        }
    }

    public void testQuerySetFromASetOnCosineAndMaxInnerProductFields() throws IOException {
        for (Options o : new Options[] { TABLE_TWO[0], TABLE_TWO[4], TABLE_TWO[2] }) {
            String queryAggregation = randomFrom("avg", "max");
            // cosine: the index holds the vectors scaled by 2-4, the members are sent scaled by 3; both are normalised
            List<float[]> set = vectorSet(3, randomBoolean(), vectors, queryAggregation, o.pool());
            List<float[]> sent = set.stream().map(v -> scaled(v, 3)).toList();
            Expected cosine = querySet(vectors, false, set, queryAggregation, o, 220);
            assertHits(o + " on v_cos", cosine, search("v_cos", queryVectors(sent), queryAggregation, o.json(), 220), 1e-6f);
            // max_inner_product: raw dot products with the scaled documents, scores s < 0 ? 1 / (1 - s) : 1 + s
            List<float[]> mipSet = vectorSet(3, randomBoolean(), mip, queryAggregation, o.pool());
            Expected expected = querySet(mip, true, mipSet, queryAggregation, o, 220);
            assertHits(o + " on v_mip", expected, search("v_mip", queryVectors(mipSet), queryAggregation, o.json(), 220), 1e-6f);
        }
    }

    // ---- tests: AQE and alpha-QE ----

    /** The single-vector ranking of {@code q} over every document, {@code size} hits, as an {@link Expected} without a pool. */
    private Expected plainRanking(float[] q, int size) {
        double[] s = new double[DOCS];
        for (int i = 0; i < DOCS; i++) {
            s[i] = dot(q, vectors[i]);
        }
        int[] order = BruteForce.rank(s);
        int[] ids = Arrays.copyOf(order, size);
        float[] scores = new float[size];
        double[] sims = new double[size];
        for (int r = 0; r < size; r++) {
            sims[r] = s[ids[r]];
            scores[r] = score(false, sims[r]);
        }
        return new Expected(ids, scores, sims, sims, 0);
    }

    /** L2(sum_i q_i + sum_j w_j d_j) over the set's first-round top n, w_j = max(s_j, 0)^alpha, 1 for alpha = 0. */
    private float[] expandedQuery(List<float[]> set, String queryAggregation, int n, double alpha) {
        double[] first = new double[DOCS];
        for (int i = 0; i < DOCS; i++) {
            first[i] = aggregate(set, vectors[i], queryAggregation, null);
        }
        double[] sum = new double[DIMS];
        for (float[] member : set) {
            for (int j = 0; j < DIMS; j++) {
                sum[j] += member[j];
            }
        }
        for (int id : Arrays.copyOf(BruteForce.rank(first), n)) {
            double w = alpha == 0 ? 1 : Math.pow(Math.max(first[id], 0), alpha);
            for (int j = 0; j < DIMS; j++) {
                sum[j] += w * vectors[id][j];
            }
        }
        double norm = Math.sqrt(Arrays.stream(sum).map(x -> x * x).sum());
        float[] q = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            q[j] = (float) (sum[j] / norm);
        }
        return q;
    }

    public void testAlphaQeAndAqeStartFromTheWholeSet() throws IOException {
        for (String queryAggregation : new String[] { "avg", "max" }) {
            for (double alpha : new double[] { 0, 3 }) {
                int n = randomIntBetween(3, 12);
                List<float[]> set = vectorSet(randomIntBetween(2, 5), true, vectors, queryAggregation, n);
                String expansion = alpha == 0 ? "{\"method\": \"aqe\", \"n\": " + n + "}"
                    : "{\"method\": \"alpha_qe\", \"n\": " + n + ", \"alpha\": 3}";
                Expected expected = plainRanking(expandedQuery(set, queryAggregation, n, alpha), 30);
                assertHits(expansion + " from " + set.size() + " vectors, " + queryAggregation, expected,
                    search("v", queryVectors(set), queryAggregation, expansion, 30), 1e-6f);
            }
        }
    }

    public void testAqeFromQueryDocumentsSumsTheirIndexedVectors() throws IOException {
        for (String queryAggregation : new String[] { "avg", "max" }) {
            int n = randomIntBetween(3, 10);
            int[] ids;
            List<float[]> set;
            do {
                ids = documents(randomIntBetween(2, 4), randomBoolean());
                set = Arrays.stream(ids).mapToObj(id -> vectors[id]).toList();
            } while (clearCut(vectors, set, queryAggregation, n) == false);
            // each query document is among its own first-round hits: its vector counts once as a member and once as a hit
            String expansion = "{\"method\": \"aqe\", \"n\": " + n + "}";
            Expected expected = plainRanking(expandedQuery(set, queryAggregation, n, 0), 30);
            assertHits("aqe n " + n + " from documents " + Arrays.toString(ids) + ", " + queryAggregation, expected,
                search("v", queryDocuments(ids), queryAggregation, expansion, 30), 1e-6f);
        }
    }
}
