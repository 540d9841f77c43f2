package org.instanceretrieval.es;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.admin.cluster.snapshots.features.ResetFeatureStateResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.plugins.SystemIndexPlugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.instanceretrieval.es.action.ClearModelCacheAction;
import org.instanceretrieval.es.action.DeleteModelAction;
import org.instanceretrieval.es.action.GetModelAction;
import org.instanceretrieval.es.action.GetModelStatsAction;
import org.instanceretrieval.es.action.PutModelAction;
import org.instanceretrieval.es.action.PutModelDefinitionPartAction;
import org.instanceretrieval.es.action.TransportClearModelCacheAction;
import org.instanceretrieval.es.action.TransportDeleteModelAction;
import org.instanceretrieval.es.action.TransportGetModelAction;
import org.instanceretrieval.es.action.TransportGetModelStatsAction;
import org.instanceretrieval.es.action.TransportPutModelAction;
import org.instanceretrieval.es.action.TransportPutModelDefinitionPartAction;
import org.instanceretrieval.es.rest.RestDeleteModelAction;
import org.instanceretrieval.es.rest.RestGetModelAction;
import org.instanceretrieval.es.rest.RestGetModelStatsAction;
import org.instanceretrieval.es.rest.RestPutModelAction;
import org.instanceretrieval.es.rest.RestPutModelDefinitionPartAction;
import org.instanceretrieval.es.query.RetrievalKnnQueryBuilder;
import org.instanceretrieval.es.store.CachingModelStore;
import org.instanceretrieval.es.store.IndexModelStore;
import org.instanceretrieval.es.store.ModelIndex;
import org.instanceretrieval.es.store.ModelUsageStatsRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Entry point of the instance-retrieval plugin. Each capability (ingest processor, queries,
 * rescorers, REST endpoints) registers itself here through the matching plugin interface; each
 * keeps its registrations in its own block.
 */
public class InstanceRetrievalPlugin extends Plugin implements ActionPlugin, SearchPlugin, SystemIndexPlugin {

    @Override
    public Collection<?> createComponents(PluginServices services) {
        List<Object> components = new ArrayList<>();
        components.addAll(modelStoreComponents(services));
        return components;
    }

    @Override
    public Collection<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> actions = new ArrayList<>();
        actions.addAll(modelStoreActions());
        return actions;
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
        List<RestHandler> handlers = new ArrayList<>();
        handlers.addAll(modelStoreRestHandlers());
        return handlers;
    }

    // ---- system indices (SystemIndexPlugin) ----

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(ModelIndex.descriptor());
    }

    @Override
    public String getFeatureName() {
        return "instance_retrieval";
    }

    @Override
    public String getFeatureDescription() {
        return "Instance retrieval models (configurations and ONNX definitions)";
    }

    /** Deletes the system indices (the default), then empties the model caches of every node. */
    @Override
    public void cleanUpFeature(
        ClusterService clusterService,
        Client client,
        ActionListener<ResetFeatureStateResponse.ResetFeatureStateStatus> listener
    ) {
        SystemIndexPlugin.super.cleanUpFeature(clusterService, client, listener.delegateFailureAndWrap((l, status) ->
            new OriginSettingClient(client, ModelIndex.ORIGIN).execute(
                ClearModelCacheAction.INSTANCE,
                new ClearModelCacheAction.Request(null),
                ActionListener.running(() -> l.onResponse(status))
            )));
    }

    // ---- model store (issue 3, part 1) ----

    private static List<Object> modelStoreComponents(PluginServices services) {
        CachingModelStore store = new CachingModelStore(new IndexModelStore(services.client(), System::currentTimeMillis));
        return List.of(store, new ModelUsageStatsRegistry());
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> modelStoreActions() {
        return List.of(
            new ActionHandler<>(PutModelAction.INSTANCE, TransportPutModelAction.class),
            new ActionHandler<>(PutModelDefinitionPartAction.INSTANCE, TransportPutModelDefinitionPartAction.class),
            new ActionHandler<>(GetModelAction.INSTANCE, TransportGetModelAction.class),
            new ActionHandler<>(DeleteModelAction.INSTANCE, TransportDeleteModelAction.class),
            new ActionHandler<>(GetModelStatsAction.INSTANCE, TransportGetModelStatsAction.class),
            new ActionHandler<>(ClearModelCacheAction.INSTANCE, TransportClearModelCacheAction.class)
        );
    }

    private static List<RestHandler> modelStoreRestHandlers() {
        return List.of(
            new RestPutModelAction(),
            new RestPutModelDefinitionPartAction(),
            new RestGetModelAction(),
            new RestDeleteModelAction(),
            new RestGetModelStatsAction()
        );
    }

    // ---- search: queries (SearchPlugin; issue 4, item 1: retrieval_knn) ----

    @Override
    public List<QuerySpec<?>> getQueries() {
        List<QuerySpec<?>> queries = new ArrayList<>();
        queries.addAll(retrievalKnnQueries());
        return queries;
    }

    private static List<QuerySpec<?>> retrievalKnnQueries() {
        return List.of(new QuerySpec<>(RetrievalKnnQueryBuilder.NAME, RetrievalKnnQueryBuilder::new, RetrievalKnnQueryBuilder::fromXContent));
    }
}
