package org.instanceretrieval.es.whitening;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.es.vectors.FieldVectorReader;
import org.instanceretrieval.es.vectors.FieldVectorReader.DocVector;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.whitening.LearnedWhitening;
import org.instanceretrieval.whitening.PcaWhitening;
import org.instanceretrieval.whitening.Whitening;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Learns a whitening on the node that received the request: checks the id is free and the
 * field is a {@code dense_vector} of every index named, reads the vectors
 * ({@link FieldVectorReader}, with the caller's privileges), L2-normalises them (the learners
 * expect normalised descriptors, as the definitions say), learns on the generic thread pool and
 * stores the result. The mapping check and the page searches carry this task as parent, so
 * cancelling the task cancels them; the reader also checks the task between pages.
 * <p>
 * Memory: the vectors are held on this node while learning, {@code n x d x 4} bytes (100,000
 * vectors of 2048 dimensions: 800 MB), plus the {@code d x d} double covariance.
 */
public final class TransportLearnWhiteningAction extends TransportJobAction<JobRequest<LearnWhiteningAction.Options>, JobResponse> {

    private static final int MAX_IDS_NAMED = 20;

    private final CachingWhiteningStore store;
    private final LongSupplier clock = System::currentTimeMillis;

    private final RetrievalBreaker breaker;

    @Inject
    public TransportLearnWhiteningAction(
        TransportService transportService,
        ActionFilters actionFilters,
        CachingWhiteningStore store,
        Client client,
        ClusterService clusterService,
        RetrievalBreaker breaker
    ) {
        super(LearnWhiteningAction.NAME, transportService, actionFilters, LearnWhiteningAction.KIND.reader(), client, clusterService);
        this.store = store;
        this.breaker = breaker;
    }

    @Override
    protected void execute(Job job, JobRequest<LearnWhiteningAction.Options> request, ActionListener<JobResponse> listener) {
        JobTask learnTask = job.task();
        store.index().exists(request.target(), listener.delegateFailureAndWrap((l, exists) -> {
            if (exists) {
                throw IndexWhiteningStore.alreadyExists(request.target());
            }
            checkField(job.client(), request, l.delegateFailureAndWrap((l2, mappedDims) -> {
                learnTask.phase("reading");
                QueryBuilder query = request.options().method() == WhiteningMethod.PCA
                    ? QueryBuilders.existsQuery(request.options().field())
                    : QueryBuilders.idsQuery().addIds(request.options().pairDocumentIds().toArray(String[]::new));
                int limit = request.options().method() == WhiteningMethod.PCA ? request.options().maxSamples() : Integer.MAX_VALUE;
                Reservation memory = breaker.reserve(0, "learning whitening [" + request.target() + "]");
                ActionListener<JobResponse> released = ActionListener.runBefore(l2, memory::close);
                new FieldVectorReader(client, learnTask, job.id(), request.options().index(), request.options().field(), query, limit,
                    learnTask.counter("vectors_read"), memory).read(
                    released.delegateFailureAndWrap((l3, docs) -> generic.execute(
                        org.elasticsearch.action.ActionRunnable.wrap(l3, l4 -> {
                            if (docs.isEmpty() == false) {
                                long d = docs.get(0).vector().length;
                                // the scatter matrix, its eigen decomposition and the projection: a few d x d doubles
                                memory.grow(4L * 8L * d * d, "whitening of " + d + " dimensions");
                            }
                            learnAndStore(learnTask, request, docs, l4);
                        })
                    ))
                );
            }));
        }));
    }

    /**
     * Checks that {@code index} names at least one index and that {@code field} is a
     * {@code dense_vector} of float or byte elements in each; completes with the mapped
     * dimension (or -1 when not yet set by any document), and checks {@code dimensions} against it.
     */
    private static void checkField(Client client, JobRequest<LearnWhiteningAction.Options> request, ActionListener<Integer> listener) {
        GetFieldMappingsRequest get = new GetFieldMappingsRequest().indices(request.options().index()).fields(request.options().field());
        // a missing index fails with Elasticsearch's 404 index_not_found_exception
        client.admin().indices().getFieldMappings(get, listener.delegateFailureAndWrap((l, response) -> l.onResponse(mappedDimension(request, response))));
    }

