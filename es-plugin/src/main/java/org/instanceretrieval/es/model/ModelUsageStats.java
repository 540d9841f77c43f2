package org.instanceretrieval.es.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one node knows about its use of one model: whether it holds an inference session for
 * it, on which device, how many images it ran and how fast, and how large its batches were.
 * Filled by the node's inference service (through {@link ModelUsageStatsRegistry}); a node
 * that never used the model reports {@link #NOT_LOADED}.
 *
 * @param loaded whether this node holds a session for the model
 * @param device the execution device ({@code cpu}, {@code cuda:0}), null when not loaded
 * @param inferenceCount images run through the model on this node
 * @param meanLatencyMillis mean time per batch, in milliseconds (0 before the first)
 * @param batchSizeCounts number of batches run, by batch size
 */
public record ModelUsageStats(boolean loaded, String device, long inferenceCount, double meanLatencyMillis, SortedMap<Integer, Long> batchSizeCounts) {

    public static final ModelUsageStats NOT_LOADED = new ModelUsageStats(false, null, 0, 0, new TreeMap<>());

    public ModelUsageStats {
        batchSizeCounts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(batchSizeCounts));
    }

    /** Convenience for providers: a histogram from a map. */
    public static ModelUsageStats of(boolean loaded, String device, long inferenceCount, double meanLatencyMillis, Map<Integer, Long> batchSizes) {
        return new ModelUsageStats(loaded, device, inferenceCount, meanLatencyMillis, new TreeMap<>(batchSizes));
    }
}
