package org.instanceretrieval.es.eval;

import org.instanceretrieval.es.groundtruth.GroundTruthStoreIT;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The real Oxford5k ground truth (cirtorch pickle, 55 queries over 5,063 images, good + ok
 * positives, junk skipped, query in its own ranking) over an index of 5,063 documents whose
 * vectors the test constructs: random unit vectors, each query's vector pulled towards half of
 * its positives so that APs spread over (0, 1). The mAP of both engines, on 1 and 3 shards,
 * must equal a second, tiny AP computation in this test.
 * <p>
 * Exact arithmetic: component 0 of every vector is 1.25 and the others are multiples of 2^-11 of norm at most 1, so every
 * dot product is a multiple of 2^-22 in [0.5625, 2.5625], computed exactly in float and in double in any order of summation
 * (partial sums below 4 need at most 24 bits), and the field's {@code max_inner_product} score of a positive dot product,
 * {@code dot + 1}, is exact too: the float scores rank as the double dots do. The constant component shifts every dot of a
 * query by the same 1.5625, so the ranking is that of the other 15. A query vector is drawn again while two documents of
 * different kinds (positive, junk, other) have equal dot products with it, so the ranking's ties cannot move an AP.
 * (Unit vectors scored in float once moved a 3-shard mAP by 1.09e-6 against the double reference.)
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class OxfordEvalIT extends RetrievalIntegTestCase {

    static final int DIMS = 16;

    @SuppressWarnings("unchecked")
    public void testOxford5kMapOfBothEnginesEqualsASimpleComputation() throws Exception {
        byte[] pickle = GroundTruthStoreIT.groundTruthPickle("oxford5k");
        String gtId = "oxford5k-" + randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        try (RestClient client = clientOf(twoNodes()[0])) {
            call(client, "PUT", "/_retrieval/ground_truth/" + gtId, "{\"format\": \"cirtorch_pkl\", \"data\": \""
                + Base64.getEncoder().encodeToString(pickle) + "\"}");
            Map<String, Object> gt = (Map<String, Object>) call(client, "GET", "/_retrieval/ground_truth/" + gtId + "?include=ground_truth", null)
                .get("ground_truth");
            List<String> database = (List<String>) gt.get("database");
            List<Map<String, Object>> queries = (List<Map<String, Object>>) gt.get("queries");
            assertEquals(5063, database.size());
            assertEquals(55, queries.size());

            Random random = new Random(random().nextLong());
            Map<String, float[]> vectors = new HashMap<>();
            for (String name : database) {
                vectors.put(name, quantised(normalise(gaussian(random))));
            }
            for (Map<String, Object> q : queries) {
                vectors.put((String) q.get("name"), queryVector(random, (List<String>) q.get("positive"), vectors));
            }
            // a query is also a database image (Oxford5k), so a new query vector can make a tie for another query: until none
            boolean drawn;
            do {
                drawn = false;
                for (Map<String, Object> q : queries) {
                    Set<String> junk = new HashSet<>((List<String>) q.getOrDefault("junk", List.of()));
                    while (tieAcrossKinds(database, vectors, (String) q.get("name"), new HashSet<>((List<String>) q.get("positive")), junk)) {
                        vectors.put((String) q.get("name"), queryVector(random, (List<String>) q.get("positive"), vectors));
                        drawn = true;
                    }
                }
            } while (drawn);

            double expected = 0;
            for (Map<String, Object> q : queries) {
                expected += simpleAp(database, vectors, vectors.get((String) q.get("name")), new HashSet<>((List<String>) q.get("positive")),
                    new HashSet<>((List<String>) q.getOrDefault("junk", List.of())));
            }
            expected /= queries.size();

            for (int shards : new int[] { 1, 3 }) {
                String index = "oxford" + shards;
                call(client, "PUT", "/" + index, "{\"settings\": {\"number_of_shards\": " + shards + ", \"number_of_replicas\": 0},"
                    + " \"mappings\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS
                    + ", \"similarity\": \"max_inner_product\"}}}}");
                for (int from = 0; from < database.size(); from += 1000) {
                    StringBuilder bulk = new StringBuilder();
                    for (String name : database.subList(from, Math.min(database.size(), from + 1000))) {
                        bulk.append("{\"index\": {\"_id\": \"").append(name).append("\"}}\n{\"v\": ").append(json(vectors.get(name))).append("}\n");
                    }
                    assertEquals(Boolean.FALSE, call(client, "POST", "/" + index + "/_bulk", bulk.toString()).get("errors"));
                }
                call(client, "POST", "/" + index + "/_refresh", null);
                for (String body : List.of("\"engine\": \"exact\"", "\"query\": {\"exact\": true}")) {
                    Map<String, Object> r = call(client, "POST", "/" + index + "/_retrieval_eval", "{\"ground_truth\": \"" + gtId
                        + "\", \"field\": \"v\", " + body + "}");
                    assertEquals("oxford_paris", r.get("protocol"));
                    double map = ((Number) ((Map<String, Object>) r.get("overall")).get("mAP")).doubleValue();
                    // the same ranking as the reference (exact dot products, no tie across kinds): only the sums of APs differ
                    assertEquals(index + " " + body, expected, map, 1e-6);
                    assertEquals(0, ((Map<String, Object>) r.get("documents")).get("missing_count"));
                }
            }
            assertTrue("the constructed vectors make AP informative: " + expected, expected > 0.05 && expected < 0.95);
        }
    }

    /** Trapezoid AP ({@link BruteForce#averagePrecision}) over the database ranked by dot product (double), ties by name, junk skipped. */
    private static double simpleAp(List<String> database, Map<String, float[]> vectors, float[] query, Set<String> positives, Set<String> junk) {
        Map<String, Double> score = new HashMap<>();
        for (String name : database) {
            double s = 0;
            for (int d = 0; d < DIMS; d++) {
                s += (double) query[d] * vectors.get(name)[d];
            }
            score.put(name, s);
        }
        List<String> ranking = new ArrayList<>(database);
        ranking.sort(Comparator.comparing((String n) -> -score.get(n)).thenComparing(n -> n));
        return BruteForce.averagePrecision(ranking, positives, junk);
    }

    /** A random vector pulled towards every other positive, normalised and {@link #quantised}. */
    private static float[] queryVector(Random random, List<String> positives, Map<String, float[]> vectors) {
        float[] v = gaussian(random);
        for (int i = 0; i < positives.size(); i += 2) {
            float[] p = vectors.get(positives.get(i));
            for (int d = 0; d < DIMS; d++) {
                v[d] += 0.5f * p[d];
            }
        }
        v[0] = 0; // the constant component is set by quantised
        return quantised(normalise(v));
    }

    /** Whether two documents of different kinds (positive, junk, neither) have equal dot products with the query's vector. */
    private static boolean tieAcrossKinds(List<String> database, Map<String, float[]> vectors, String query, Set<String> positives,
        Set<String> junk) {
        float[] v = vectors.get(query);
        Map<Double, Integer> kindOfScore = new HashMap<>();
        for (String name : database) {
            double s = 0;
            for (int d = 0; d < DIMS; d++) {
                s += (double) v[d] * vectors.get(name)[d];
            }
            int kind = positives.contains(name) ? 1 : junk.contains(name) ? 2 : 0;
            Integer seen = kindOfScore.putIfAbsent(s, kind);
            if (seen != null && seen != kind) {
                return true;
            }
        }
        return false;
    }

    /** Component 0 set to 1.25, the others (of a vector of norm at most 1) rounded down in magnitude to a multiple of 2^-11. */
    private static float[] quantised(float[] v) {
        float[] out = new float[v.length];
        out[0] = 1.25f;
        for (int d = 1; d < v.length; d++) {
            out[d] = (float) ((v[d] < 0 ? Math.ceil(v[d] * 2048.0) : Math.floor(v[d] * 2048.0)) / 2048.0);
        }
        return out;
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIMS];
        for (int d = 1; d < DIMS; d++) { // component 0 stays 0 (the constant component is set by quantised)
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = (float) (v[d] / Math.sqrt(norm));
        }
        return out;
    }

    private static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int d = 0; d < v.length; d++) {
            s.append(d == 0 ? "" : ",").append(v[d]);
        }
        return s.append(']').toString();
    }
}
