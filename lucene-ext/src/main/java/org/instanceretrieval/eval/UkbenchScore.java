package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The UKBench N-S score (Nister and Stewenius, CVPR 2006): 10,200 images in groups of 4,
 * every image is a query, the query itself is <b>not</b> removed from its ranking, and the
 * score is the mean over queries of the number of images of the query's group among the top 4
 * results (so at most 4.0). A ranking shorter than 4 counts what it has.
 */
public final class UkbenchScore {

    /** Metric name reported in results. */
    public static final String METRIC = "N-S score";
    /** UKBench group size, which is also the cut-off. */
    public static final int GROUP_SIZE = 4;

    private final DocumentClasses groups;

    /**
     * @param groups group of each image; every group must have exactly 4 images
     * @throws IllegalArgumentException otherwise (naming a document of the offending group)
     */
    public UkbenchScore(DocumentClasses groups) {
        if (groups == null) {
            throw new IllegalArgumentException("groups must not be null");
        }
        for (int d = 0; d < groups.numDocuments(); d++) {
            if (groups.classSizeOf(d) != GROUP_SIZE) {
                throw new IllegalArgumentException("the group of document [" + d + "] has [" + groups.classSizeOf(d)
                    + "] images, UKBench groups have " + GROUP_SIZE);
            }
        }
        this.groups = groups;
    }

    /** The standard layout: images 4g .. 4g+3 (in file-name order) form group g. */
    public static UkbenchScore consecutiveGroups(int numDocuments) {
        return new UkbenchScore(DocumentClasses.consecutiveGroups(numDocuments, GROUP_SIZE));
    }

    /**
     * @param rankingOfQuery ranking of image q as query (only the first 4 entries count; the
     *     whole ranking is checked for range and repeats)
     * @return the N-S score; per-query values are the counts 0..4, query ids the image indices
     */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        List<QueryResult> results = new ArrayList<>(groups.numDocuments());
        for (int q = 0; q < groups.numDocuments(); q++) {
            String queryId = Integer.toString(q);
            int[] ranking = rankingOfQuery.apply(q);
            RankingMetrics.requireValidRanking(ranking, groups.numDocuments(), queryId);
            int sameGroup = 0;
            for (int i = 0; i < Math.min(GROUP_SIZE, ranking.length); i++) {
                if (groups.sameClass(q, ranking[i])) {
                    sameGroup++;
                }
            }
            results.add(new QueryResult(queryId, sameGroup));
        }
        return EvaluationResult.aggregate(METRIC, results, List.of());
    }
}
