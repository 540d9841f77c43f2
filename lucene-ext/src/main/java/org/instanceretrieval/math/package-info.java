/**
 * Vector kernels: Lucene's {@code VectorUtil} for single vectors ({@link org.instanceretrieval.math.VectorMath});
 * for many, the blocked {@link org.instanceretrieval.math.ScoreKernel} (query block x collection scores and
 * rank counting) chosen at run time by {@link org.instanceretrieval.math.ScoreKernels} (Vector API with a
 * scalar fallback), {@link org.instanceretrieval.math.PositiveRanks} (positions of positives without a
 * sort) and {@link org.instanceretrieval.math.TopK} (deterministic head of a ranking).
 */
package org.instanceretrieval.math;
