package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Revisited Oxford / Paris (Radenovic et al. CVPR 2018; revisitop's {@code compute_map}):
 * 70 queries each, not in the database. Each query's easy, hard and junk sets become positives
 * and junk per {@link Difficulty}; AP is the trapezoid AP, and mP@k uses revisitop's P@k
 * (default ks 1, 5, 10). Queries without positives under a difficulty are excluded from that
 * difficulty's means.
 */
public final class RevisitedProtocol {

    /** revisitop's default cut-offs for mP@k. */
    public static final int[] DEFAULT_KS = {1, 5, 10};

    /** The three protocols and the one place their junk mapping is defined. */
    public enum Difficulty {
        /** positives: easy; junk: junk + hard. */
        EASY,
        /** positives: easy + hard; junk: junk. */
        MEDIUM,
        /** positives: hard; junk: junk + easy. */
        HARD;

        /** This difficulty's positives and junk for {@code query}. */
        public QueryGroundTruth select(RevisitedQueryGroundTruth query) {
            int[] easy = query.easy();
            int[] hard = query.hard();
            int[] junk = query.junk();
            BoundingBox box = query.boundingBox().orElse(null);
            return switch (this) {
                case EASY -> new QueryGroundTruth(query.queryId(), easy, DocumentSets.union(junk, hard), box);
                case MEDIUM -> new QueryGroundTruth(query.queryId(), DocumentSets.union(easy, hard), junk, box);
                case HARD -> new QueryGroundTruth(query.queryId(), hard, DocumentSets.union(junk, easy), box);
            };
        }
    }

    private final Map<Difficulty, JunkAwareEvaluator> evaluators = new EnumMap<>(Difficulty.class);

    /** With the default ks {1, 5, 10}. */
    public RevisitedProtocol(int numDocuments, List<RevisitedQueryGroundTruth> queries) {
        this(numDocuments, queries, DEFAULT_KS);
    }

    /**
     * @param numDocuments database size (ids 0 .. numDocuments-1)
     * @param queries per-query easy / hard / junk in query order
     * @param ks cut-offs for mP@k (each at least 1)
     * @throws IllegalArgumentException if an id is out of range, query ids repeat, or ks are invalid
     */
    public RevisitedProtocol(int numDocuments, List<RevisitedQueryGroundTruth> queries, int[] ks) {
        if (queries == null) {
            throw new IllegalArgumentException("queries must not be null");
        }
        for (Difficulty difficulty : Difficulty.values()) {
            List<QueryGroundTruth> selected = new ArrayList<>(queries.size());
            for (RevisitedQueryGroundTruth query : queries) {
                selected.add(difficulty.select(query));
            }
            evaluators.put(difficulty, new JunkAwareEvaluator(new GroundTruth(numDocuments, selected), ks));
        }
    }

    /** The positives and junk used for {@code difficulty}. */
    public GroundTruth groundTruth(Difficulty difficulty) {
        return evaluators.get(difficulty).groundTruth();
    }

    /**
     * @param difficulty which protocol
     * @param rankingOfQuery ranking of query q (index in query order)
     * @return mAP, mP@k and per-query APs for that difficulty
     */
    public EvaluationResult evaluate(Difficulty difficulty, IntFunction<int[]> rankingOfQuery) {
        return evaluators.get(difficulty).evaluate(rankingOfQuery);
    }

    /** All three difficulties on the same rankings (each ranking may be requested once per difficulty). */
    public Map<Difficulty, EvaluationResult> evaluateAll(IntFunction<int[]> rankingOfQuery) {
        Map<Difficulty, EvaluationResult> results = new EnumMap<>(Difficulty.class);
        for (Difficulty difficulty : Difficulty.values()) {
            results.put(difficulty, evaluate(difficulty, rankingOfQuery));
        }
        return results;
    }
}
