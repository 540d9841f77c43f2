package org.instanceretrieval.model.inference;

/**
 * One node's statistics for one model.
 *
 * @param modelId            the model
 * @param loaded             whether a session is loaded now
 * @param device             the execution provider of the last loaded session ({@code cpu} or
 *                           {@code cuda}), {@code null} if it never loaded
 * @param inferenceCount     images run through the network
 * @param batchCount         ONNX Runtime calls
 * @param meanLatencyMillis  mean duration of one ONNX Runtime call (a batch), in milliseconds; 0 without calls
 * @param batchSizeCounts    {@code batchSizeCounts[n]} = number of calls that ran {@code n} images (index 0 unused)
 */
public record ModelStats(String modelId, boolean loaded, String device, long inferenceCount, long batchCount,
                         double meanLatencyMillis, long[] batchSizeCounts) {}
