package org.instanceretrieval.eval;

import java.util.function.IntFunction;

/**
 * INSTRE as evaluated by Iscen et al. (diffusion, CVPR 2017) and later work: 28,543 images,
 * 1,250 queries (5 per class) with bounding boxes; the same trapezoid AP and mAP as Oxford
 * (junk skipped when the ground truth has any). Whether a query image also appears in the
 * database is decided by the split's files, not here: the protocol scores the given rankings
 * against the given positives exactly as given and removes nothing from them.
 */
public final class InstreProtocol {

    private final JunkAwareEvaluator evaluator;

    /** @param groundTruth per-query positives (and junk, usually none) over the database */
    public InstreProtocol(GroundTruth groundTruth) {
        this.evaluator = new JunkAwareEvaluator(groundTruth, new int[0]);
    }

    /** The ground truth being scored. */
    public GroundTruth groundTruth() {
        return evaluator.groundTruth();
    }

    /** mAP over the queries with positives; per-query APs. */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        return evaluator.evaluate(rankingOfQuery);
    }
}
