package org.instanceretrieval.es.graph;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;

/**
 * The node's {@value #NAME} thread pool: the helpers of the neighbour-graph computations (the blocked exact scoring on the
 * build's node, the approximate kNN searches on each shard's node). Fixed, one thread per allocated processor (setting
 * {@code thread_pool.retrieval_graph.size}), queue {@value #QUEUE_SIZE}. Its threads are started by Elasticsearch, so the plugin
 * needs no thread entitlement; the thread that asks for help always works too, so a busy pool only slows a build down.
 */
public final class GraphPool {

    public static final String NAME = "retrieval_graph";
    static final int QUEUE_SIZE = 1000;

    private GraphPool() {}

    public static ExecutorBuilder<?> executorBuilder(Settings settings) {
        return new FixedExecutorBuilder(settings, NAME, EsExecutors.allocatedProcessors(settings), QUEUE_SIZE, "thread_pool." + NAME,
            EsExecutors.TaskTrackingConfig.DO_NOT_TRACK);
    }
}
