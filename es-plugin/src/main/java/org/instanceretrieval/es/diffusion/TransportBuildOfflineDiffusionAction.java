package org.instanceretrieval.es.diffusion;

import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.core.Releasables;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.diffusion.AffinityGraph;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.OfflineDiffusion;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.es.model.ModelIndex;
import org.instanceretrieval.es.vectors.FieldVectorReader.DocVector;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

import static org.elasticsearch.xcontent.XContentFactory.jsonBuilder;

/**
 * Runs an offline diffusion build on the node that received the request:
 * <ol>
 *   <li>checks that {@code index} names one index and {@code field} is a float {@code dense_vector} of it;</li>
 *   <li>reads every vector of the field with its {@code _id} ({@link #readAllVectors}; documents
 *       without the field are counted and left out) and orders them by {@code _id} (the graph's
 *       node order, so a build is reproducible);</li>
 *   <li>accounts its memory on the request circuit breaker (429 over the limit), builds the
 *       affinity graph (k, gamma) over all vectors as given (not re-normalised: the field's
 *       similarity is expected to be dot_product on unit vectors) and {@link OfflineDiffusion}
 *       (alpha, n_trunc, max_iterations, tolerance), on the generic pool, the per-item solves in a
 *       fork-join pool of one thread that is shut down afterwards;</li>
 *   <li>stores it in {@link OfflineDiffusionIndex} (id {@code <index>#<field>}, replacing a former build).</li>
 * </ol>
 * Documents indexed after the build are not part of it: the retriever notices them in its window
 * and then diffuses online (or fails, with {@code offline: true}).
 */
