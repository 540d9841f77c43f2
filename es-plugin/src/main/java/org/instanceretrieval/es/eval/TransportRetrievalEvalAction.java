package org.instanceretrieval.es.eval;

import org.instanceretrieval.es.vectors.ShardVectorsAction;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.UUIDs;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.eval.EvaluationMetrics;
import org.instanceretrieval.eval.EvaluationPlan;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.es.job.TransportJobAction;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.math.PositiveRanks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an evaluation on the node that received it:
 * <ol>
 *   <li>finds the ground truth ({@link GroundTruthLookup}; 404 when unknown), the protocol (the
 *       request's or the ground truth's default) and checks that they fit;</li>
 *   <li>reads the names (through {@code id_field}) and, where needed, the vectors of every shard
 *       of the index ({@link ShardVectorsAction}), and of the query index when it differs;</li>
 *   <li>resolves names to documents ({@link EvaluationPlan}); a query document missing from the
 *       query index is a 400, other ground-truth names missing from the index are reported;</li>
 *   <li>engine {@code exact}: scores every query against every document with lucene-ext's blocked
 *       kernel, the queries split over the node's processors on the generic pool, and reads the
 *       positions of the positives off each score row without sorting ({@link PositiveRanks}, the
 *       path of {@code FullRankingEvaluator}); engine {@code search}: sends one search per query
 *       ({@link SearchSources}: the body parsed once, then copied per query vector), two at a time,
 *       and reads the positions off the hits;</li>
 *   <li>assembles the metrics ({@link EvaluationMetrics}) and, with {@code record: true}, writes
 *       the run to {@link EvalRuns#DATA_STREAM}.</li>
 * </ol>
 */
public final class TransportRetrievalEvalAction extends TransportJobAction<RetrievalEvalAction.Request, JobResponse> {

    /** Searches in flight at once for the search engine. */
    static final int SEARCH_CONCURRENCY = 2;
    /** Missing names listed in a response (all are counted). */
    static final int MAX_LISTED_MISSING = 100;

    private final IndexNameExpressionResolver resolver;
    private final EvalServices services;
    private final RetrievalBreaker breaker;
    private final int processors;

    @Inject
    public TransportRetrievalEvalAction(TransportService transportService, ActionFilters actionFilters, Client client,
        ClusterService clusterService, IndexNameExpressionResolver resolver, EvalServices services, RetrievalBreaker breaker) {
        super(RetrievalEvalAction.NAME, transportService, actionFilters, RetrievalEvalAction.Request::new, client, clusterService);
        this.resolver = resolver;
        this.services = services;
        this.breaker = breaker;
        this.processors = EsExecutors.allocatedProcessors(clusterService.getSettings());
    }

    /** What one run has gathered so far. */
    private record Run(JobTask task, RetrievalEvalAction.Request request, GroundTruthLookup.Resolved groundTruth, String protocol, int[] ks,
        String index, String queriesIndex, String queriesField, String runId, long startNanos, Map<String, Object> timings) {}

    @Override
    protected void execute(Job job, RetrievalEvalAction.Request request, ActionListener<JobResponse> listener) {
        JobTask evalTask = job.task();
        long start = System.nanoTime();
        Client child = job.client();
        // As the caller: 403 without the ground-truth read privilege, 404 for an unknown id
        services.groundTruths().get(child, request.options().groundTruth(), listener.delegateFailureAndWrap((l, gt) -> {
            String protocol = request.options().protocol() == null ? gt.groundTruth().defaultProtocol() : request.options().protocol();
            int[] ks = request.options().ks() == null ? EvaluationPlan.defaultKs(protocol) : request.options().ks();
            EvaluationPlan.checkProtocolFits(gt.id(), gt.groundTruth(), protocol, ks);
            ClusterState state = clusterService.state();
            String index = concreteIndex(state, request.index(), "index");
            String queriesIndex = request.options().queriesIndex() == null ? index : concreteIndex(state, request.options().queriesIndex(), "queries.index");
            String queriesField = request.options().queriesField() == null ? request.options().field() : request.options().queriesField();
            Run run = new Run(evalTask, request, gt, protocol, ks, index, queriesIndex, queriesField, UUIDs.randomBase64UUID(), start,
                new LinkedHashMap<>());
            if (request.options().record() == false) {
                read(run, state, child, l);
                return;
            }
            // Recording writes its start first, as the caller: 403 without write on the history, before any work
            services.runs().ensureTemplate(state, l.delegateFailureAndWrap((l2, v) -> EvalRuns.start(child, runKeys(run),
                l2.delegateFailureAndWrap((l3, w) -> read(run, state, child, l3)))));
        }));
    }

    private String concreteIndex(ClusterState state, String expression, String key) {
        String[] names = resolver.concreteIndexNames(state, IndicesOptions.STRICT_EXPAND_OPEN_FORBID_CLOSED, expression);
        if (names.length != 1) {
            throw new ElasticsearchStatusException("[{}] [{}] names {} indices {}; an evaluation runs on one index", RestStatus.BAD_REQUEST, key,
                expression, names.length, Arrays.stream(names).sorted().toList());
        }
        return names[0];
    }

    private void read(Run run, ClusterState state, Client child, ActionListener<JobResponse> listener) {
        run.task().phase("reading");
        String idField = run.groundTruth().idField();
        boolean queriesHere = run.queriesIndex().equals(run.index()) && run.queriesField().equals(run.request().options().field());
        boolean exact = run.request().options().engine().equals(RetrievalEvalAction.ENGINE_EXACT);
        String collectionField = exact || queriesHere ? run.request().options().field() : null;
        long readStart = System.nanoTime();
        IndexDocuments.read(child, run.index(), shards(state, run.index()), idField, collectionField, listener.delegateFailureAndWrap((l, docs) -> {
            if (queriesHere) {
                run.timings().put("read_ms", millisSince(readStart));
                generic.execute(ActionRunnable.wrap(l, l2 -> evaluate(run, child, state, docs, docs, l2)));
            } else {
                IndexDocuments.read(child, run.queriesIndex(), shards(state, run.queriesIndex()), idField, run.queriesField(),
                    l.delegateFailureAndWrap((l2, queryDocs) -> {
                        run.timings().put("read_ms", millisSince(readStart));
                        generic.execute(ActionRunnable.wrap(l2, l3 -> evaluate(run, child, state, docs, queryDocs, l3)));
                    }));
            }
        }));
    }

    private static int shards(ClusterState state, String index) {
        return state.metadata().index(index).getNumberOfShards();
    }

    private void evaluate(Run run, Client child, ClusterState state, IndexDocuments docs, IndexDocuments queryDocs,
        ActionListener<JobResponse> finished) {
        run.task().ensureNotCancelled();
        // What was read is held until the evaluation ends; the exact engine adds its matrix and score blocks.
        Reservation memory = breaker.reserve(docs.heldBytes() + (queryDocs == docs ? 0 : queryDocs.heldBytes()),
            "documents of [" + run.index() + "] read for evaluation");
        // every outcome, an error thrown while planning included, releases it
        ActionListener.run(ActionListener.runBefore(finished, memory::close), l -> evaluate(run, child, state, docs, queryDocs, memory, l));
    }

    private void evaluate(Run run, Client child, ClusterState state, IndexDocuments docs, IndexDocuments queryDocs, Reservation memory,
        ActionListener<JobResponse> listener) {
        RetrievalEvalAction.Request request = run.request();
        boolean exact = request.options().engine().equals(RetrievalEvalAction.ENGINE_EXACT);
        // The exact engine ranks the documents that have a vector; the others can never be found by either engine.
        HashSet<String> names = new HashSet<>();
        for (String name : docs.names()) {
            if (exact == false || docs.doc(name).vector() != null) {
                names.add(name);
            }
        }
        if (exact && names.isEmpty()) {
            throw badRequest("no document of index [{}] has a vector in [field] [{}]", run.index(), request.options().field());
        }
        List<String> collection = EvaluationPlan.collectionOrder(run.groundTruth().groundTruth(), names);
        EvaluationPlan plan = EvaluationPlan.build(run.groundTruth().groundTruth(), run.protocol(), collection, run.ks());
        QueryMembers queries = QueryMembers.of(plan, run.groundTruth().groundTruth(), queryDocs, "ground truth [" + run.groundTruth().id() + "]",
            run.queriesField());
        float[] queryVectors = queries.flat();
        int dims = queryDocs.dims();
        if (exact || docs == queryDocs) {
            if (docs.dims() != dims) {
                throw badRequest("query vectors of [{}] in index [{}] have {} dimensions, the vectors of [{}] in index [{}] {}", run.queriesField(),
                    run.queriesIndex(), dims, request.options().field(), run.index(), docs.dims());
            }
        }
        EvaluationMetrics metrics = new EvaluationMetrics(plan);
        run.task().phase("evaluating");
        run.task().count("queries_total", plan.numQueries());
        long evalStart = System.nanoTime();
        ActionListener<Integer> done = listener.delegateFailureAndWrap((l, depth) -> {
            run.timings().put("evaluate_ms", millisSince(evalStart));
            finish(run, child, state, plan, metrics, depth, l);
        });
        if (exact) {
            if ("euclidean".equals(docs.similarity())) {
                throw badRequest("[engine] [exact] ranks by inner product, which orders [l2_norm] field [{}] differently from its searches; "
                    + "use [engine] [search] (or a dot_product / cosine field)", request.options().field());
            }
            exactEngine(run, plan, metrics, docs, collection, queryVectors, dims, memory, done.map(v -> collection.size()));
        } else {
            int depth = request.options().depth() == null ? docs.names().size() : request.options().depth();
            IndexMetadata meta = state.metadata().index(run.index());
            int window = IndexSettings.MAX_RESULT_WINDOW_SETTING.get(meta.getSettings());
            if (depth > window) {
                throw badRequest("[depth] [{}]{} exceeds index.max_result_window [{}] of index [{}]: a search cannot return that many hits; "
                    + "use \"engine\": \"exact\" for a full-depth evaluation, or a smaller [depth]", depth,
                    request.options().depth() == null ? " (the full ranking of the index)" : "", window, run.index());
            }
            Map<String, Integer> position = new HashMap<>(collection.size() * 2);
            for (int i = 0; i < collection.size(); i++) {
                position.put(collection.get(i), i);
            }
            queries.checkSearch(request);
            searchEngine(run, child, plan, metrics, queryDocs, position, queries, dims, depth, done.map(v -> depth));
        }
    }

    private void exactEngine(Run run, EvaluationPlan plan, EvaluationMetrics metrics, IndexDocuments docs, List<String> collection,
        float[] queryVectors, int dims, Reservation memory, ActionListener<Void> listener) {
        int n = collection.size();
        int chunks = Math.max(1, Math.min(processors, plan.numQueries()));
        // the collection matrix and the kernel's prepared copy, and per thread a block of 128 score rows of n floats
        memory.grow(2L * 4L * n * dims + chunks * (long) EvaluationMetrics.QUERY_BLOCK * 4L * n, "exact evaluation of " + n + " documents of " + dims + " dimensions");
        float[] matrix = new float[n * dims];
        for (int i = 0; i < n; i++) {
            System.arraycopy(docs.doc(collection.get(i)).vector(), 0, matrix, i * dims, dims);
        }
        ScoreKernel kernel = ScoreKernels.best();
        // Reported with the timings: the scalar kernel (JDK 17, no Vector API) is several times slower.
        run.timings().put("kernel", kernel.toString());
        run.timings().put("threads", Math.max(1, Math.min(processors, plan.numQueries())));
        ScoreKernel.Prepared prepared = kernel.prepare(matrix, n, dims);
        int numQueries = plan.numQueries();
        GroupedActionListener<Void> group = new GroupedActionListener<>(chunks, listener.map(all -> null));
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) numQueries * c / chunks);
            int to = (int) ((long) numQueries * (c + 1) / chunks);
            generic.execute(ActionRunnable.run(group, () -> metrics.scoreQueries(kernel, prepared, queryVectors, dims, from, to, () -> {
                run.task().ensureNotCancelled();
                run.task().increment("queries_done");
            })));
        }
    }

    private void searchEngine(Run run, Client child, EvaluationPlan plan, EvaluationMetrics metrics, IndexDocuments queryDocs,
        Map<String, Integer> position, QueryMembers queryVectors, int dims, int depth, ActionListener<Void> listener) {
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(SEARCH_CONCURRENCY, plan.numQueries());
        GroupedActionListener<Void> group = new GroupedActionListener<>(workers, listener.map(all -> null));
        String idField = run.groundTruth().idField();
        // The body is parsed once, before the first search: a bad body or option is a 400 before any search runs.
        SearchSources sources = workers == 0 ? null : SearchSources.plan(run.request(), queryVectors.members(0)[0],
            run.queriesIndex(), queryDocs.doc(queryVectors.firstImage(0)).id(), depth, idField, services.xContentRegistry());
        for (int w = 0; w < workers; w++) {
            searchNext(run, child, plan, metrics, queryDocs, position, queryVectors, dims, sources, idField, next, group);
        }
    }

    private void searchNext(Run run, Client child, EvaluationPlan plan, EvaluationMetrics metrics, IndexDocuments queryDocs,
        Map<String, Integer> position, QueryMembers queryVectors, int dims, SearchSources sources, String idField, AtomicInteger next,
        ActionListener<Void> listener) {
        int query = next.getAndIncrement();
        if (query >= plan.numQueries()) {
            listener.onResponse(null);
            return;
        }
        SearchSourceBuilder source;
        try {
            run.task().ensureNotCancelled();
            float[][] members = queryVectors.members(query);
            source = members.length > 1 ? sources.forQuery(members)
                : sources.forQuery(members[0], queryDocs.doc(queryVectors.firstImage(query)).id());
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        child.search(new SearchRequest(run.index()).source(source), listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            int[] ranking = new int[hits.length];
            int size = 0;
            BitSet seen = new BitSet(plan.collectionSize());
            for (SearchHit hit : hits) {
                String name = hit.getId();
                if ("_id".equals(idField) == false) {
                    DocumentField value = hit.field(idField);
                    name = value == null ? null : String.valueOf(value.getValue());
                }
                Integer p = name == null ? null : position.get(name);
                if (p != null && seen.get(p) == false) {
                    seen.set(p);
                    ranking[size++] = p;
                }
            }
            int[] trimmed = Arrays.copyOf(ranking, size);
            for (int v = 0; v < plan.views().size(); v++) {
                metrics.record(v, query, plan.positionsInRanking(v, query, trimmed));
            }
            run.task().increment("queries_done");
            // Continue on the generic pool: the next search is built (a template's body parsed) off the search thread.
            generic.execute(ActionRunnable.wrap(l, l2 -> searchNext(run, child, plan, metrics, queryDocs, position, queryVectors, dims,
                sources, idField, next, l2)));
        }));
    }

    private void finish(Run run, Client child, ClusterState state, EvaluationPlan plan, EvaluationMetrics metrics, int depth,
        ActionListener<JobResponse> listener) {
        RetrievalEvalAction.Request request = run.request();
        Map<String, Object> result = runKeys(run);
        result.put("overall", metrics.overall());
        result.put("subsets", metrics.subsets());
        List<Map<String, Object>> queries = metrics.queries();
        result.put("queries", queries);
        Map<String, Object> documents = new LinkedHashMap<>();
        documents.put("collection", plan.collectionSize());
        documents.put("queries", plan.numQueries());
        documents.put("depth", depth);
        documents.put("missing_count", plan.missingNames().size());
        documents.put("missing", plan.missingNames().stream().limit(MAX_LISTED_MISSING).toList());
        result.put("documents", documents);
        if (request.options().record() == false) {
            complete(run, result, listener);
            return;
        }
        run.task().phase("recording");
        long recordStart = System.nanoTime();
        // the template was put, and the data stream created, by the run's start document
        result.put("took_ms", millisSince(run.startNanos()));
        EvalRuns.record(child, result, queries, listener.delegateFailureAndWrap((l, w) -> {
            run.timings().put("record_ms", millisSince(recordStart));
            complete(run, result, l);
        }));
    }

    /** What identifies a run in its response and in each document it records, in the response's order. */
    private static Map<String, Object> runKeys(Run run) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("run_id", run.runId());
        keys.put("@timestamp", Instant.now().toString());
        keys.put("name", run.request().options().name());
        keys.put("index", run.index());
        keys.put("ground_truth", run.groundTruth().id());
        keys.put("protocol", run.protocol());
        keys.put("engine", run.request().options().engine());
        keys.put("configuration", run.request().body());
        return keys;
    }

    private static void complete(Run run, Map<String, Object> result, ActionListener<JobResponse> listener) {
        result.put("took_ms", millisSince(run.startNanos()));
        result.put("timings", run.timings());
        listener.onResponse(new JobResponse(result));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
