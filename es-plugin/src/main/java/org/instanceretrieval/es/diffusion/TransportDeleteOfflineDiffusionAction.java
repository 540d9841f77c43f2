package org.instanceretrieval.es.diffusion;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.graph.GraphMarkers;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.store.StoredItemRequest;

import java.util.Map;

/**
 * Removes the {@link OfflineRowsMarker} from the index's {@code _meta} (other entries kept): searches no longer read the rows.
 * The rows themselves stay in the documents' doc values until a rebuild overwrites them (removing them would rewrite every
 * document). 404 {@code index_not_found_exception} for a missing index, 404 {@code resource_not_found_exception} when the index
 * has no rows.
 */
public final class TransportDeleteOfflineDiffusionAction extends HandledTransportAction<StoredItemRequest<RequestParams.None>,
    AcknowledgedResponse> {

    private final Client client;
    private final ClusterService clusterService;

    @Inject
    public TransportDeleteOfflineDiffusionAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                                 ClusterService clusterService) {
        super(DeleteOfflineDiffusionAction.NAME, transportService, actionFilters,
            DeleteOfflineDiffusionAction.ID.reader(RequestParams::readNone),
            EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
        this.clusterService = clusterService;
    }

    @Override
    protected void doExecute(Task task, StoredItemRequest<RequestParams.None> request, ActionListener<AcknowledgedResponse> listener) {
        String index = request.id();
        IndexMetadata metadata = clusterService.state().metadata().index(index);
        if (metadata == null) {
            listener.onFailure(new IndexNotFoundException(index));
            return;
        }
        Map<?, ?> current = GraphMarkers.meta(metadata);
        if (current == null || current.containsKey(OfflineRowsMarker.KEY) == false) {
            listener.onFailure(new ResourceNotFoundException("index [{}] has no offline diffusion build", index));
            return;
        }
        IndexMetaMarker.write(client, index, OfflineRowsMarker.KEY, null, listener.map(v -> AcknowledgedResponse.TRUE));
    }
}
