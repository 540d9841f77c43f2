/**
 * Retrieval evaluation, independent of any file format (retrieval definitions, "Determinism"
 * and "Evaluation protocols").
 *
 * <ul>
 *   <li>{@link org.instanceretrieval.math.RankingOrder}: the project's deterministic ranking rule,
 *       score descending then document index ascending;
 *   <li>{@link org.instanceretrieval.eval.AveragePrecision}: trapezoid (revisitop / Oxford) and
 *       non-interpolated (GPR1200) AP from junk-free positive positions;
 *   <li>{@link org.instanceretrieval.eval.RankingMetrics}: junk-free positions, revisitop's P@k,
 *       ranking validation;
 *   <li>ground truth: {@link org.instanceretrieval.eval.QueryGroundTruth},
 *       {@link org.instanceretrieval.eval.RevisitedQueryGroundTruth},
 *       {@link org.instanceretrieval.eval.GroundTruth}, {@link org.instanceretrieval.eval.DocumentClasses};
 *   <li>protocols: {@link org.instanceretrieval.eval.OxfordParisProtocol},
 *       {@link org.instanceretrieval.eval.RevisitedProtocol}, {@link org.instanceretrieval.eval.InstreProtocol},
 *       {@link org.instanceretrieval.eval.HolidaysProtocol}, {@link org.instanceretrieval.eval.UkbenchScore},
 *       {@link org.instanceretrieval.eval.Gpr1200Protocol}, {@link org.instanceretrieval.eval.Gldv2MapAt100},
 *       all returning an {@link org.instanceretrieval.eval.EvaluationResult}.
 * </ul>
 *
 * <p>Rankings are {@code int[]} document indices, best first, possibly truncated; they are passed
 * per query through an {@code IntFunction<int[]>} so that full rankings of large benchmarks need
 * not be held in memory at once.
 */
package org.instanceretrieval.eval;
