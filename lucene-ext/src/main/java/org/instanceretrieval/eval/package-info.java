/**
 * Retrieval evaluation: the deterministic ranking rule ({@link org.instanceretrieval.eval.RankingOrder}),
 * average precision variants ({@link org.instanceretrieval.eval.AveragePrecision}), ground truth and the
 * benchmark protocols of the retrieval definitions ("Evaluation protocols").
 */
package org.instanceretrieval.eval;
