package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * GPR1200 (Schall et al. 2021): 12,000 images of 1,200 classes of 10, named
 * {@code {class}_{name}}. Every image is a query and is <b>not</b> removed from its own
 * ranking; its positives are all images of its class, itself included (10). AP is the
 * non-interpolated AP ({@link AveragePrecision#nonInterpolated}), not the trapezoid. Besides the
 * overall mAP, a mean is reported per subset, the subsets being consecutive blocks of image
 * indices: by default blocks of 2,000 named landmarks, iNat, sketch, INSTRE, SOP, faces.
 */
public final class Gpr1200Protocol {

    /** Metric name reported in results. */
    public static final String METRIC = "mAP";
    /** Images per subset in the standard benchmark. */
    public static final int DEFAULT_SUBSET_SIZE = 2000;
    /** Subset names of the standard benchmark, in index order. */
    public static final List<String> DEFAULT_SUBSETS = List.of("landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces");

    private final List<String> ids;
    private final DocumentClasses classes;
    private final int subsetSize;
    private final List<String> subsetNames;

    /**
     * @param ids image ids {@code {class}_{name}} in database order
     * @param subsetSize images per subset block, at least 1
     * @param subsetNames subset names in block order; {@code ids.size()} must equal
     *     {@code subsetSize * subsetNames.size()}
     * @throws IllegalArgumentException on malformed ids or inconsistent sizes
     */
    public Gpr1200Protocol(List<String> ids, int subsetSize, List<String> subsetNames) {
        if (subsetNames == null || subsetSize < 1) {
            throw new IllegalArgumentException("subsetSize must be at least 1 and subsetNames not null");
        }
        this.classes = DocumentClasses.fromPrefixedIds(ids);
        if ((long) subsetSize * subsetNames.size() != ids.size()) {
            throw new IllegalArgumentException("[" + ids.size() + "] images do not form " + subsetNames.size()
                + " subsets of [" + subsetSize + "]");
        }
        this.ids = List.copyOf(ids);
        this.subsetSize = subsetSize;
        this.subsetNames = List.copyOf(subsetNames);
    }

    /** The standard benchmark layout (6 subsets of 2,000 images). */
    public static Gpr1200Protocol standard(List<String> ids) {
        return new Gpr1200Protocol(ids, DEFAULT_SUBSET_SIZE, DEFAULT_SUBSETS);
    }

    /**
     * @param rankingOfQuery ranking of image q as query, full or truncated, normally with q itself
     *     first; it is checked for range and repeats
     * @return overall mAP, per-subset mAP, per-query AP (query ids are the image ids)
     */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        List<QueryResult> results = new ArrayList<>(ids.size());
        for (int q = 0; q < ids.size(); q++) {
            final int query = q;
            int[] ranking = rankingOfQuery.apply(q);
            RankingMetrics.requireValidRanking(ranking, ids.size(), ids.get(q));
            int[] positions = RankingMetrics.junkFreePositivePositions(
                ranking, document -> classes.sameClass(query, document), document -> false);
            double ap = AveragePrecision.nonInterpolated(positions, classes.classSizeOf(q));
            results.add(new QueryResult(ids.get(q), subsetNames.get(q / subsetSize), ap, new TreeMap<>()));
        }
        return EvaluationResult.aggregate(METRIC, results, List.of());
    }
}
