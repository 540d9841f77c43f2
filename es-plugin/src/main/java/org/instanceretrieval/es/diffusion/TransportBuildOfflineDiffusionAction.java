package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.elasticsearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.es.graph.GraphFields;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.GraphMarkers;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.job.DocumentUpdates;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.graph.OfflineRowSolver;
import org.instanceretrieval.graph.StoredGraph;
import org.instanceretrieval.memory.Reservation;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Runs an offline diffusion build ({@code POST {index}/_retrieval/diffusion/_build}) on the stored neighbour graph:
 * <ol>
 *   <li>checks the field (404 for a missing index, 400 for a field that is not a float {@code dense_vector}), that the index holds
 *       a usable graph of the field ({@link GraphMarkers#requireUsable}: 400 none / other field / k larger than stored, 409
 *       while it is built), that n_trunc - 1 &lt;= the graph's k (400 naming both) and that no other build of the index runs
 *       (409 naming its task; a {@code running} marker whose task is gone is taken over, {@link IndexMetaMarker#readIdle});</li>
 *   <li>writes the {@link OfflineRowsMarker} {@code running} (this task) into {@code _meta} and maps
 *       {@code retrieval_offline.<field>};</li>
 *   <li>takes the whole graph and its S (k, gamma) from the node's {@link StoredGraphCache};</li>
 *   <li>solves the rows ({@link OfflineRowSolver}) in blocks of {@value #BLOCK} documents (in _id order), each block in
 *       parallel on a fork-join pool of the node's allocated processors and charged to the {@code retrieval} breaker
 *       ({@value #BYTES_PER_ENTRY} bytes per row entry) until its bulk update is written: never all rows on the heap;</li>
 *   <li>refreshes and marks the rows {@code done} (or {@code failed} with the reason).</li>
 * </ol>
 * Documents are updated by {@code _id} with their custom routing, if any (read with the graph); a document deleted since the
 * graph was read is skipped. Documents indexed after the graph build have no row.
 */
public final class TransportBuildOfflineDiffusionAction extends TransportJobAction<JobRequest<BuildOfflineDiffusionAction.Options>, JobResponse> {

    static final int BLOCK = 512;
    /** Heap per row entry while a block is written: the list, its bytes, base64 and the update request. */
    static final long BYTES_PER_ENTRY = 256;

    private final RetrievalBreaker breaker;
    private final StoredGraphCache graphs;

    @Inject
    public TransportBuildOfflineDiffusionAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                                ClusterService clusterService, RetrievalBreaker breaker, StoredGraphCache graphs) {
        super(BuildOfflineDiffusionAction.NAME, transportService, actionFilters, BuildOfflineDiffusionAction.KIND.reader(), client,
            clusterService);
        this.breaker = breaker;
        this.graphs = graphs;
    }

    @Override
    protected void execute(Job job, JobRequest<BuildOfflineDiffusionAction.Options> request, ActionListener<JobResponse> listener) {
        long start = System.nanoTime();
        GetFieldMappingsRequest get = new GetFieldMappingsRequest().indices(request.target()).fields(request.options().field());
        job.client().admin().indices().getFieldMappings(get, ActionListener.wrap(mappings -> {
            String index = checkMapping(request, mappings);
            IndexMetadata metadata = clusterService.state().metadata().index(index);
            DiffusionParameters p = request.options().parameters();
            GraphMarker graph = GraphMarkers.requireUsable(metadata, request.options().field(), p.k(), "[diffusion build]");
            int nTrunc = request.options().nTrunc() == null ? graph.k() + 1 : request.options().nTrunc();
            if (nTrunc - 1 > graph.k()) {
                throw badRequest("[diffusion build] [n_trunc] [{}] needs n_trunc - 1 <= the k [{}] of the stored neighbour graph of index "
                    + "[{}] field [{}]: use n_trunc <= {} or rebuild the graph with k >= {}", nTrunc, graph.k(), index,
                    request.options().field(), graph.k() + 1, nTrunc - 1);
            }
            OfflineRowsMarker marker = new OfflineRowsMarker(request.options().field(), p.k(), p.gamma(), p.alpha(), nTrunc,
                p.maxIterations(), p.tolerance(), graph.task(), job.id().toString(), OfflineRowsMarker.RUNNING, null, null);
            IndexMetaMarker.readIdle(job.client(), index, OfflineRowsMarker.KEY, "an offline diffusion build", listener
                .delegateFailureAndWrap((l, previous) -> build(job, index, metadata, graph, marker, start, l)));
        }, listener::onFailure)); // a missing index stays Elasticsearch's 404 index_not_found_exception
    }

    /** Marks the rows running, then solves and writes them block by block; a failure marks them failed with the reason. */
    private void build(Job job, String index, IndexMetadata metadata, GraphMarker graph, OfflineRowsMarker marker, long start,
                       ActionListener<JobResponse> listener) {
        ActionListener<JobResponse> marking = ActionListener.wrap(listener::onResponse, e -> putMarker(index,
            marker.withState(OfflineRowsMarker.FAILED, null, String.valueOf(e.getMessage())), ActionListener.running(() -> listener.onFailure(e))));
        putMarker(index, marker, marking.delegateFailureAndWrap((l, ack) -> graphs.get(job.client(), metadata, graph, marker.k(),
            marker.gamma(), l.delegateFailureAndWrap((l2, loaded) -> generic.execute(ActionRunnable.wrap(l2, l3 -> block(job, index,
                marker, loaded, 0, new Written(0, 0), start, l3)))))));
    }

    /** Checks the field and returns the one concrete index. */
    static String checkMapping(JobRequest<BuildOfflineDiffusionAction.Options> request, GetFieldMappingsResponse response) {
        Map<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> all = response.mappings();
        if (all.isEmpty()) {
            throw new IndexNotFoundException(request.target());
        }
        if (all.size() > 1) {
            throw badRequest("[{}] names {} indices; an offline diffusion build runs on one index", request.target(), all.size());
        }
        Map.Entry<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> entry = all.entrySet().iterator().next();
        denseVectorDims("field", request.options().field(), entry.getKey(), entry.getValue(), Set.of("float"), "offline diffusion needs float vectors");
        return entry.getKey();
    }

    /** Writes {@code marker} into the index's {@code _meta} (other entries kept) and maps the rows field. */
    private void putMarker(String index, OfflineRowsMarker marker, ActionListener<Void> listener) {
        IndexMetadata metadata = clusterService.state().metadata().index(index);
        Map<String, Object> meta = new LinkedHashMap<>();
        Map<?, ?> current = GraphMarkers.meta(metadata);
        if (current != null) {
            current.forEach((k, v) -> meta.put(String.valueOf(k), v));
        }
        meta.put(OfflineRowsMarker.KEY, marker.toMap());
        PutMappingRequest put = new PutMappingRequest(index).source(Map.of("_meta", meta, "properties",
            Map.of(GraphFields.offlineRows(marker.field()), GraphFields.binaryDocValuesMapping())));
        client.admin().indices().putMapping(put, listener.map(ack -> null));
    }

    /** Rows written so far and their entries. */
    private record Written(long rows, long entries) {}

    /** Solves and writes block {@code b}, then the next; the last one refreshes and marks the rows done. */
    private void block(Job job, String index, OfflineRowsMarker marker, StoredGraphCache.Loaded loaded, int b, Written done, long start,
                       ActionListener<JobResponse> listener) throws Exception {
        job.task().checkCancelled();
        StoredGraph graph = loaded.graph();
        int n = graph.size();
        int from = b * BLOCK;
        if (from >= n) {
            job.task().phase("refreshing");
            job.client().admin().indices().prepareRefresh(index).execute(listener.delegateFailureAndWrap((l, r) -> putMarker(index,
                marker.withState(OfflineRowsMarker.DONE, done.rows(), null), l.map(v -> response(index, marker, done, start)))));
            return;
        }
        job.task().phase("solving");
        int to = Math.min(n, from + BLOCK);
        int threads = Math.max(1, Math.min(EsExecutors.allocatedProcessors(clusterService.getSettings()), to - from));
        Reservation memory = breaker.reserve((long) (to - from) * marker.nTrunc() * BYTES_PER_ENTRY + threads * OfflineRowSolver.bytes(n),
            "offline diffusion rows of index [" + index + "], block of " + (to - from) + " documents");
        try {
            NeighbourList[] rows = solve(loaded, marker, from, to, threads);
            BulkRequest bulk = new BulkRequest();
            String rowsField = GraphFields.offlineRows(marker.field());
            for (int i = from; i < to; i++) {
                NeighbourList row = rows[i - from];
                bulk.add(DocumentUpdates.update(index, graph.id(i), graph.routing(i), Map.of(rowsField,
                    Base64.getEncoder().encodeToString(NeighbourListCodec.encode(row)))));
            }
            // the block's charge is released as soon as its bulk has answered, before the next block is solved
            job.client().bulk(bulk, ActionListener.runBefore(listener.delegateFailureAndWrap((l, response) -> {
                boolean[] written = DocumentUpdates.written(response, "writing the offline diffusion row", rowsField);
                long rowsWritten = done.rows();
                long entries = done.entries();
                for (int r = 0; r < written.length; r++) {
                    rowsWritten += written[r] ? 1 : 0;
                    entries += written[r] ? rows[r].size() : 0;
                }
                Written total = new Written(rowsWritten, entries);
                job.task().count("rows_written", rowsWritten);
                generic.execute(ActionRunnable.wrap(l, l2 -> block(job, index, marker, loaded, b + 1, total, start, l2)));
            }), memory::close));
        } catch (Exception e) {
            memory.close();
            throw e;
        }
    }

    private static NeighbourList[] solve(StoredGraphCache.Loaded loaded, OfflineRowsMarker marker, int from, int to, int threads)
        throws Exception {
        NeighbourList[] rows = new NeighbourList[to - from];
        ConjugateGradient cg = new ConjugateGradient(marker.alpha(), marker.tolerance(), marker.maxIterations());
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, threads).parallel().forEach(w -> {
                OfflineRowSolver solver = new OfflineRowSolver(loaded.graph(), loaded.affinity(), marker.nTrunc(), cg);
                for (int i = from + w; i < to; i += threads) {
                    rows[i - from] = solver.row(i);
                }
            })).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            pool.shutdownNow();
        }
        return rows;
    }

    private static JobResponse response(String index, OfflineRowsMarker marker, Written done, long start) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("index", index);
        result.put("field", marker.field());
        result.put("items", done.rows());
        result.put("stored_entries", done.entries());
        result.put("graph_task", marker.graphTask());
        result.put("took_ms", (System.nanoTime() - start) / 1_000_000);
        return new JobResponse(result);
    }
}
