package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.indices.IndicesService;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.memory.RetrievalBreaker;

/**
 * The node services every {@link TransportShardReadAction} is built from, injected as one: a shard read's constructor is then
 * {@code @Inject X(ShardReadServices services) { super(X_ACTION, services); }}.
 */
public record ShardReadServices(ClusterService clusterService, TransportService transportService, IndicesService indicesService,
    ThreadPool threadPool, ActionFilters actionFilters, IndexNameExpressionResolver resolver, RetrievalBreaker breaker) {

    @Inject
    public ShardReadServices {}
}
