/**
 * Vector kernels: Lucene's {@code VectorUtil} for single vectors ({@link org.instanceretrieval.math.VectorMath});
 * for many, the blocked {@link org.instanceretrieval.math.ScoreKernel} (query block x collection scores and
 * rank counting) chosen at run time by {@link org.instanceretrieval.math.ScoreKernels} (Vector API with a
 * scalar fallback), {@link org.instanceretrieval.math.PositiveRanks} (positions of positives without a
 * sort), {@link org.instanceretrieval.math.TopK} (deterministic head of a ranking, whole row or
 * streaming), {@link org.instanceretrieval.math.RankingOrder} (the one ranking rule: score
 * descending, index ascending) and {@link org.instanceretrieval.math.ParallelBlocks} (blocks of
 * rows over threads).
 */
package org.instanceretrieval.math;
