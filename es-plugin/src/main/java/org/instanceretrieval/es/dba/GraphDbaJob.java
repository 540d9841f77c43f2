package org.instanceretrieval.es.dba;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.RefCountingListener;
import org.elasticsearch.action.support.RefCountingRunnable;
import org.elasticsearch.action.support.SubscribableListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.routing.IndexRouting;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.aggregations.AggregationBuilders;
import org.elasticsearch.search.aggregations.bucket.SingleBucketAggregation;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.instanceretrieval.es.graph.GraphFields;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.TransportJobAction.Job;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.memory.Reservation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The DBA job with {@code "graph": true}: alpha-DBA whose neighbours are read from the index's stored neighbour graph
 * ({@link GraphFields}), so that it costs {@code O(N n d)} after the graph and never holds all vectors on one heap.
 * <p>
 * Neighbours, itself included, of document {@code x} are {@code x} and the first {@code n - 1} entries of its stored list
 * ({@code n - 1 <= k} of the graph): on an exact graph of unit-length vectors these are the top {@code n} by dot product, itself
 * first, exactly those of the exact path. Each is weighted {@code max(s, 0)^alpha} with {@code s} the similarity stored in the list
 * ({@code s = x.x} for the item itself) and the L2-normalised vectors of {@code field} are summed, then L2-normalised.
 * <ol>
 *   <li>Checks (400 unless stated): the index's {@link GraphMarker} exists, is for {@code field}, is {@code done} (409 while
 *       {@code running}, 400 when {@code failed}, also when it says {@code running} but its task no longer runs) and has {@code k >= n - 1}; some document has a vector and every document with
 *       a vector has a list (none added since the build).</li>
 *   <li>Sets the DBA marker {@code running} (it also names the graph's task), then works on the shards, at most
 *       {@value #MAX_PARALLEL_SHARDS} at once, each block by block ({@link GraphDbaBlock}): one {@link ShardGraphBlockAction} read of
 *       the block's ids, routing, vectors and lists from the shard, the neighbours' vectors by id from the shards holding them, the
 *       sums on the generic pool, one bulk of partial updates of {@code target_field} (routing kept).</li>
 *   <li>Checks that the graph was not rebuilt or deleted meanwhile, refreshes, and sets the marker {@code done}; any failure or
 *       cancellation after {@code running} leaves {@code failed} with the reason.</li>
 * </ol>
 * Memory: per block in flight (per shard at work up to three: two being written, one read and computed),
 * {@link GraphDbaBlock#bytesPerDocument} per document plus its encoded lists, charged to the {@code retrieval} breaker on this
 * node; block size {@link #blockSize}.
 */
final class GraphDbaJob {

    /** Shards processed at once. */
    static final int MAX_PARALLEL_SHARDS = 4;
    /** The bytes one block aims at on this node; the block size follows from it. */
    static final long BLOCK_BYTES = 8L << 20;
    /** The most documents of a block. */
    static final int MAX_BLOCK = 1000;
    /** Documents of a shard's first block, read before the dimension is known. */
    static final int FIRST_BLOCK = 64;

    private final Job job;
    private final Client client;
    private final ClusterService clusterService;
    private final RetrievalBreaker breaker;
    private final Executor generic;
    private final String index;
    private final JobRequest<DbaAction.Options> request;
    private final String listField;

    /**
     * @param client the node's client without the task as parent (the markers are written even after a cancellation); reads and
     *               writes go through {@code job.client()}
     */
    GraphDbaJob(Job job, Client client, ClusterService clusterService, RetrievalBreaker breaker, Executor generic, String index,
        JobRequest<DbaAction.Options> request) {
        this.job = job;
        this.client = client;
        this.clusterService = clusterService;
        this.breaker = breaker;
        this.generic = generic;
        this.index = index;
        this.request = request;
        this.listField = GraphFields.neighbours(request.options().field());
    }

    /** Documents per block for vectors of {@code dims}: {@code clamp(8 MiB / bytesPerDocument, 1, 1000)}. */
    static int blockSize(int neighbours, int dims) {
        return (int) Math.max(1, Math.min(MAX_BLOCK, BLOCK_BYTES / GraphDbaBlock.bytesPerDocument(neighbours, dims)));
    }

    void start(ActionListener<JobResponse> listener) {
        job.task().phase("checking");
        readGraphMarker(listener.delegateFailureAndWrap((l, graph) -> {
            check(graph);
            count(graph, l.delegateFailureAndWrap((l2, skipped) -> augmentAll(graph, skipped, l2)));
        }));
    }

    /** The index's graph marker as it stands: a {@code running} one whose task no longer runs reads as failed. */
    private void readGraphMarker(ActionListener<GraphMarker> listener) {
        IndexMetaMarker.readResolved(job.client(), index, GraphMarker.KEY, listener.map(marker -> marker == null ? null
            : GraphMarker.fromMeta(Map.of(GraphMarker.KEY, marker))));
    }

    /** The graph checks of the request; throws the 400 or 409. */
    private void check(GraphMarker graph) {
        String build = "POST " + index + "/_retrieval/graph/_build {\"field\": \"" + request.options().field() + "\", \"k\": "
            + Math.max(request.options().neighbours() - 1, 1) + "}";
        if (graph == null) {
            throw badRequest("[graph] is true but index [{}] has no neighbour graph; build one for [field] [{}] with {}", index,
                request.options().field(), build);
        }
        if (graph.field().equals(request.options().field()) == false) {
            throw badRequest("[graph] is true but the neighbour graph of index [{}] is built on field [{}], not on [field] [{}]; build one "
                + "for [{}] with {}", index, graph.field(), request.options().field(), request.options().field(), build);
        }
        if (GraphMarker.RUNNING.equals(graph.state())) {
            throw new ElasticsearchStatusException("the neighbour graph of [{}] in index [{}] is being built (task [{}]); run the DBA job "
                + "once GET {}/_retrieval/graph says [done]", RestStatus.CONFLICT, request.options().field(), index, graph.task(), index);
        }
        if (graph.isDone() == false) {
            throw badRequest("the neighbour graph of [{}] in index [{}] is [{}] (reason: {}); rebuild it with {}", request.options().field(), index,
                graph.state(), graph.reason(), build);
        }
        if (request.options().neighbours() - 1 > graph.k()) {
            throw badRequest("[n] [{}] needs each document and its [{}] nearest neighbours but the neighbour graph of [{}] in index [{}] "
                + "stores k [{}]; use n <= [{}] or rebuild the graph with k >= [{}]", request.options().neighbours(), request.options().neighbours() - 1,
                request.options().field(), index, graph.k(), graph.k() + 1, request.options().neighbours() - 1);
        }
    }

    /** Counts documents: 400 when none has a vector or some with a vector have no list; continues with those without a vector. */
    private void count(GraphMarker graph, ActionListener<Long> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder().size(0).trackTotalHits(true)
            .aggregation(AggregationBuilders.filter("with_vector", QueryBuilders.existsQuery(request.options().field())))
            .aggregation(AggregationBuilders.filter("without_list", QueryBuilders.boolQuery()
                .filter(QueryBuilders.existsQuery(request.options().field())).mustNot(QueryBuilders.existsQuery(listField))));
        job.client().search(new SearchRequest(index).source(source), listener.delegateFailureAndWrap((l, response) -> {
            long total = response.getHits().getTotalHits().value;
            long withVector = ((SingleBucketAggregation) response.getAggregations().get("with_vector")).getDocCount();
            long withoutList = ((SingleBucketAggregation) response.getAggregations().get("without_list")).getDocCount();
            if (withVector == 0) {
                throw badRequest("no vectors: no document of [{}] has a vector in [{}]", index, request.options().field());
            }
            if (withoutList > 0) {
                throw badRequest("[{}] documents of index [{}] have a vector in [{}] but no neighbour list in [{}]: they were indexed after "
                    + "the neighbour graph (task [{}]) was built; rebuild it with POST {}/_retrieval/graph/_build", withoutList, index,
                    request.options().field(), listField, graph.task(), index);
            }
            l.onResponse(total - withVector);
        }));
    }

    private Map<String, Object> marker(GraphMarker graph, String state, Long completedAt, Long docCount, String reason) {
        Map<String, Object> marker = DbaMarker.of(request.options(), state, job.id().toString(), completedAt, docCount, reason);
        marker.put("graph_task", graph.task());
        return marker;
    }

    private void augmentAll(GraphMarker graph, long skipped, ActionListener<JobResponse> listener) {
        // The marker writes use the client without the task as parent so that a cancelled job can still record its failure.
        DbaMarker.write(client, index, marker(graph, "running", null, null, null), listener.delegateFailureAndWrap((l, v) -> {
            ActionListener<Void> finished = ActionListener.wrap(done -> {
                Map<String, Object> marker = marker(graph, "done", System.currentTimeMillis(), job.task().value("vectors_read"), null);
                DbaMarker.write(client, index, marker, l.map(x -> response(marker, skipped)));
            }, e -> {
                String reason = ExceptionsHelper.unwrapCause(e).getMessage();
                Map<String, Object> failed = marker(graph, "failed", null, null, reason == null ? e.toString() : reason);
                DbaMarker.write(client, index, failed, ActionListener.running(() -> l.onFailure(e)));
            });
            job.task().phase("augmenting");
            allShards(finished.delegateFailureAndWrap((l2, x) -> readGraphMarker(l2.delegateFailureAndWrap((l3, now) -> {
                if (now == null || now.isDone() == false || now.task().equals(graph.task()) == false) {
                    throw new ElasticsearchStatusException("the neighbour graph of [{}] in index [{}] changed while the DBA job read it "
                        + "(built by task [{}], now {}); run the job again", RestStatus.CONFLICT, request.options().field(), index, graph.task(),
                        now == null ? "deleted" : "[" + now.state() + "] by task [" + now.task() + "]");
                }
                job.refresh(index, l3);
            }))));
        }));
    }

    /** Works on every shard, {@value #MAX_PARALLEL_SHARDS} at a time; fails with the first failure. */
    private void allShards(ActionListener<Void> listener) {
        IndexMetadata metadata = clusterService.state().metadata().index(index);
        if (metadata == null) {
            listener.onFailure(new IndexNotFoundException(index));
            return;
        }
        GraphDbaBlock.Context context = new GraphDbaBlock.Context(job, index, request.options().field(), request.options().targetField(),
            request.options().neighbours(), request.options().alpha(), metadata.getNumberOfShards(), IndexRouting.fromIndexMetadata(metadata), generic);
        AtomicInteger nextShard = new AtomicInteger();
        try (RefCountingListener refs = new RefCountingListener(listener)) {
            for (int w = 0; w < Math.min(MAX_PARALLEL_SHARDS, metadata.getNumberOfShards()); w++) {
                nextShard(context, nextShard, refs::isFailing, refs.acquire());
            }
        }
    }

    private void nextShard(GraphDbaBlock.Context context, AtomicInteger nextShard, BooleanSupplier failing, ActionListener<Void> listener) {
        int shard = nextShard.getAndIncrement();
        if (shard >= context.shards()) {
            listener.onResponse(null);
            return;
        }
        SubscribableListener<Void> none = SubscribableListener.newSucceeded(null);
        block(context, shard, null, FIRST_BLOCK, failing, none, none, listener.delegateFailureAndWrap((l, v) -> nextShard(context,
            nextShard, failing, l)));
    }

    /**
     * Reads and augments the block of {@code shard} after {@code after}, then, once the write two blocks back ({@code older}) is
     * done, sends its bulk and goes on with the next block: up to two bulks of a shard are written at once (one write thread
     * each) while the next block is read and computed. {@code newer} is the previous block's write. {@code done} completes once
     * the shard's last write ended, with the first failure.
     */
    private void block(GraphDbaBlock.Context context, int shard, String after, int size, BooleanSupplier failing,
        SubscribableListener<Void> older, SubscribableListener<Void> newer, ActionListener<Void> done) {
        if (failing.getAsBoolean()) {
            end(older, newer, null, done); // another shard failed: the job's listener already has the failure
            return;
        }
        try {
            job.task().checkCancelled();
        } catch (Exception e) {
            end(older, newer, e, done);
            return;
        }
        var params = new ShardGraphBlockAction.Params(listField, after, size);
        ShardGraphBlockAction.INSTANCE.execute(job.client(), index, shard, request.options().field(), params, ActionListener.wrap(docs -> {
            job.task().add("vectors_read", docs.size());
            int nextSize = docs.dims() == 0 ? size : blockSize(request.options().neighbours(), docs.dims());
            if (docs.size() == 0) {
                if (docs.next() == null) {
                    end(older, newer, null, done);
                } else {
                    block(context, shard, docs.next(), nextSize, failing, older, newer, done);
                }
                return;
            }
            long bytes = docs.size() * GraphDbaBlock.bytesPerDocument(request.options().neighbours(), docs.dims());
            for (int i = 0; i < docs.size(); i++) {
                bytes += docs.list(i).length;
            }
            Reservation memory = breaker.reserve(bytes, "DBA block of " + docs.size() + " documents of shard [" + shard + "] of ["
                + index + "] with n [" + request.options().neighbours() + "]");
            GraphDbaBlock block = new GraphDbaBlock(context, docs);
            ActionListener<float[][]> computed = ActionListener.wrap(augmented -> older.addListener(ActionListener.wrap(v -> {
                SubscribableListener<Void> write = new SubscribableListener<>();
                block.write(augmented, ActionListener.runBefore(write, memory::close));
                if (docs.next() == null) {
                    end(newer, write, null, done);
                } else {
                    block(context, shard, docs.next(), nextSize, failing, newer, write, done);
                }
            }, e -> {
                memory.close();
                end(older, newer, e, done);
            })), e -> {
                memory.close();
                end(older, newer, e, done);
            });
            generic.execute(ActionRunnable.wrap(computed, block::augment));
        }, e -> end(older, newer, e, done)));
    }

    /** Completes {@code done} once both writes ended: with {@code failure}, else the first write failure, else success. */
    private static void end(SubscribableListener<Void> older, SubscribableListener<Void> newer, Exception failure,
        ActionListener<Void> done) {
        AtomicReference<Exception> first = new AtomicReference<>(failure);
        try (RefCountingRunnable refs = new RefCountingRunnable(() -> {
            if (first.get() == null) {
                done.onResponse(null);
            } else {
                done.onFailure(first.get());
            }
        })) {
            for (SubscribableListener<Void> write : List.of(older, newer)) {
                Releasable ref = refs.acquire();
                write.addListener(ActionListener.wrap(v -> ref.close(), e -> {
                    first.compareAndSet(null, e);
                    ref.close();
                }));
            }
        }
    }

    /** The exact path's response keys, and {@code "graph_task"}: the task that built the graph read. */
    private JobResponse response(Map<String, Object> marker, long skipped) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("index", index);
        for (String key : new String[] { "field", "target_field", "n", "alpha", "state", "completed_at", "doc_count", "graph_task" }) {
            result.put(key, marker.get(key));
        }
        result.put("docs_without_field", skipped);
        return new JobResponse(result);
    }

    private static ElasticsearchStatusException badRequest(String message, Object... args) {
        return new ElasticsearchStatusException(message, RestStatus.BAD_REQUEST, args);
    }
}
