package org.instanceretrieval.eval;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.instanceretrieval.eval.RevisitedProtocol.Difficulty;
import org.junit.Test;

public class RevisitedProtocolTest {

    private static final double EPS = 1e-12;

    @Test
    public void handWorkedDifficulties() {
        // 6 documents; easy {0}, hard {1}, junk {2}; ranking [2, 1, 3, 0, 4, 5].
        RevisitedProtocol protocol = new RevisitedProtocol(6,
            List.of(new RevisitedQueryGroundTruth("q", new int[] {0}, new int[] {1}, new int[] {2}, null)));
        int[] ranking = {2, 1, 3, 0, 4, 5};
        Map<Difficulty, EvaluationResult> results = protocol.evaluateAll(q -> ranking);

        // EASY: positives {0}, junk {2, 1}: junk-free ranking [3, 0, 4, 5] -> positive at r=1
        // AP = (0/1 + 1/2)/2 = 1/4; 1-based position 2: P@1 kq=min(2,1)=1 -> 0; P@5 kq=2 -> 1/2
        EvaluationResult easy = results.get(Difficulty.EASY);
        assertEquals(0.25, easy.mean(), EPS);
        assertEquals(0.0, easy.meanPrecisionAtK().get(1), EPS);
        assertEquals(0.5, easy.meanPrecisionAtK().get(5), EPS);
        assertEquals(0.5, easy.meanPrecisionAtK().get(10), EPS);

        // MEDIUM: positives {0, 1}, junk {2}: junk-free [1, 3, 0, 4, 5] -> r = 0, 2
        // AP = ((1 + 1)/2 + (1/2 + 2/3)/2)/2 = (1 + 7/12)/2 = 19/24
        // 1-based [1, 3]: P@1 kq=1 -> 1; P@5 kq=min(3,5)=3 -> 2/3
        EvaluationResult medium = results.get(Difficulty.MEDIUM);
        assertEquals(19.0 / 24.0, medium.mean(), EPS);
        assertEquals(1.0, medium.meanPrecisionAtK().get(1), EPS);
        assertEquals(2.0 / 3.0, medium.meanPrecisionAtK().get(5), EPS);

        // HARD: positives {1}, junk {2, 0}: junk-free [1, 3, 4, 5] -> r = 0 -> AP 1, P@k 1
        EvaluationResult hard = results.get(Difficulty.HARD);
        assertEquals(1.0, hard.mean(), EPS);
        assertEquals(1.0, hard.meanPrecisionAtK().get(10), EPS);
    }

    @Test
    public void queryWithoutHardPositivesIsExcludedFromHardOnly() {
        RevisitedProtocol protocol = new RevisitedProtocol(4, List.of(
            new RevisitedQueryGroundTruth("a", new int[] {0}, new int[] {1}, new int[0], null),
            new RevisitedQueryGroundTruth("b", new int[] {2}, new int[0], new int[0], null)));
        int[] ranking = {3, 2, 1, 0};
        // HARD: a: positives {1}, junk {0}: junk-free [3, 2, 1] -> r=2: (0/2 + 1/3)/2 = 1/6; b excluded
        EvaluationResult hard = protocol.evaluate(Difficulty.HARD, q -> ranking);
        assertEquals(1.0 / 6.0, hard.mean(), EPS);
        assertEquals(List.of("b"), hard.excludedQueries());
        assertEquals(1, hard.queries().size());
        // MEDIUM keeps both: a: positives {0,1} -> r = 2, 3: (0/2+1/3)/2 + (1/3+2/4)/2 = 1/6 + 5/12 = 7/12, /2 = 7/24
        //                    b: positives {2}   -> r = 1: (0 + 1/2)/2 = 1/4 ; mean (7/24 + 6/24)/2 = 13/48
        EvaluationResult medium = protocol.evaluate(Difficulty.MEDIUM, q -> ranking);
        assertEquals(13.0 / 48.0, medium.mean(), EPS);
        assertTrue(medium.excludedQueries().isEmpty());
    }

