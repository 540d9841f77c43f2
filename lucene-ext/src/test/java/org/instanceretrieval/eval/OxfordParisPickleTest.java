package org.instanceretrieval.eval;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

/**
 * The original Oxford5k / Paris6k protocol on the real cirtorch ground truth, compared with a
 * literal transcription of revisitop's compute_map ({@link RevisitopReference}).
 */
public class OxfordParisPickleTest {

    private static final double TOLERANCE = 1e-9;

    @Test
    public void oxfordFacts() throws IOException {
        // 55 queries over 5,063 images (retrieval definitions, "Original Oxford5k / Paris6k").
        assertFacts(CirtorchGroundTruthPickle.load("oxford5k"), 5063);
    }

    @Test
    public void parisFacts() throws IOException {
        // 55 queries over 6,392 images.
        assertFacts(CirtorchGroundTruthPickle.load("paris6k"), 6392);
    }

    private static void assertFacts(CirtorchGroundTruthPickle pickle, int numImages) {
        assertEquals(numImages, pickle.imlist.size());
        assertEquals(55, pickle.qimlist.size());
        assertEquals(55, pickle.ok.size());
        GroundTruth groundTruth = pickle.groundTruth(); // validation passes: disjoint, in range, no duplicates
        assertEquals(55, groundTruth.numQueries());
        assertEquals(numImages, groundTruth.numDocuments());
        for (int q = 0; q < 55; q++) {
            // qidx points at the query in imlist, and the query is in its own positive list.
            assertEquals(pickle.qimlist.get(q), pickle.imlist.get(pickle.qidx[q]));
            assertTrue(groundTruth.query(q).isPositive(pickle.qidx[q]));
            assertEquals(4, groundTruth.query(q).boundingBox().orElseThrow().toArray().length);
        }
    }

    @Test
    public void oxfordRandomPermutationsMatchReference() throws IOException {
        randomPermutationsMatchReference(CirtorchGroundTruthPickle.load("oxford5k"), 11L);
    }

    @Test
    public void parisRandomPermutationsMatchReference() throws IOException {
        randomPermutationsMatchReference(CirtorchGroundTruthPickle.load("paris6k"), 12L);
    }

    private static void randomPermutationsMatchReference(CirtorchGroundTruthPickle pickle, long seed) {
        OxfordParisProtocol protocol = new OxfordParisProtocol(pickle.groundTruth(), new int[] {1, 5, 10});
        Random random = new Random(seed);
        for (int round = 0; round < 2; round++) {
            int[][] rankings = new int[55][];
            for (int q = 0; q < 55; q++) {
                rankings[q] = permutation(pickle.imlist.size(), random);
            }
            double[] expected = RevisitopReference.computeMap(rankings, pickle.ok, pickle.junk, new int[] {1, 5, 10});
            EvaluationResult result = protocol.evaluate(q -> rankings[q]);
            assertEquals(expected[0], result.mean(), TOLERANCE);
            assertEquals(expected[1], result.meanPrecisionAtK().get(1), TOLERANCE);
            assertEquals(expected[2], result.meanPrecisionAtK().get(5), TOLERANCE);
            assertEquals(expected[3], result.meanPrecisionAtK().get(10), TOLERANCE);
            assertEquals(55, result.queries().size());
            assertTrue(result.excludedQueries().isEmpty());
            // per-query values: each AP from the reference on that single query
            for (int q = 0; q < 55; q += 9) {
                double single = RevisitopReference.computeMap(new int[][] {rankings[q]}, List.of(pickle.ok.get(q)),
                    List.of(pickle.junk.get(q)), new int[0])[0];
                assertEquals(single, result.queries().get(q).value(), TOLERANCE);
            }
        }
    }

    @Test
    public void positivesAtChosenPositionsWithJunkInterleaved() throws IOException {
        // Rankings built so that positives, junk and negatives interleave at chosen positions:
        // position pattern P J N N P J N ... until positives run out, then the rest shuffled.
        CirtorchGroundTruthPickle pickle = CirtorchGroundTruthPickle.load("oxford5k");
        Random random = new Random(5);
        int[][] rankings = new int[55][];
        for (int q = 0; q < 55; q++) {
            rankings[q] = interleaved(pickle.imlist.size(), pickle.ok.get(q), pickle.junk.get(q), random);
        }
        double expected = RevisitopReference.computeMap(rankings, pickle.ok, pickle.junk, new int[0])[0];
        EvaluationResult result = new OxfordParisProtocol(pickle.groundTruth()).evaluate(q -> rankings[q]);
        assertEquals(expected, result.mean(), TOLERANCE);
        assertTrue(result.meanPrecisionAtK().isEmpty());
    }

    @Test
    public void truncatedRankingsMatchReference() throws IOException {
        // Only the first 1,000 of a random permutation: positives beyond it count as not retrieved.
        CirtorchGroundTruthPickle pickle = CirtorchGroundTruthPickle.load("paris6k");
        Random random = new Random(8);
        int[][] rankings = new int[55][];
        for (int q = 0; q < 55; q++) {
            rankings[q] = Arrays.copyOf(permutation(pickle.imlist.size(), random), 1000);
        }
        double expected = RevisitopReference.computeMap(rankings, pickle.ok, pickle.junk, new int[0])[0];
        assertEquals(expected, new OxfordParisProtocol(pickle.groundTruth()).evaluate(q -> rankings[q]).mean(), TOLERANCE);
    }

    @Test
    public void perfectRankingsScoreOneEvenBehindJunk() throws IOException {
        // Property: junk first, then all positives, then the rest -> junk skipped -> every AP is 1.
        CirtorchGroundTruthPickle pickle = CirtorchGroundTruthPickle.load("oxford5k");
        Random random = new Random(3);
        int[][] rankings = new int[55][];
        for (int q = 0; q < 55; q++) {
            List<Integer> order = new ArrayList<>();
            Arrays.stream(pickle.junk.get(q)).forEach(order::add);
            Arrays.stream(pickle.ok.get(q)).forEach(order::add);
            Set<Integer> used = new HashSet<>(order);
            List<Integer> rest = new ArrayList<>();
            for (int d = 0; d < pickle.imlist.size(); d++) {
                if (used.contains(d) == false) {
                    rest.add(d);
                }
            }
            Collections.shuffle(rest, random);
            order.addAll(rest);
            rankings[q] = order.stream().mapToInt(Integer::intValue).toArray();
        }
        EvaluationResult result = new OxfordParisProtocol(pickle.groundTruth()).evaluate(q -> rankings[q]);
        for (double ap : result.perQueryValues()) {
            assertEquals(1.0, ap, 1e-12);
        }
    }

    static int[] permutation(int n, Random random) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] interleaved(int n, int[] positives, int[] junk, Random random) {
        Set<Integer> special = new HashSet<>();
        List<Integer> negatives = new ArrayList<>();
        Arrays.stream(positives).forEach(special::add);
        Arrays.stream(junk).forEach(special::add);
        for (int d = 0; d < n; d++) {
            if (special.contains(d) == false) {
                negatives.add(d);
            }
        }
        Collections.shuffle(negatives, random);
        List<Integer> order = new ArrayList<>();
        int p = 0;
        int j = 0;
        int neg = 0;
        while (p < positives.length) {
            order.add(positives[p++]);
            if (j < junk.length) {
                order.add(junk[j++]);
            }
            for (int t = 0; t < 1 + (p % 3) && neg < negatives.size(); t++) {
                order.add(negatives.get(neg++));
            }
        }
        while (j < junk.length) {
            order.add(junk[j++]);
        }
        while (neg < negatives.size()) {
            order.add(negatives.get(neg++));
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
