package org.instanceretrieval.es;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.plugins.ActionPlugin.ActionHandler;
import org.elasticsearch.rest.RestHandler;
import org.instanceretrieval.es.dba.DbaAction;
import org.instanceretrieval.es.dba.RestGetDbaAction;
import org.instanceretrieval.es.dba.ShardGraphBlockAction;
import org.instanceretrieval.es.dba.TransportShardGraphBlockAction;
import org.instanceretrieval.es.dba.TransportDbaAction;
import org.instanceretrieval.es.diffusion.BuildOfflineDiffusionAction;
import org.instanceretrieval.es.diffusion.DeleteOfflineDiffusionAction;
import org.instanceretrieval.es.diffusion.RestDeleteOfflineDiffusionAction;
import org.instanceretrieval.es.diffusion.TransportBuildOfflineDiffusionAction;
import org.instanceretrieval.es.diffusion.TransportDeleteOfflineDiffusionAction;
import org.instanceretrieval.es.eval.CompareEvalRunsAction;
import org.instanceretrieval.es.eval.EvalRunsAction;
import org.instanceretrieval.es.eval.RestCompareEvalRunsAction;
import org.instanceretrieval.es.eval.RestEvalRunsAction;
import org.instanceretrieval.es.eval.RetrievalEvalAction;
import org.instanceretrieval.es.eval.TransportCompareEvalRunsAction;
import org.instanceretrieval.es.eval.TransportEvalRunsAction;
import org.instanceretrieval.es.eval.TransportRetrievalEvalAction;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.groundtruth.PutGroundTruthAction;
import org.instanceretrieval.es.groundtruth.RestCatGroundTruthAction;
import org.instanceretrieval.es.groundtruth.RestPutGroundTruthAction;
import org.instanceretrieval.es.groundtruth.TransportPutGroundTruthAction;
import org.instanceretrieval.es.model.ClearModelCacheAction;
import org.instanceretrieval.es.model.GetModelStatsAction;
import org.instanceretrieval.es.model.ModelIndex;
import org.instanceretrieval.es.model.PutModelAction;
import org.instanceretrieval.es.model.PutModelDefinitionPartAction;
import org.instanceretrieval.es.model.RestGetModelStatsAction;
import org.instanceretrieval.es.model.RestPutModelAction;
import org.instanceretrieval.es.model.RestPutModelDefinitionPartAction;
import org.instanceretrieval.es.model.TransportClearModelCacheAction;
import org.instanceretrieval.es.model.TransportGetModelStatsAction;
import org.instanceretrieval.es.model.TransportPutModelAction;
import org.instanceretrieval.es.model.TransportPutModelDefinitionPartAction;
import org.instanceretrieval.es.store.RestDeleteStoredItemAction;
import org.instanceretrieval.es.store.RestGetStoredItemsAction;
import org.instanceretrieval.es.store.StoredItemActions;
import org.instanceretrieval.es.graph.ShardGraphAction;
import org.instanceretrieval.es.graph.TransportShardGraphAction;
import org.instanceretrieval.es.vectors.ShardVectorsAction;
import org.instanceretrieval.es.graph.DeleteGraphAction;
import org.instanceretrieval.es.graph.GetGraphAction;
import org.instanceretrieval.es.graph.GraphBuildAction;
import org.instanceretrieval.es.graph.RestGraphAction;
import org.instanceretrieval.es.graph.ShardKnnNeighboursAction;
import org.instanceretrieval.es.graph.TransportDeleteGraphAction;
import org.instanceretrieval.es.graph.TransportGetGraphAction;
import org.instanceretrieval.es.graph.TransportGraphBuildAction;
import org.instanceretrieval.es.graph.TransportShardKnnNeighboursAction;
import org.instanceretrieval.es.vectors.ShardVectorIdsAction;
import org.instanceretrieval.es.vectors.TransportShardVectorIdsAction;
import org.instanceretrieval.es.query.FirstRoundShardAction;
import org.instanceretrieval.es.query.TransportFirstRoundShardAction;
import org.instanceretrieval.es.vectors.ShardVectorsByIdAction;
import org.instanceretrieval.es.vectors.TransportShardVectorsByIdAction;
import org.instanceretrieval.es.vectors.TransportShardVectorsAction;
import org.instanceretrieval.es.whitening.LearnWhiteningAction;
import org.instanceretrieval.es.whitening.TransportLearnWhiteningAction;
import org.instanceretrieval.es.whitening.WhiteningIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Every transport action and REST handler of the plugin, feature by feature: what
 * {@link InstanceRetrievalPlugin#getActions} and {@link InstanceRetrievalPlugin#getRestHandlers} register.
 * A new endpoint is one line in its feature's two lists here.
 */
final class Endpoints {

    private Endpoints() {}

    static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> actions() {
        List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> actions = new ArrayList<>();
        actions.addAll(modelStoreActions());
        actions.addAll(whiteningStoreActions());
        actions.addAll(dbaActions());
        actions.addAll(groundTruthStoreActions());
        actions.addAll(evalActions());
        actions.addAll(offlineDiffusionActions());
        actions.addAll(graphActions());
        return actions;
    }

    static List<RestHandler> restHandlers() {
        List<RestHandler> handlers = new ArrayList<>();
        handlers.addAll(modelStoreRestHandlers());
        handlers.addAll(whiteningStoreRestHandlers());
        handlers.addAll(dbaRestHandlers());
        handlers.addAll(groundTruthStoreRestHandlers());
        handlers.addAll(evalRestHandlers());
        handlers.addAll(offlineDiffusionRestHandlers());
        handlers.addAll(graphRestHandlers());
        return handlers;
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> modelStoreActions() {
        return List.of(
            new ActionHandler<>(PutModelAction.INSTANCE, TransportPutModelAction.class),
            new ActionHandler<>(PutModelDefinitionPartAction.INSTANCE, TransportPutModelDefinitionPartAction.class),
            new ActionHandler<>(StoredItemActions.GET_MODEL, StoredItemActions.TransportGetModels.class),
            new ActionHandler<>(StoredItemActions.DELETE_MODEL, StoredItemActions.TransportDeleteModel.class),
            new ActionHandler<>(GetModelStatsAction.INSTANCE, TransportGetModelStatsAction.class),
            new ActionHandler<>(ClearModelCacheAction.INSTANCE, TransportClearModelCacheAction.class)
        );
    }

    private static List<RestHandler> modelStoreRestHandlers() {
        return List.of(
            new RestPutModelAction(),
            new RestPutModelDefinitionPartAction(),
            new RestGetStoredItemsAction(ModelIndex.KIND),
            new RestDeleteStoredItemAction(ModelIndex.KIND),
            new RestGetModelStatsAction()
        );
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> whiteningStoreActions() {
        return List.of(
            new ActionHandler<>(LearnWhiteningAction.INSTANCE, TransportLearnWhiteningAction.class),
            new ActionHandler<>(StoredItemActions.GET_WHITENING, StoredItemActions.TransportGetWhitenings.class),
            new ActionHandler<>(StoredItemActions.DELETE_WHITENING, StoredItemActions.TransportDeleteWhitening.class)
        );
    }

    private static List<RestHandler> whiteningStoreRestHandlers() {
        return List.of(LearnWhiteningAction.rest(), new RestGetStoredItemsAction(WhiteningIndex.KIND),
            new RestDeleteStoredItemAction(WhiteningIndex.KIND));
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> groundTruthStoreActions() {
        return List.of(
            new ActionHandler<>(PutGroundTruthAction.INSTANCE, TransportPutGroundTruthAction.class),
            new ActionHandler<>(StoredItemActions.GET_GROUND_TRUTH, StoredItemActions.TransportGetGroundTruths.class),
            new ActionHandler<>(StoredItemActions.DELETE_GROUND_TRUTH, StoredItemActions.TransportDeleteGroundTruth.class)
        );
    }

    private static List<RestHandler> groundTruthStoreRestHandlers() {
        return List.of(new RestPutGroundTruthAction(), new RestGetStoredItemsAction(GroundTruthIndex.KIND),
            new RestDeleteStoredItemAction(GroundTruthIndex.KIND), new RestCatGroundTruthAction());
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> dbaActions() {
        return List.of(new ActionHandler<>(DbaAction.INSTANCE, TransportDbaAction.class),
            new ActionHandler<>(ShardGraphBlockAction.INSTANCE, TransportShardGraphBlockAction.class));
    }

    private static List<RestHandler> dbaRestHandlers() {
        return List.of(DbaAction.rest(), new RestGetDbaAction());
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> evalActions() {
        return List.of(
            new ActionHandler<>(RetrievalEvalAction.INSTANCE, TransportRetrievalEvalAction.class),
            new ActionHandler<>(ShardVectorsAction.INSTANCE, TransportShardVectorsAction.class),
            new ActionHandler<>(EvalRunsAction.INSTANCE, TransportEvalRunsAction.class),
            new ActionHandler<>(CompareEvalRunsAction.INSTANCE, TransportCompareEvalRunsAction.class)
        );
    }

    private static List<RestHandler> evalRestHandlers() {
        return List.of(RetrievalEvalAction.rest(), new RestEvalRunsAction(), new RestCompareEvalRunsAction());
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> offlineDiffusionActions() {
        return List.of(new ActionHandler<>(BuildOfflineDiffusionAction.INSTANCE, TransportBuildOfflineDiffusionAction.class),
            new ActionHandler<>(DeleteOfflineDiffusionAction.INSTANCE, TransportDeleteOfflineDiffusionAction.class),
            new ActionHandler<>(ShardGraphAction.INSTANCE, TransportShardGraphAction.class));
    }

    private static List<RestHandler> offlineDiffusionRestHandlers() {
        return List.of(BuildOfflineDiffusionAction.rest(), new RestDeleteOfflineDiffusionAction());
    }

    private static List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> graphActions() {
        return List.of(
            new ActionHandler<>(ShardVectorsByIdAction.INSTANCE, TransportShardVectorsByIdAction.class),
            new ActionHandler<>(FirstRoundShardAction.INSTANCE, TransportFirstRoundShardAction.class),
            new ActionHandler<>(ShardVectorIdsAction.INSTANCE, TransportShardVectorIdsAction.class),
            new ActionHandler<>(ShardKnnNeighboursAction.INSTANCE, TransportShardKnnNeighboursAction.class),
            new ActionHandler<>(GraphBuildAction.INSTANCE, TransportGraphBuildAction.class),
            new ActionHandler<>(GetGraphAction.INSTANCE, TransportGetGraphAction.class),
            new ActionHandler<>(DeleteGraphAction.INSTANCE, TransportDeleteGraphAction.class)
        );
    }

    private static List<RestHandler> graphRestHandlers() {
        return List.of(GraphBuildAction.rest(), RestGraphAction.get(), RestGraphAction.delete());
    }
}