    @Test
    public void rejectsOverlappingSetsNamingQueryAndId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RevisitedQueryGroundTruth("all_souls_1", new int[] {1, 2}, new int[] {7, 2}, new int[0], null));
        assertTrue(e.getMessage(), e.getMessage().contains("all_souls_1") && e.getMessage().contains("[2]"));
        e = assertThrows(IllegalArgumentException.class,
            () -> new RevisitedQueryGroundTruth("q9", new int[] {1}, new int[] {3}, new int[] {3}, null));
        assertTrue(e.getMessage(), e.getMessage().contains("q9") && e.getMessage().contains("[3]"));
        e = assertThrows(IllegalArgumentException.class, () -> new RevisitedProtocol(5,
            List.of(new RevisitedQueryGroundTruth("q", new int[] {1}, new int[] {5}, new int[0], null))));
        assertTrue(e.getMessage(), e.getMessage().contains("[5]"));
    }

    @Test
    public void oxfordBasedSplitMatchesReferenceForEveryDifficulty() throws IOException {
        // Easy/hard split built from the Oxford ground truth: the ok list (sorted) alternates easy,
        // hard, easy, ...; the last query gets no hard positives (so HARD excludes it).
        CirtorchGroundTruthPickle pickle = CirtorchGroundTruthPickle.load("oxford5k");
        int nq = pickle.ok.size();
        List<int[]> easy = new ArrayList<>();
        List<int[]> hard = new ArrayList<>();
        List<RevisitedQueryGroundTruth> queries = new ArrayList<>();
        for (int q = 0; q < nq; q++) {
            int[] ok = pickle.ok.get(q).clone();
            java.util.Arrays.sort(ok);
            final boolean noHard = q == nq - 1;
            easy.add(IntStream.range(0, ok.length).filter(i -> noHard || i % 2 == 0).map(i -> ok[i]).toArray());
            hard.add(IntStream.range(0, ok.length).filter(i -> noHard == false && i % 2 == 1).map(i -> ok[i]).toArray());
            queries.add(new RevisitedQueryGroundTruth(pickle.qimlist.get(q), easy.get(q), hard.get(q), pickle.junk.get(q),
                BoundingBox.of(pickle.bbx.get(q))));
        }
        RevisitedProtocol protocol = new RevisitedProtocol(pickle.imlist.size(), queries);

        // revisitop's mapping, written out literally: easy: ok=easy, junk=junk+hard;
        // medium: ok=easy+hard, junk=junk; hard: ok=hard, junk=junk+easy.
        List<int[]> easyOk = new ArrayList<>(), easyJunk = new ArrayList<>();
        List<int[]> mediumOk = new ArrayList<>(), mediumJunk = new ArrayList<>();
        List<int[]> hardOk = new ArrayList<>(), hardJunk = new ArrayList<>();
        for (int q = 0; q < nq; q++) {
            easyOk.add(easy.get(q));
            easyJunk.add(concat(pickle.junk.get(q), hard.get(q)));
            mediumOk.add(concat(easy.get(q), hard.get(q)));
            mediumJunk.add(pickle.junk.get(q));
            hardOk.add(hard.get(q));
            hardJunk.add(concat(pickle.junk.get(q), easy.get(q)));
        }
        Random random = new Random(21);
        int[][] rankings = new int[nq][];
        for (int q = 0; q < nq; q++) {
            rankings[q] = OxfordParisPickleTest.permutation(pickle.imlist.size(), random);
        }
        int[] ks = {1, 5, 10};
        assertMatches(RevisitopReference.computeMap(rankings, easyOk, easyJunk, ks),
            protocol.evaluate(Difficulty.EASY, q -> rankings[q]));
        assertMatches(RevisitopReference.computeMap(rankings, mediumOk, mediumJunk, ks),
            protocol.evaluate(Difficulty.MEDIUM, q -> rankings[q]));
        EvaluationResult hardResult = protocol.evaluate(Difficulty.HARD, q -> rankings[q]);
        assertMatches(RevisitopReference.computeMap(rankings, hardOk, hardJunk, ks), hardResult);
        assertEquals(List.of(pickle.qimlist.get(nq - 1)), hardResult.excludedQueries());
        assertEquals(nq - 1, hardResult.queries().size());
    }

    private static void assertMatches(double[] expected, EvaluationResult result) {
        assertEquals(expected[0], result.mean(), 1e-9);
        assertEquals(expected[1], result.meanPrecisionAtK().get(1), 1e-9);
        assertEquals(expected[2], result.meanPrecisionAtK().get(5), 1e-9);
        assertEquals(expected[3], result.meanPrecisionAtK().get(10), 1e-9);
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }
}