public final class TransportBuildOfflineDiffusionAction extends TransportJobAction<BuildOfflineDiffusionAction.Request,
    JobResponse> {

    private final CircuitBreakerService breakers;
    private final RetrievalBreaker retrievalBreaker;

    @Inject
    public TransportBuildOfflineDiffusionAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                                ClusterService clusterService, CircuitBreakerService breakers,
                                                RetrievalBreaker retrievalBreaker) {
        super(BuildOfflineDiffusionAction.NAME, transportService, actionFilters, BuildOfflineDiffusionAction.Request::new, client,
            clusterService);
        this.breakers = breakers;
        this.retrievalBreaker = retrievalBreaker;
    }

    @Override
    protected void execute(Job job, BuildOfflineDiffusionAction.Request request, ActionListener<JobResponse> listener) {
        long start = System.nanoTime();
        GetFieldMappingsRequest get = new GetFieldMappingsRequest().indices(request.index()).fields(request.field());
        job.client().admin().indices().getFieldMappings(get, ActionListener.wrap(mappings -> {
            String index = checkMapping(request, mappings);
            // the gathered vectors, held until the build is stored (the graph itself is accounted in buildAndStore)
            Reservation vectors = retrievalBreaker.reserve(0, "offline diffusion build on [" + index + "]");
            readAllVectors(job, index, request.field(), vectors, ActionListener.runBefore(listener, vectors::close),
                (docs, skipped, l) -> buildAndStore(job.task(), index, request, docs, skipped, start, l));
        }, listener::onFailure)); // a missing index stays Elasticsearch's 404 index_not_found_exception
    }

    /** Checks the field and returns the one concrete index. */
    static String checkMapping(BuildOfflineDiffusionAction.Request request, GetFieldMappingsResponse response) {
        Map<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> all = response.mappings();
        if (all.isEmpty()) {
            throw new IndexNotFoundException(request.index());
        }
        if (all.size() > 1) {
            throw badRequest("[{}] names {} indices; an offline diffusion build runs on one index", request.index(), all.size());
        }
        Map.Entry<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> entry = all.entrySet().iterator().next();
        denseVectorDims("field", request.field(), entry.getKey(), entry.getValue(), Set.of("float"), "offline diffusion needs float vectors");
        return entry.getKey();
    }

    /** Estimated heap of a build: the window estimate over all items plus the rows, twice (array and stored bytes). */
    static long estimatedBytes(int n, int dims, int k, int nTrunc) {
        // the graph and solver, the rows (8 bytes per entry) as built, and four copies of them while they are serialised and
        // stored (the bytes, the base64 source, the index request's copy, with 72 bytes of id and length per item)
        long rows = 8L * n * Math.min(nTrunc, n);
        return WindowDiffusion.estimatedBytes(n, dims, k) + 2L * rows + 4L * (rows + 72L * n);
    }

    private void buildAndStore(JobTask task, String index, BuildOfflineDiffusionAction.Request request, List<DocVector> docs,
                               long skipped, long start, ActionListener<JobResponse> listener) throws Exception {
        task.checkCancelled();
        task.phase("building");
        List<DocVector> ordered = new ArrayList<>(docs);
        ordered.sort(Comparator.comparing(DocVector::id));
        int n = ordered.size();
        float[][] vectors = new float[n][];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            vectors[i] = ordered.get(i).vector();
            ids[i] = ordered.get(i).id();
        }
        DiffusionParameters p = request.parameters();
        CircuitBreaker breaker = breakers.getBreaker(CircuitBreaker.REQUEST);
        long bytes = estimatedBytes(n, vectors[0].length, p.k(), request.nTrunc());
        breaker.addEstimateBytesAndMaybeBreak(bytes, "<offline diffusion build of [" + index + "][" + request.field() + "], " + n + " items>");
        // held until the build is stored
        Releasable released = Releasables.releaseOnce(() -> breaker.addWithoutBreaking(-bytes));
        ActionListener<JobResponse> releasing = ActionListener.releaseAfter(listener, released);
        try {
            OfflineDiffusion offline;
            ExactNeighbourSearch search = new ExactNeighbourSearch(ScoreKernels.best(), 1);
            AffinityGraph graph = AffinityGraph.build(vectors, new GraphParameters(p.k(), p.gamma()), search);
            task.checkCancelled();
            // OfflineDiffusion solves items in a parallel stream: run it in a pool of our own rather than the common pool.
            ForkJoinPool pool = new ForkJoinPool(1);
            try {
                offline = pool.submit(() -> OfflineDiffusion.build(vectors, graph, request.nTrunc(),
                    new ConjugateGradient(p.alpha(), p.tolerance(), p.maxIterations()), search)).get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } finally {
                pool.shutdownNow();
            }
            task.checkCancelled();
            byte[] data = new OfflineDiffusionData(p.k(), p.gamma(), p.alpha(), ids, offline).toBytes();
            store(task, index, request, n, skipped, start, offline, data, releasing);
        } catch (Exception e) {
            released.close();
            throw e;
        }
    }

    private void store(JobTask task, String index, BuildOfflineDiffusionAction.Request request, int n, long skipped,
        long start, OfflineDiffusion offline, byte[] data, ActionListener<JobResponse> listener) throws IOException {
        DiffusionParameters p = request.parameters();
        task.phase("storing");
        XContentBuilder source = jsonBuilder().startObject()
            .field("index", index)
            .field("field", request.field())
            .field("index_uuid", clusterService.state().metadata().index(index).getIndexUUID())
            .field("items", n)
            .field("stored_entries", offline.storedEntries())
            .startObject("parameters")
            .field("k", p.k())
            .field("gamma", p.gamma())
            .field("alpha", p.alpha())
            .field("n_trunc", request.nTrunc())
            .field("max_iterations", p.maxIterations())
            .field("tolerance", p.tolerance())
            .endObject()
            .field("built_time", System.currentTimeMillis())
            .field(OfflineDiffusionIndex.DATA_FIELD, data)
            .endObject();
        IndexRequest store = new IndexRequest(OfflineDiffusionIndex.INDEX).id(OfflineDiffusionIndex.id(index, request.field()))
            .source(source)
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("index", index);
        result.put("field", request.field());
        result.put("items", n);
        result.put("stored_entries", offline.storedEntries());
        result.put("docs_without_field", skipped);
        new OriginSettingClient(client, ModelIndex.ORIGIN).index(store, listener.map(r -> {
            result.put("took_ms", (System.nanoTime() - start) / 1_000_000);
            return new JobResponse(result);
        }));
    }
}
