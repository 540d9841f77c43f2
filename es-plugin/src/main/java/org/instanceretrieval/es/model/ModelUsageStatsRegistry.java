package org.instanceretrieval.es.model;

import java.util.Objects;
import java.util.function.Function;

/**
 * The node's source of {@link ModelUsageStats}, created once per node by the plugin. The
 * node's inference ({@code NodeInference}) installs its provider with {@link #setProvider},
 * reading the inference service's counters; before that every model reports
 * {@link ModelUsageStats#NOT_LOADED}.
 */
public final class ModelUsageStatsRegistry {

    private volatile Function<String, ModelUsageStats> provider = id -> ModelUsageStats.NOT_LOADED;

    /** Installs the function giving a model's stats on this node (it may return null for "not loaded"). */
    public void setProvider(Function<String, ModelUsageStats> provider) {
        this.provider = Objects.requireNonNull(provider);
    }

    /** This node's stats of the model. */
    public ModelUsageStats statsFor(String modelId) {
        ModelUsageStats stats = provider.apply(modelId);
        return stats == null ? ModelUsageStats.NOT_LOADED : stats;
    }
}