    static int mappedDimension(JobRequest<LearnWhiteningAction.Options> request, GetFieldMappingsResponse response) {
        Map<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> all = response.mappings();
        if (all.isEmpty()) {
            throw badRequest("unknown [index] [{}]: it matches no index", request.options().index());
        }
        Integer dims = null;
        for (Map.Entry<String, Map<String, GetFieldMappingsResponse.FieldMappingMetadata>> entry : all.entrySet()) {
            int d = denseVectorDims("field", request.options().field(), entry.getKey(), entry.getValue(), Set.of("float", "byte"),
                "only float and byte vectors can be whitened");
            if (dims != null && dims != d) {
                throw badRequest("[field] [{}] has dimension {} in one index and {} in index [{}]", request.options().field(), dims, d, entry.getKey());
            }
            dims = d;
        }
        if (dims > 0 && request.options().dimensions() > dims) {
            throw badRequest("[dimensions] must be in [1, {}] (the dimension of [{}]), got [{}]", dims, request.options().field(), request.options().dimensions());
        }
        return dims;
    }

    private void learnAndStore(JobTask task, JobRequest<LearnWhiteningAction.Options> request, List<DocVector> docs,
        ActionListener<JobResponse> listener) {
        task.checkCancelled();
        if (docs.isEmpty()) {
            throw badRequest("no vectors: no document of [{}] has a vector in [{}]", request.options().index(), request.options().field());
        }
        int d = docs.get(0).vector().length;
        if (request.options().dimensions() > d) {
            throw badRequest("[dimensions] must be in [1, {}] (the dimension of [{}]), got [{}]", d, request.options().field(), request.options().dimensions());
        }
        task.phase("learning");
        Whitening whitening;
        StoredWhitening metadata;
        long created = clock.getAsLong();
        if (request.options().method() == WhiteningMethod.PCA) {
            float[][] sample = new float[docs.size()][];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = VectorMath.l2NormalizeInPlace(docs.get(i).vector());
            }
            whitening = PcaWhitening.full()
                .withPower(request.options().power())
                .withShrinkage(request.options().shrinkage())
                .withDimensions(request.options().dimensions())
                .learn(sample);
            metadata = new StoredWhitening(request.target(), WhiteningMethod.PCA, whitening.inputDimension(), whitening.outputDimension(),
                request.options().power(), request.options().shrinkage(), request.options().index(), request.options().field(), sample.length, 0, created);
        } else {
            Map<String, Integer> row = new HashMap<>();
            float[][] vectors = new float[docs.size()][];
            List<String> ambiguous = new ArrayList<>();
            for (int i = 0; i < vectors.length; i++) {
                DocVector doc = docs.get(i);
                if (row.putIfAbsent(doc.id(), i) != null) {
                    ambiguous.add(doc.id());
                }
                vectors[i] = VectorMath.l2NormalizeInPlace(doc.vector());
            }
            if (ambiguous.isEmpty() == false) {
                throw badRequest("[pairs] name documents found in more than one index of [{}]: {}", request.options().index(), firstFew(ambiguous));
            }
            List<String> missing = new ArrayList<>();
            for (String id : request.options().pairDocumentIds()) {
                if (row.containsKey(id) == false) {
                    missing.add(id);
                }
            }
            if (missing.isEmpty() == false) {
                throw badRequest("[pairs] name {} documents that do not exist in [{}] or have no [{}] vector: {}", missing.size(),
                    request.options().index(), request.options().field(), firstFew(missing));
            }
            int[] queries = new int[request.options().pairs().size()];
            int[] positives = new int[queries.length];
            for (int i = 0; i < queries.length; i++) {
                queries[i] = row.get(request.options().pairs().get(i)[0]);
                positives[i] = row.get(request.options().pairs().get(i)[1]);
            }
            whitening = LearnedWhitening.full().withDimensions(request.options().dimensions()).learn(vectors, queries, positives);
            metadata = new StoredWhitening(request.target(), WhiteningMethod.LW, whitening.inputDimension(), whitening.outputDimension(),
                null, null, request.options().index(), request.options().field(), vectors.length, queries.length, created);
        }
        task.checkCancelled();
        task.phase("storing");
        store.index().put(metadata, whitening, listener.map(JobResponse::of));
    }

    private static String firstFew(List<String> ids) {
        return ids.size() <= MAX_IDS_NAMED ? ids.toString() : ids.subList(0, MAX_IDS_NAMED) + " and " + (ids.size() - MAX_IDS_NAMED) + " more";
    }
}
