package org.instanceretrieval.es.dba;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.TaskCancelledException;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.DocumentUpdates;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.es.vectors.FieldVectorReader.DocVector;
import org.instanceretrieval.expansion.DatabaseAugmentation;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a DBA job on the node that received the request:
 * <ol>
 *   <li>checks the mapping: {@code index} names one index, {@code field} and {@code target_field}
 *       are {@code dense_vector} fields of the same dimension;</li>
 *   <li>reads every vector of {@code field} with their {@code _id}s and routing
 *       ({@link #readAllVectors}; documents without the field are skipped and counted);</li>
 *   <li>L2-normalises them and computes alpha-DBA with exact neighbours over all of them
 *       ({@link DatabaseAugmentation#augmentWithExactNeighbours}) on the generic pool;</li>
 *   <li>sets the index's {@code _meta.retrieval_dba.state} to {@code running}, writes the
 *       augmented vectors with partial-document bulk updates ({@link DocumentUpdates}), refreshes, and only
 *       then sets {@code state: done}. Any failure or cancellation after {@code running} was set
 *       leaves {@code state: failed} with the reason.</li>
 * </ol>
 * That is the exact path ({@code graph} false, the default). With {@code "graph": true} steps 2 to 4 are
 * {@link GraphDbaJob}'s instead: neighbours from the stored graph, shard by shard in blocks.
 * <p>
 * Memory: {@code 2 x N x d x 4} bytes on this node (original and augmented vectors) plus the
 * neighbour lists; the exact neighbour search is {@code O(N^2 d)} and is not interrupted by
 * cancellation (it is checked before and after).
 */
public final class TransportDbaAction extends TransportJobAction<JobRequest<DbaAction.Options>, JobResponse> {

    /** Updates per bulk request. */
    static final int BULK_SIZE = 500;

    /**
     * The all-vs-all neighbour search of the job, in the job's own (generic pool) thread: not on
     * the JVM's common fork-join pool (work outside Elasticsearch's thread pools), and not on
     * threads of its own either, which a plugin may only start with the {@code manage_threads}
     * entitlement (a real node refuses them with NotEntitledException).
     */
    private static final ExactNeighbourSearch NEIGHBOUR_SEARCH = new ExactNeighbourSearch(ScoreKernels.best(), 1);

    private final RetrievalBreaker breaker;

    @Inject
    public TransportDbaAction(TransportService transportService, ActionFilters actionFilters, Client client, ClusterService clusterService,
        RetrievalBreaker breaker) {
        super(DbaAction.NAME, transportService, actionFilters, DbaAction.KIND.reader(), client, clusterService);
        this.breaker = breaker;
    }

    @Override
    protected void execute(Job job, JobRequest<DbaAction.Options> request, ActionListener<JobResponse> listener) {
        GetFieldMappingsRequest get = new GetFieldMappingsRequest().indices(request.target()).fields(request.options().field(), request.options().targetField());
        job.client().admin().indices().getFieldMappings(get, ActionListener.wrap(mappings -> {
            String index = checkMapping(request, mappings);
            IndexMetaMarker.readIdle(job.client(), index, DbaMarker.KEY, "a DBA job", listener.delegateFailureAndWrap((l1, marker) -> {
                if (request.options().graph()) {
                    new GraphDbaJob(job, client, clusterService, breaker, generic, index, request).start(l1);
                } else {
                    readAndCompute(job, index, request, l1);
                }
            }));
        }, listener::onFailure)); // a missing index stays Elasticsearch's 404 index_not_found_exception
    }

    /** Reads every vector, then computes and writes; the vectors and the augmented copies are charged to the retrieval breaker. */
    private void readAndCompute(Job job, String index, JobRequest<DbaAction.Options> request, ActionListener<JobResponse> finished) {
        Reservation memory = breaker.reserve(0, "DBA job on [" + index + "]");
        readAllVectors(job, index, request.options().field(), memory, ActionListener.runBefore(finished, memory::close), (docs, skipped, l) -> {
            int dims = docs.get(0).vector().length;
            memory.grow(docs.size() * (16L + 4L * dims + 8L * request.options().neighbours()),
                "DBA of " + docs.size() + " vectors of " + dims + " dimensions, n [" + request.options().neighbours() + "]");
            computeAndWrite(job, index, request, docs, skipped, l);
        });
    }

    /** Checks both fields and returns the one concrete index. */
    static String checkMapping(JobRequest<DbaAction.Options> request, GetFieldMappingsResponse response) {
        Map<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> all = response.mappings();
        if (all.isEmpty()) {
            throw new IndexNotFoundException(request.target());
        }
        if (all.size() > 1) {
            throw badRequest("[{}] names {} indices {}; a DBA job runs on one index", request.target(), all.size(), all.keySet().stream().sorted().toList());
        }
        Map.Entry<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> entry = all.entrySet().iterator().next();
        String index = entry.getKey();
        int dims = denseVectorDims("field", request.options().field(), index, entry.getValue(), Set.of("float"), "DBA reads and writes float vectors");
        int targetDims = denseVectorDims("target_field", request.options().targetField(), index, entry.getValue(), Set.of("float"),
            "DBA reads and writes float vectors");
        if (targetDims < 0) {
            // dims not yet set: only the target can be checked once a vector exists; require it mapped.
            throw badRequest("[target_field] [{}] of index [{}] has no [dims] in its mapping; map it with the dimension of [field]",
                request.options().targetField(), index);
        }
        if (dims > 0 && dims != targetDims) {
            throw badRequest("[target_field] [{}] of index [{}] has dims [{}], [field] [{}] has dims [{}]; they must be equal",
                request.options().targetField(), index, targetDims, request.options().field(), dims);
        }
        return index;
    }

    private void computeAndWrite(Job job, String index, JobRequest<DbaAction.Options> request, List<DocVector> docs, long skipped,
        ActionListener<JobResponse> listener) {
        JobTask task = job.task();
        String taskId = job.id().toString();
        task.checkCancelled();
        task.phase("computing");
        float[][] augmented = augmentInIdOrder(docs, request);
        task.count("vectors_computed", augmented.length);
        task.checkCancelled();
        task.phase("writing");
        Map<String, Object> running = DbaMarker.of(request.options(), "running", taskId, null, null, null);
        // The marker writes use the client without the task as parent so that a cancelled job can still record its failure.
        DbaMarker.write(client, index, running, listener.delegateFailureAndWrap((l, v) -> {
            ActionListener<Void> written = ActionListener.wrap(done -> {
                Map<String, Object> marker = DbaMarker.of(request.options(), "done", taskId, System.currentTimeMillis(), (long) docs.size(), null);
                DbaMarker.write(client, index, marker, l.map(x -> response(index, marker, skipped)));
            }, e -> {
                String reason = ExceptionsHelper.unwrapCause(e).getMessage();
                Map<String, Object> failed = DbaMarker.of(request.options(), "failed", taskId, null, null,
                    reason == null ? e.toString() : reason);
                DbaMarker.write(client, index, failed, ActionListener.running(() -> l.onFailure(e)));
            });
            writeBatch(job, index, request.options().targetField(), docs, augmented, 0, written);
        }));
    }

    /** {@code {"index", the marker's field, target_field, n, alpha, state, completed_at and doc_count, "docs_without_field"}}. */
    private static JobResponse response(String index, Map<String, Object> marker, long skipped) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("index", index);
        for (String key : new String[] { "field", "target_field", "n", "alpha", "state", "completed_at", "doc_count" }) {
            result.put(key, marker.get(key));
        }
        result.put("docs_without_field", skipped);
        return new JobResponse(result);
    }

    /**
     * The augmented vectors of {@code docs}, in their order, computed in a fixed order (by _id, then routing) rather than
     * the order the shards returned them: equal neighbour scores are broken by position, and the blocked kernels may
     * round a dot product differently by position, so the same vectors indexed in another order give bit-identical
     * results. (The writes keep the read order, so the shards' document order is unchanged by the job.)
     */
    private static float[][] augmentInIdOrder(List<DocVector> docs, JobRequest<DbaAction.Options> request) {
        Integer[] order = new Integer[docs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> docs.get(i).id())
            .thenComparing(i -> docs.get(i).routing() == null ? "" : docs.get(i).routing()));
        float[][] database = new float[order.length][];
        for (int i = 0; i < order.length; i++) {
            database[i] = VectorMath.l2NormalizeInPlace(docs.get(order[i]).vector());
        }
        float[][] inIdOrder = DatabaseAugmentation.alphaDba(request.options().neighbours(), request.options().alpha()).augmentWithExactNeighbours(database,
            NEIGHBOUR_SEARCH);
        float[][] augmented = new float[order.length][];
        for (int i = 0; i < order.length; i++) {
            augmented[order[i]] = inIdOrder[i];
        }
        return augmented;
    }

    /** Writes the updates from {@code from} on, one bulk at a time, then refreshes the index. */
    private void writeBatch(Job job, String index, String target, List<DocVector> docs, float[][] augmented, int from,
        ActionListener<Void> listener) {
        try {
            job.task().checkCancelled();
        } catch (TaskCancelledException e) {
            listener.onFailure(e);
            return;
        }
        if (from >= docs.size()) {
            job.refresh(index, listener);
            return;
        }
        int to = Math.min(docs.size(), from + BULK_SIZE);
        BulkRequest bulk = new BulkRequest();
        for (int i = from; i < to; i++) {
            DocVector doc = docs.get(i);
            bulk.add(DocumentUpdates.update(doc.index(), doc.id(), doc.routing(), Map.of(target, augmented[i])));
        }
        job.client().bulk(bulk, listener.delegateFailureAndWrap((l, response) -> {
            job.task().add("vectors_written", DocumentUpdates.count(DocumentUpdates.written(response, "writing the augmented vector",
                target)));
            writeBatch(job, index, target, docs, augmented, to, l);
        }));
    }
}
