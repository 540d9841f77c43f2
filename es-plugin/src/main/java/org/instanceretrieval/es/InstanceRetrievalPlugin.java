package org.instanceretrieval.es;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.admin.cluster.snapshots.features.ResetFeatureStateResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.node.PluginComponentBinding;
import org.elasticsearch.indices.breaker.BreakerSettings;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.CircuitBreakerPlugin;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.plugins.SystemIndexPlugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.threadpool.ThreadPool;
import org.instanceretrieval.es.model.ClearModelCacheAction;
import org.instanceretrieval.es.model.ItemNodesRequest;
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.groundtruth.GroundTruthInput;
import org.instanceretrieval.es.groundtruth.GroundTruthStore;
import org.instanceretrieval.es.groundtruth.IndexGroundTruthStore;
import org.instanceretrieval.es.eval.EvalRuns;
import org.instanceretrieval.es.eval.EvalServices;
import org.instanceretrieval.es.eval.GroundTruthLookup;
import org.instanceretrieval.es.model.NodeInference;
import org.instanceretrieval.es.model.OnnxDefinitionCheck;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.es.rescore.KReciprocalRescorerBuilder;
import org.instanceretrieval.es.ingest.ImageDescriptorProcessor;
import org.instanceretrieval.es.ingest.ImageDescriptorProcessorFactory;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;
import org.instanceretrieval.es.query.RankedDocsQueryBuilder;
import org.instanceretrieval.es.query.RankedSeqNoQueryBuilder;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.es.query.RetrievalPatchesQueryBuilder;
import org.instanceretrieval.es.diffusion.DiffusionRescorerBuilder;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder;
import org.instanceretrieval.es.model.CachingModelStore;
import org.instanceretrieval.es.model.IndexModelStore;
import org.instanceretrieval.es.model.ModelIndex;
import org.instanceretrieval.es.model.ModelUsageStatsRegistry;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.job.JobStatus;
import org.instanceretrieval.es.graph.GraphPool;
import org.instanceretrieval.es.whitening.CachingWhiteningStore;
import org.instanceretrieval.es.whitening.IndexWhiteningStore;
import org.instanceretrieval.es.whitening.WhiteningIndex;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.es.vectors.QuerySimilarityExt;
import org.instanceretrieval.es.vectors.QuerySimilarityFetchPhase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Entry point of the instance-retrieval plugin. Each capability (ingest processor, queries,
 * rescorers, REST endpoints) registers itself here through the matching plugin interface; each
 * keeps its registrations in its own block.
 */
