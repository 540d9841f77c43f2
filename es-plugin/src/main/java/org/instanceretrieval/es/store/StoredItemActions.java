package org.instanceretrieval.es.store;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.groundtruth.CachingGroundTruthStore;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.groundtruth.GroundTruthMetadata;
import org.instanceretrieval.es.model.CachingModelStore;
import org.instanceretrieval.es.model.ModelIndex;
import org.instanceretrieval.es.model.StoredModel;
import org.instanceretrieval.es.whitening.CachingWhiteningStore;
import org.instanceretrieval.es.whitening.StoredWhitening;
import org.instanceretrieval.es.whitening.WhiteningIndex;

/**
 * The GET and DELETE actions of each stored-item kind ({@link GetStoredItemsAction},
 * {@link DeleteStoredItemAction}): models ({@link ModelIndex#KIND}; the listing includes the
 * built-in model, and a delete also drops the model's inference sessions on every node),
 * whitenings ({@link WhiteningIndex#KIND}; metadata only, never the matrix) and ground truths
 * ({@link GroundTruthIndex#KIND}; {@code include=ground_truth} adds the canonical JSON). Elasticsearch
 * injects one transport class per action name, hence one small subclass each.
 */
public final class StoredItemActions {

    public static final ActionType<StoredItemsResponse<StoredModel>> GET_MODEL = GetStoredItemsAction.type(ModelIndex.KIND);
    public static final ActionType<AcknowledgedResponse> DELETE_MODEL = DeleteStoredItemAction.type(ModelIndex.KIND);
    public static final ActionType<StoredItemsResponse<StoredWhitening>> GET_WHITENING = GetStoredItemsAction.type(
        WhiteningIndex.KIND);
    public static final ActionType<AcknowledgedResponse> DELETE_WHITENING = DeleteStoredItemAction.type(WhiteningIndex.KIND);
    public static final ActionType<StoredItemsResponse<GroundTruthMetadata>> GET_GROUND_TRUTH = GetStoredItemsAction.type(
        GroundTruthIndex.KIND);
    public static final ActionType<AcknowledgedResponse> DELETE_GROUND_TRUTH = DeleteStoredItemAction.type(GroundTruthIndex.KIND);

    private StoredItemActions() {}

    public static final class TransportGetModels extends GetStoredItemsAction.Transport<StoredModel> {
        @Inject
        public TransportGetModels(TransportService transportService, ActionFilters actionFilters, CachingModelStore store) {
            super(transportService, actionFilters, store.index());
        }
    }

    public static final class TransportDeleteModel extends DeleteStoredItemAction.Transport {
        @Inject
        public TransportDeleteModel(TransportService transportService, ActionFilters actionFilters, CachingModelStore store, Client client) {
            super(transportService, actionFilters, store, client);
        }
    }

    public static final class TransportGetWhitenings extends GetStoredItemsAction.Transport<StoredWhitening> {
        @Inject
        public TransportGetWhitenings(TransportService transportService, ActionFilters actionFilters, CachingWhiteningStore store) {
            super(transportService, actionFilters, store.index());
        }
    }

    public static final class TransportDeleteWhitening extends DeleteStoredItemAction.Transport {
        @Inject
        public TransportDeleteWhitening(TransportService transportService, ActionFilters actionFilters, CachingWhiteningStore store,
            Client client) {
            super(transportService, actionFilters, store, client);
        }
    }

    public static final class TransportGetGroundTruths extends GetStoredItemsAction.Transport<GroundTruthMetadata> {
        @Inject
        public TransportGetGroundTruths(TransportService transportService, ActionFilters actionFilters, CachingGroundTruthStore store) {
            super(transportService, actionFilters, store.index());
        }
    }

    public static final class TransportDeleteGroundTruth extends DeleteStoredItemAction.Transport {
        @Inject
        public TransportDeleteGroundTruth(TransportService transportService, ActionFilters actionFilters, CachingGroundTruthStore store,
            Client client) {
            super(transportService, actionFilters, store, client);
        }
    }
}
