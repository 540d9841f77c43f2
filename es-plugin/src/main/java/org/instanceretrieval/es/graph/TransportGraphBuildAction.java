package org.instanceretrieval.es.graph;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.elasticsearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.core.Tuple;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.vectors.ShardVectorIdsAction;
import org.instanceretrieval.memory.Reservation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs a neighbour-graph build ({@link GraphBuildAction}) on the node that received it:
 * <ol>
 *   <li>checks: {@code index} names one index, {@code field} is a float {@code dense_vector} of it (400 otherwise, 404 for a
 *       missing index), and no build of the index is running (409 naming its task; a {@code running} marker whose task is gone
 *       counts as failed, {@link IndexMetaMarker#resolve});</li>
 *   <li>maps {@code retrieval_graph.<field>} (binary doc values) and gathers the ids of the documents with a vector from every
 *       shard ({@link ShardVectorIdsAction}, charged as they arrive), which fixes the ordinals ({@link CollectionIds});</li>
 *   <li>charges the blocks, writes the marker {@code running} with the task id, then computes and writes the lists
 *       ({@link ExactGraphBuild} or {@link HnswGraphBuild});</li>
 *   <li>clears stale lists (documents that lost their vector; all lists of another field when the previous graph was on
 *       another field, {@link GraphListCleaner}), refreshes, and writes the marker {@code done} with the lists written.</li>
 * </ol>
 * A failure or cancellation after the {@code running} marker leaves it {@code failed} with the reason. The marker writes use the
 * node client without the task as parent (a cancelled job can still record its failure) but with the caller's context.
 */
public final class TransportGraphBuildAction extends TransportJobAction<JobRequest<GraphBuildAction.Options>, JobResponse> {

    private final RetrievalBreaker breaker;
    private final Executor helpers;
    private final int parallelism;

    @Inject
    public TransportGraphBuildAction(TransportService transportService, ActionFilters actionFilters, Client client,
        ClusterService clusterService, RetrievalBreaker breaker) {
        super(GraphBuildAction.NAME, transportService, actionFilters, GraphBuildAction.KIND.reader(), client, clusterService);
        this.breaker = breaker;
        ThreadPool threadPool = transportService.getThreadPool();
        this.helpers = threadPool.executor(GraphPool.NAME);
        this.parallelism = Math.max(1, threadPool.info(GraphPool.NAME).getMax());
    }

    @Override
    protected void execute(Job job, JobRequest<GraphBuildAction.Options> request, ActionListener<JobResponse> listener) {
        GraphBuildAction.Options options = request.options();
        GetFieldMappingsRequest get = new GetFieldMappingsRequest().indices(request.target()).fields(options.field());
        job.client().admin().indices().getFieldMappings(get, listener.delegateFailureAndWrap((l, mappings) -> {
            String index = checkMapping(request.target(), options.field(), mappings);
            IndexMetaMarker.readIdle(job.client(), index, GraphMarker.KEY, "a neighbour-graph build", l.delegateFailureAndWrap(
                (l1, marker) -> mapAndGather(job, index, options, marker == null ? null : (String) marker.get("field"), l1)));
        }));
    }

    /** The one concrete index; 404 when missing, 400 unless {@code field} is a float {@code dense_vector} of one index. */
    static String checkMapping(String expression, String field, GetFieldMappingsResponse response) {
        Map<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> all = response.mappings();
        if (all.isEmpty()) {
            throw new IndexNotFoundException(expression);
        }
        if (all.size() > 1) {
            throw badRequest("[index] [{}] names {} indices {}; a neighbour graph is built on one index", expression, all.size(),
                all.keySet().stream().sorted().toList());
        }
        Map.Entry<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> entry = all.entrySet().iterator().next();
        denseVectorDims("field", field, entry.getKey(), entry.getValue(), Set.of("float"), "the neighbour graph is built on float vectors");
        return entry.getKey();
    }

    private void mapAndGather(Job job, String index, GraphBuildAction.Options options, String previousField,
        ActionListener<JobResponse> listener) {
        job.task().phase("reading_ids");
        PutMappingRequest put = new PutMappingRequest(index).source(Map.of("properties", Map.of(GraphFields.NEIGHBOURS_ROOT,
            Map.of("properties", Map.of(options.field(), GraphFields.binaryDocValuesMapping())))));
        Reservation memory = breaker.reserve(0, "neighbour graph build of [" + index + "][" + options.field() + "]");
        ActionListener<JobResponse> released = ActionListener.runBefore(listener, memory::close);
        job.client().admin().indices().putMapping(put, released.delegateFailureAndWrap((l, ack) -> {
            IndexMetadata metadata = clusterService.state().metadata().index(index);
            if (metadata == null) {
                throw new IndexNotFoundException(index);
            }
            int shards = metadata.getNumberOfShards();
            ShardVectorIdsAction.Result[] answers = new ShardVectorIdsAction.Result[shards];
            GroupedActionListener<Tuple<Integer, ShardVectorIdsAction.Result>> group = new GroupedActionListener<>(shards,
                l.delegateFailureAndWrap((l2, all) -> {
                    for (Tuple<Integer, ShardVectorIdsAction.Result> t : all) {
                        answers[t.v1()] = t.v2();
                    }
                    CollectionIds ids = CollectionIds.merge(index, options.field(), answers);
                    if (ids.size() == 0) {
                        throw badRequest("no vectors: no document of index [{}] has a vector in [field] [{}]", index, options.field());
                    }
                    generic.execute(() -> start(job, index, options, previousField, ids, memory, l2));
                }));
            for (int s = 0; s < shards; s++) {
                int shard = s;
                ShardVectorIdsAction.INSTANCE.execute(job.client(), index, shard, options.field(), RequestParams.NONE,
                    group.map(r -> {
                        long bytes = 0;
                        for (int i = 0; i < r.ids().length; i++) {
                            bytes += CollectionIds.bytesPerDocument(r.ids()[i], r.routings()[i]);
                        }
                        memory.grow(bytes, "ids of the " + r.ids().length + " documents with [" + options.field() + "] of shard ["
                            + shard + "] of [" + index + "] gathered for the neighbour graph");
                        job.task().add("documents", r.ids().length);
                        return Tuple.tuple(shard, r);
                    }));
            }
        }));
    }

    /** Charges the blocks, marks the build running, computes and writes, cleans, refreshes, marks it done (or failed). */
    private void start(Job job, String index, GraphBuildAction.Options options, String previousField, CollectionIds ids,
        Reservation memory, ActionListener<JobResponse> listener) {
        try {
            int maxIdLength = 0;
            for (int o = 0; o < ids.size(); o++) {
                maxIdLength = Math.max(maxIdLength, ids.id(o).length());
            }
            int block = Math.min(options.blockSize(), ids.size());
            long bytes = GraphBuildAction.EXACT.equals(options.method())
                ? ExactGraphBuild.bytes(block, ids.dims(), options.k(), maxIdLength, parallelism)
                : HnswGraphBuild.bytes(block, ids.dims(), options.k(), options.numCandidates(), maxIdLength);
            memory.grow(bytes, "blocks of " + block + " vectors of " + ids.dims() + " dimensions, k [" + options.k() + "] of the ["
                + options.method() + "] neighbour graph");
            job.task().checkCancelled();
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        String taskId = job.id().toString();
        GraphMarker running = new GraphMarker(options.field(), options.k(), options.method(), GraphMarker.RUNNING, taskId,
            System.currentTimeMillis(), null, null, null);
        IndexMetaMarker.write(client, index, GraphMarker.KEY, running.toMap(), listener.delegateFailureAndWrap((l, v) -> {
            ActionListener<Long> finished = ActionListener.wrap(written -> {
                GraphMarker done = running.withState(GraphMarker.DONE, System.currentTimeMillis(), written, null);
                IndexMetaMarker.write(client, index, GraphMarker.KEY, done.toMap(), l.map(x -> response(index, done)));
            }, e -> {
                String reason = ExceptionsHelper.unwrapCause(e).getMessage();
                GraphMarker failed = running.withState(GraphMarker.FAILED, null, null, reason == null ? e.toString() : reason);
                IndexMetaMarker.write(client, index, GraphMarker.KEY, failed.toMap(), ActionListener.running(() -> l.onFailure(e)));
            });
            computeAndFinish(job, index, options, previousField, ids, finished);
        }));
    }

    private void computeAndFinish(Job job, String index, GraphBuildAction.Options options, String previousField, CollectionIds ids,
        ActionListener<Long> listener) {
        job.task().phase("computing");
        BlockLoader loader = new BlockLoader(job.client(), index, options.field(), ids);
        GraphListWriter writer = new GraphListWriter(job.client(), index, options.field(), ids);
        ActionListener<Void> computed = listener.delegateFailureAndWrap((l, v) -> {
            job.task().checkCancelled();
            job.task().phase("cleaning");
            GraphListCleaner own = new GraphListCleaner(job.client(), index, options.field());
            own.clear(QueryBuilders.boolQuery().mustNot(QueryBuilders.existsQuery(options.field())), l.delegateFailureAndWrap((l2, n) -> {
                if (previousField != null && previousField.equals(options.field()) == false) {
                    new GraphListCleaner(job.client(), index, previousField).clear(null, l2.delegateFailureAndWrap((l3, m) ->
                        refresh(job, index, writer.written(), l3)));
                } else {
                    refresh(job, index, writer.written(), l2);
                }
            }));
        });
        try {
            if (GraphBuildAction.EXACT.equals(options.method())) {
                new ExactGraphBuild(job.task(), loader, writer, ids, options.k(), options.blockSize(), generic, helpers, parallelism)
                    .run(computed);
            } else {
                int shards = clusterService.state().metadata().index(index).getNumberOfShards();
                new HnswGraphBuild(job.task(), job.client(), index, options, loader, writer, ids, shards).run(computed);
            }
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    private void refresh(Job job, String index, long written, ActionListener<Long> listener) {
        job.task().checkCancelled();
        job.refresh(index, listener.map(v -> written));
    }

    /** {@code {"index": ..., <the done marker>}}. */
    private static JobResponse response(String index, GraphMarker marker) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("index", index);
        result.putAll(marker.toMap());
        return new JobResponse(result);
    }
}