public class InstanceRetrievalPlugin extends Plugin
    implements ActionPlugin, SystemIndexPlugin, IngestPlugin, SearchPlugin, CircuitBreakerPlugin {

    @Override
    public Collection<?> createComponents(PluginServices services) {
        List<Object> components = new ArrayList<>();
        components.addAll(memoryComponents(services));
        components.addAll(modelStoreComponents(services));
        components.addAll(whiteningStoreComponents(services));
        components.addAll(groundTruthStoreComponents(services));
        components.addAll(inferenceComponents(services, components));
        components.addAll(evalComponents(services, components));
        diffusionRetrieverComponents(services);
        components.addAll(graphComponents(services));
        return components;
    }

    @Override
    public List<Setting<?>> getSettings() {
        List<Setting<?>> settings = new ArrayList<>();
        settings.addAll(NodeInference.settings());
        settings.add(GroundTruthInput.MAX_NAMES);
        settings.add(StoredGraphCache.MAX_BYTES);
        return settings;
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        List<ExecutorBuilder<?>> builders = new ArrayList<>();
        builders.addAll(NodeInference.executorBuilders(settings));
        builders.add(GraphPool.executorBuilder(settings));
        return builders;
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        Map<String, Processor.Factory> processors = new HashMap<>();
        processors.putAll(ingestProcessors(parameters));
        return processors;
    }

    @Override
    public void close() throws IOException {
        NodeInference inference = nodeInference.get();
        if (inference != null) {
            inference.close();
        }
    }

    @Override
    public Collection<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return Endpoints.actions();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return Endpoints.restHandlers();
    }

    @Override
    public List<NamedWriteableRegistry.Entry> getNamedWriteables() {
        List<NamedWriteableRegistry.Entry> entries = new ArrayList<>();
        entries.add(new NamedWriteableRegistry.Entry(Task.Status.class, JobStatus.NAME, JobStatus::new));
        return entries;
    }

    // ---- system indices (SystemIndexPlugin) ----

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(ModelIndex.descriptor(), WhiteningIndex.descriptor(), GroundTruthIndex.descriptor());
    }

    @Override
    public String getFeatureName() {
        return "instance_retrieval";
    }

    @Override
    public String getFeatureDescription() {
        return "Instance retrieval models (configurations and ONNX definitions), learned whitenings, evaluation ground truths";
    }

    /** Deletes the system indices (the default), then empties the model, whitening and ground-truth caches of every node. */
    @Override
    public void cleanUpFeature(
        ClusterService clusterService,
        Client client,
        ActionListener<ResetFeatureStateResponse.ResetFeatureStateStatus> listener
    ) {
        SystemIndexPlugin.super.cleanUpFeature(clusterService, client, listener.delegateFailureAndWrap((l, status) ->
            new OriginSettingClient(client, ModelIndex.ORIGIN).execute(
                ClearModelCacheAction.INSTANCE,
                new ItemNodesRequest(ModelIndex.KIND, null),
                ActionListener.running(() -> l.onResponse(status))
            )));
    }

    // ---- memory: the retrieval circuit breaker (issue 11) ----

    /** This node's {@code retrieval} breaker, set in createComponents; injectable as {@link RetrievalBreaker}. */
    private final SetOnce<RetrievalBreaker> retrievalBreaker = new SetOnce<>();

    /** This node's per-segment {@code _id}s for readers of the stored neighbour graph, charged to the retrieval breaker. */
    private final SegmentIdCache segmentIds = new SegmentIdCache();

    @Override
    public BreakerSettings getCircuitBreaker(Settings settings) {
        return RetrievalBreaker.settings(settings);
    }

    /**
     * Not kept: createComponents looks the breaker up by name in the node's breaker service, which also
     * serves test nodes whose breaker service is a no-op.
     */
    @Override
    public void setCircuitBreaker(CircuitBreaker circuitBreaker) {}

    private List<Object> memoryComponents(PluginServices services) {
        RetrievalBreaker breaker = new RetrievalBreaker(
            services.indicesService().getCircuitBreakerService().getBreaker(RetrievalBreaker.NAME));
        retrievalBreaker.set(breaker);
        segmentIds.setBreaker(breaker.breaker());
        return List.of(breaker);
    }

    // ---- model store (issue 3, part 1) ----

    private List<Object> modelStoreComponents(PluginServices services) {
        CachingModelStore store = new CachingModelStore(new IndexModelStore(services.client(), System::currentTimeMillis,
            new OnnxDefinitionCheck(retrievalBreaker.get(), services.threadPool().executor(NodeInference.INFERENCE_POOL))));
        modelStore.set(store);
        return List.of(store, new ModelUsageStatsRegistry());
    }

    // ---- inference and the image_descriptor ingest processor (issue 3, parts 2-5) ----

    /** Set once in createComponents; processor factories (registered earlier) read them at ingest time. */
    private final SetOnce<NodeInference> nodeInference = new SetOnce<>();
    private final SetOnce<CachingModelStore> modelStore = new SetOnce<>();
    private final SetOnce<Optional<WhiteningStore>> whiteningStore = new SetOnce<>();

    private List<Object> inferenceComponents(PluginServices services, List<Object> components) {
        ModelUsageStatsRegistry stats = components.stream().filter(c -> c instanceof ModelUsageStatsRegistry)
            .map(c -> (ModelUsageStatsRegistry) c).findFirst().orElseThrow();
        NodeInference inference = NodeInference.create(services.environment().settings(), services.threadPool(), modelStore.get(), stats,
            retrievalBreaker.get());
        nodeInference.set(inference);
        whiteningStore.set(Optional.ofNullable(createWhiteningStore(services)));
        return List.of(inference);
    }

    /**
     * The {@link WhiteningStore} the ingest processor resolves {@code whitening_id} with: the
     * node's index-backed, cached store. Tests override it to install fixed whitenings; null
     * would mean none, and a processor naming a whitening then fails with 400 "whitening store
     * not available".
     */
    protected WhiteningStore createWhiteningStore(PluginServices services) {
        return cachingWhiteningStore.get();
    }

    private Map<String, Processor.Factory> ingestProcessors(Processor.Parameters parameters) {
        ImageDescriptorProcessorFactory.Services processorServices = new ImageDescriptorProcessorFactory.Services(
            nodeInference::get,
            modelStore::get,
            () -> {
                Optional<WhiteningStore> store = whiteningStore.get();
                return store == null ? null : store.orElse(null);
            },
            parameters.threadContext
        );
        return Map.of(ImageDescriptorProcessor.TYPE, new ImageDescriptorProcessorFactory(processorServices));
    }

    // ---- whitening store (issue 3, part 1) ----

    /** This node's whitening store, set by {@link #createComponents}. */
    private final SetOnce<CachingWhiteningStore> cachingWhiteningStore = new SetOnce<>();

    private List<Object> whiteningStoreComponents(PluginServices services) {
        CachingWhiteningStore store = new CachingWhiteningStore(new IndexWhiteningStore(services.client()));
        cachingWhiteningStore.set(store);
        return List.of(store);
    }

    // ---- ground-truth store (issue 5, item 1: _retrieval/ground_truth) ----

    private List<Object> groundTruthStoreComponents(PluginServices services) {
        CachingGroundTruthStore store = new CachingGroundTruthStore(new IndexGroundTruthStore(services.client()));
        // Injectable both as the interface (what the evaluation needs) and as the class (the endpoints).
        return List.of(
            store,
            new PluginComponentBinding<>(GroundTruthStore.class, store),
            new GroundTruthInput(services.environment().configDir(), GroundTruthInput.MAX_NAMES.get(services.environment().settings()))
        );
    }

    // ---- DBA job (issue 4, item 2: POST {index}/_retrieval/dba) ----

    // ---- evaluation (issue 5: POST {index}/_retrieval_eval, the run history) ----

    private List<Object> evalComponents(PluginServices services, List<Object> components) {
        EvalRuns runs = new EvalRuns(new OriginSettingClient(services.client(), ModelIndex.ORIGIN));
        GroundTruthStore store = components.stream().filter(c -> c instanceof GroundTruthStore)
            .map(c -> (GroundTruthStore) c).findFirst().orElseThrow();
        GroundTruthLookup lookup = new GroundTruthLookup(groundTruthSource(store));
        return List.of(new EvalServices(lookup, services.xContentRegistry(), runs));
    }

    /**
     * Where {@code _retrieval_eval} finds ground truths by id: the node's ground-truth store
     * (404 for an unknown id). Tests may override it.
     */
    protected GroundTruthLookup.Source groundTruthSource(GroundTruthStore store) {
        return (id, listener) -> store.get(id, listener.map(stored ->
            new GroundTruthLookup.Resolved(stored.id(), stored.groundTruth(), stored.idField())));
    }

    // ---- search: queries (SearchPlugin; issue 4, item 1: retrieval_knn) ----

    @Override
    public List<QuerySpec<?>> getQueries() {
        List<QuerySpec<?>> queries = new ArrayList<>();
        queries.addAll(retrievalKnnQueries());
        return queries;
    }

    private List<QuerySpec<?>> retrievalKnnQueries() {
        // every retrieval_knn builder of this node, parsed or read, charges query-set expansion to this node's retrieval breaker
        Supplier<MemoryBudget> memory = retrievalBreaker::get;
        return List.of(
            new QuerySpec<>(RetrievalKnnQueryBuilder.NAME, in -> new RetrievalKnnQueryBuilder(in).withMemory(memory),
                p -> RetrievalKnnQueryBuilder.fromXContent(p).withMemory(memory)),
            new QuerySpec<>(RetrievalPatchesQueryBuilder.NAME, RetrievalPatchesQueryBuilder::new, RetrievalPatchesQueryBuilder::fromXContent),
            new QuerySpec<>(RankedDocsQueryBuilder.NAME, RankedDocsQueryBuilder::new, RankedDocsQueryBuilder::fromXContent),
            new QuerySpec<>(RankedSeqNoQueryBuilder.NAME, RankedSeqNoQueryBuilder::new, RankedSeqNoQueryBuilder::fromXContent)
        );
    }

    // ---- search: rescorers (SearchPlugin; issue 4, item 3: the diffusion rescorer) ----

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        // builders carry this node's segment id cache (stored-graph diffusion), however they arrive
        // k_reciprocal builders charge their window to this node's retrieval breaker
        Supplier<MemoryBudget> memory = retrievalBreaker::get;
        return List.of(new RescorerSpec<>(DiffusionRescorerBuilder.NAME, in -> new DiffusionRescorerBuilder(in).withSegmentIds(segmentIds),
            parser -> DiffusionRescorerBuilder.fromXContent(parser).withSegmentIds(segmentIds)),
            new RescorerSpec<>(KReciprocalRescorerBuilder.NAME, in -> new KReciprocalRescorerBuilder(in).withMemory(memory).withSegmentIds(segmentIds),
                parser -> KReciprocalRescorerBuilder.fromXContent(parser).withMemory(memory).withSegmentIds(segmentIds)));
    }

    // ---- search: the global diffusion retriever (SearchPlugin; issue 4, diffusion part 1) ----

    /** The node's request breaker, which the retriever accounts its window on; set in createComponents. */
    private final SetOnce<CircuitBreakerService> circuitBreakerService = new SetOnce<>();

    private void diffusionRetrieverComponents(PluginServices services) {
        circuitBreakerService.set(services.indicesService().getCircuitBreakerService());
    }

    @Override
    public List<RetrieverSpec<?>> getRetrievers() {
        return List.of(new RetrieverSpec<>(DiffusionRetrieverBuilder.NAME,
            (parser, context) -> DiffusionRetrieverBuilder.fromXContent(parser, context,
                () -> circuitBreakerService.get().getBreaker(CircuitBreaker.REQUEST), graphCache::get)));
    }

    // ---- search: a hit's similarity to a query vector from the index (ext retrieval_similarity; the offline path) ----

    @Override
    public List<SearchExtSpec<?>> getSearchExts() {
        return List.of(new SearchExtSpec<>(QuerySimilarityExt.NAME, QuerySimilarityExt::new, QuerySimilarityExt::fromXContent));
    }

    @Override
    public List<FetchSubPhase> getFetchSubPhases(FetchPhaseConstructionContext context) {
        return List.of(new QuerySimilarityFetchPhase());
    }

    // ---- the stored neighbour graph's node cache (issue 13, items 3-4) ----

    private final SetOnce<StoredGraphCache> graphCache = new SetOnce<>();

    private List<Object> graphComponents(PluginServices services) {
        StoredGraphCache cache = new StoredGraphCache(retrievalBreaker.get(), services.threadPool().executor(ThreadPool.Names.SEARCH),
            StoredGraphCache.MAX_BYTES.get(services.environment().settings()).getBytes());
        services.clusterService().addListener(cache);
        services.clusterService().getClusterSettings().addSettingsUpdateConsumer(StoredGraphCache.MAX_BYTES, cache::setMaxBytes);
        graphCache.set(cache);
        return List.of(cache);
    }

    // ---- offline diffusion build (issue 4, diffusion part 2: POST {index}/_retrieval/diffusion/_build) ----

}
