package org.instanceretrieval.eval;

import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/**
 * {@link EvaluationPlan} and {@link EvaluationMetrics} against lucene-ext's protocol classes on
 * the same random rankings (Holidays, UKBench, GLDv2), hand-worked cases (missing positives,
 * GPR1200 subsets), and the protocol checks.
 */
public class EvaluationPlanTest {

    /** Fixed seed: the expectations come from lucene-ext's protocol classes on the same rankings, so any seed must pass. */
    private static final Random RANDOM = new Random(20261204L);

    private static Random random() {
        return RANDOM;
    }

    private static int[][] randomRankings(int queries, int items, int depth) {
        int[][] rankings = new int[queries][];
        for (int q = 0; q < queries; q++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                order.add(i);
            }
            Collections.shuffle(order, random());
            rankings[q] = order.subList(0, depth).stream().mapToInt(Integer::intValue).toArray();
        }
        return rankings;
    }

    private static EvaluationMetrics evaluate(EvaluationPlan plan, int[][] rankings) {
        EvaluationMetrics metrics = new EvaluationMetrics(plan);
        for (int q = 0; q < plan.numQueries(); q++) {
            for (int v = 0; v < plan.views().size(); v++) {
                metrics.record(v, q, plan.positionsInRanking(v, q, rankings[q]));
            }
        }
        return metrics;
    }

    @Test
    public void testHolidaysRemovesTheQueryFromItsRankingAsLuceneExtDoes() {
        List<String> names = new ArrayList<>();
        for (int group = 1000; group < 1012; group++) {
            int size = 2 + random().nextInt(3);
            for (int i = 0; i < size; i++) {
                names.add((group * 100 + i) + ".jpg");
            }
        }
        List<NamedQuery> queries = new ArrayList<>();
        for (String name : names) {
            int number = Integer.parseInt(name.substring(0, name.indexOf('.')));
            if (number % 100 == 0) {
                List<String> positives = names.stream()
                    .filter(n -> n.equals(name) == false && Integer.parseInt(n.substring(0, n.indexOf('.'))) / 100 == number / 100).toList();
                queries.add(new NamedQuery(name, positives, null, null, null, null));
            }
        }
        NamedGroundTruth gt = new NamedGroundTruth("holidays", names, queries, null);
        EvaluationPlan plan = EvaluationPlan.build(gt, "holidays", names, new int[0]);
        int[][] rankings = randomRankings(queries.size(), names.size(), names.size());
        EvaluationResult reference = HolidaysProtocol.fromImageNames(names).evaluate(q -> rankings[q]);
        EvaluationMetrics metrics = evaluate(plan, rankings);
        assertEquals(reference.mean(), (Double) metrics.overall().get("mAP"), 1e-12);
        for (int q = 0; q < queries.size(); q++) {
            assertEquals(reference.queries().get(q).value(), metrics.value(0, q), 1e-12);
        }
    }

    @Test
    public void testUkbenchScoreAsLuceneExt() {
        int n = 40;
        Map<String, String> classes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            classes.put(String.format(Locale.ROOT, "ukbench%05d.jpg", i), "g" + (i / 4));
        }
        NamedGroundTruth gt = new NamedGroundTruth("ukbench", null, List.of(), classes);
        EvaluationPlan plan = EvaluationPlan.build(gt, "ukbench", new ArrayList<>(classes.keySet()), new int[0]);
        int[][] rankings = randomRankings(n, n, 4 + random().nextInt(n - 4));
        EvaluationResult reference = UkbenchScore.consecutiveGroups(n).evaluate(q -> rankings[q]);
        Map<String, Object> overall = evaluate(plan, rankings).overall();
        assertEquals(reference.mean(), (Double) overall.get("N-S score"), 1e-12);
        assertEquals(EvaluationPlan.Metric.NS_SCORE, plan.metric());
    }

    @Test
    public void testGldv2MapAt100AsLuceneExt() {
        int items = 300;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            names.add("i" + i);
        }
        List<NamedQuery> queries = new ArrayList<>();
        List<QueryGroundTruth> reference = new ArrayList<>();
        for (int q = 0; q < 15; q++) {
            int[] positives = randomRankings(1, items, 1 + random().nextInt(150))[0];
            queries.add(new NamedQuery("q" + q, java.util.Arrays.stream(positives).mapToObj(p -> "i" + p).toList(), null, null, null, null));
            reference.add(QueryGroundTruth.withoutJunk("q" + q, positives));
        }
        NamedGroundTruth gt = new NamedGroundTruth("gldv2", names, queries, null);
        EvaluationPlan plan = EvaluationPlan.build(gt, "gldv2", names, new int[0]);
        int[][] rankings = randomRankings(queries.size(), items, 100 + random().nextInt(50));
        EvaluationResult expected = new Gldv2MapAt100(new GroundTruth(items, reference)).evaluate(q -> rankings[q]);
        assertEquals(expected.mean(), (Double) evaluate(plan, rankings).overall().get("mAP@100"), 1e-12);
    }

    @Test
    public void testPositivesMissingFromTheIndexCountButAreReported() {
        // q: positives a and ghost; the ranking a, b: a at 0 -> (1 + 1) / 2, divided by 2 positives = 0.5
        NamedGroundTruth gt = new NamedGroundTruth("oxford_paris", null,
            List.of(new NamedQuery("a", List.of("a", "ghost"), null, null, List.of("gone"), null)), null);
        EvaluationPlan plan = EvaluationPlan.build(gt, "oxford_paris", List.of("a", "b"), new int[] { 1, 5 });
        EvaluationMetrics metrics = evaluate(plan, new int[][] { { 0, 1 } });
        assertEquals(0.5, (Double) metrics.overall().get("mAP"), 1e-12);
        assertEquals(1.0, (Double) metrics.overall().get("mP@1"), 1e-12);
        assertEquals(1.0, (Double) metrics.overall().get("mP@5"), 1e-12);
        assertEquals(Set.of("ghost", "gone"), plan.missingNames());
    }

    @Test
    public void testGpr1200SubsetsAreBlocksOf2000Labels() {
        Map<String, String> classes = new LinkedHashMap<>();
        for (int i = 0; i < 12000; i++) {
            classes.put((i / 10) + "_" + i, String.valueOf(i / 10));
        }
        NamedGroundTruth gt = new NamedGroundTruth("gpr1200", null, List.of(), classes);
        EvaluationPlan plan = EvaluationPlan.build(gt, "gpr1200", new ArrayList<>(classes.keySet()), new int[0]);
        assertEquals("landmarks", plan.subsetOf(0));
        assertEquals("landmarks", plan.subsetOf(1999));
        assertEquals("iNat", plan.subsetOf(2000));
        assertEquals("faces", plan.subsetOf(11999));
        assertEquals(10, plan.numPositives(0, 5));
        // itself first, then its class: AP 1
        EvaluationMetrics metrics = new EvaluationMetrics(plan);
        for (int q = 0; q < plan.numQueries(); q++) {
            metrics.record(0, q, new int[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        }
        assertEquals(List.of("landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces"), new ArrayList<>(metrics.subsets().keySet()));
    }

    @Test
    public void testProtocolsThatDoNotFitAreRefused() {
        NamedGroundTruth lists = new NamedGroundTruth("oxford_paris", null,
            List.of(new NamedQuery("a", List.of("b"), null, null, List.of("c"), null)), null);
        NamedGroundTruth labels = new NamedGroundTruth("gpr1200", null, List.of(), Map.of("1_a", "1", "1_b", "1"));
        assertEquals("protocol [gpr1200] needs class labels, but ground truth [g] has query lists",
            assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", lists, "gpr1200", new int[0])).getMessage());
        assertEquals("protocol [instre] needs query lists, but ground truth [g] has class labels (use [gpr1200] or [ukbench])",
            assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", labels, "instre", new int[0])).getMessage());
        assertThat(assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", lists, "revisited", new int[0]))
            .getMessage(), org.hamcrest.Matchers.startsWith("protocol [revisited] needs [easy] and [hard] lists"));
        assertThat(assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", lists, "gldv2", new int[0]))
            .getMessage(), org.hamcrest.Matchers.startsWith("protocol [gldv2] has no junk, but query [a]"));
        assertThat(assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", labels, "ukbench", new int[] { 1 }))
            .getMessage(), org.hamcrest.Matchers.startsWith("[ks] (mP@k) applies to the AP protocols"));
        assertThat(assertThrows(IllegalArgumentException.class, () -> EvaluationPlan.checkProtocolFits("g", lists, "trec", new int[0]))
            .getMessage(), org.hamcrest.Matchers.startsWith("unknown [protocol] [trec]"));
        EvaluationPlan.checkProtocolFits("g", lists, "instre", new int[] { 1 });
    }

    @Test
    public void testCollectionOrderFollowsTheDatabaseThenNames() {
        NamedGroundTruth gt = new NamedGroundTruth("oxford_paris", List.of("c", "a", "x"),
            List.of(new NamedQuery("a", List.of("c"), null, null, null, null)), null);
        assertEquals(List.of("c", "a", "b", "d"), EvaluationPlan.collectionOrder(gt, Set.of("a", "b", "c", "d")));
    }

    /**
     * The exact engine's ranking ({@link EvaluationMetrics#scoreQueries}) equals a brute-force one: every
     * inner product by a plain loop, a full sort by score descending then collection order, the positions
     * read off that ranking. Scores are multiples of 1/4 so that ties occur and their order is tested.
     */
    @Test
    public void testScoreQueriesEqualsASortedBruteForceRanking() {
        int n = 40, dims = 3;
        float[] collection = new float[n * dims];
        for (int i = 0; i < collection.length; i++) {
            collection[i] = random().nextInt(5) / 4f;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("d" + i);
        }
        List<NamedQuery> queries = new ArrayList<>();
        for (int q = 0; q < 6; q++) {
            queries.add(new NamedQuery("d" + q, List.of("d" + (q + 10), "d" + (q + 20), "d" + (q + 30)), null, null, List.of("d" + (q + 5)), null));
        }
        NamedGroundTruth gt = new NamedGroundTruth("oxford_paris", names, queries, null);
        EvaluationPlan plan = EvaluationPlan.build(gt, "oxford_paris", names, new int[] { 1, 5 });
        float[] queryVectors = new float[queries.size() * dims];
        System.arraycopy(collection, 0, queryVectors, 0, queryVectors.length); // query q is document q

        EvaluationMetrics engine = new EvaluationMetrics(plan);
        org.instanceretrieval.math.ScoreKernel kernel = org.instanceretrieval.math.ScoreKernels.scalar();
        int[] after = new int[1];
        engine.scoreQueries(kernel, kernel.prepare(collection, n, dims), queryVectors, dims, 0, 4, () -> after[0]++);
        engine.scoreQueries(kernel, kernel.prepare(collection, n, dims), queryVectors, dims, 4, queries.size(), () -> after[0]++);
        assertEquals(queries.size(), after[0]);

        int[][] rankings = new int[queries.size()][];
        for (int q = 0; q < queries.size(); q++) {
            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dims; d++) {
                    score[i] += (double) queryVectors[q * dims + d] * collection[i * dims + d];
                }
            }
            rankings[q] = java.util.stream.IntStream.range(0, n).boxed()
                .sorted((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        }
        EvaluationMetrics expected = evaluate(plan, rankings);
        for (int q = 0; q < queries.size(); q++) {
            assertEquals("query " + q, expected.value(0, q), engine.value(0, q), 0.0);
        }
        assertEquals(expected.overall(), engine.overall());
    }
}
