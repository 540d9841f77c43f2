package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.Strings;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.search.sort.SortOrder;
import org.instanceretrieval.es.store.ModelIndex;
import org.instanceretrieval.es.store.StoreIndices;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link GroundTruthStore} on the system index {@link GroundTruthIndex}, plus the writes of
 * the ground-truth endpoints. As the model store, every request goes through an
 * {@link OriginSettingClient} (caller's context stashed, origin {@link ModelIndex#ORIGIN}).
 * Ground truths are written once ({@code op_type: create}) and never updated.
 */
public final class IndexGroundTruthStore implements GroundTruthStore {

    private static final int MAX_LISTED = 10_000;
    private static final String[] METADATA_ONLY_EXCLUDES = { GroundTruthIndex.GROUND_TRUTH_FIELD };

    private final Client client;

    public IndexGroundTruthStore(Client client) {
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
    }

    /** The 404 of an unknown ground truth id. */
    public static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("ground truth [{}] not found", id);
    }

    /** The 409 of a PUT whose id is taken. */
    public static ElasticsearchStatusException alreadyExists(String id) {
        return new ElasticsearchStatusException(
            "ground truth [{}] already exists; ground truths are immutable: put the new version under a new id, or delete this one first",
            RestStatus.CONFLICT,
            id
        );
    }

    @Override
    public void get(String id, ActionListener<StoredGroundTruth> listener) {
        client.get(new GetRequest(GroundTruthIndex.INDEX, id), ActionListener.wrap(response -> {
            if (response.isExists() == false) {
                listener.onFailure(notFound(id));
                return;
            }
            listener.onResponse(GroundTruthIndex.parse(response.getSourceAsMap()));
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? notFound(id) : e)));
    }

    /** The metadata of one ground truth (404 if unknown), with the canonical JSON when {@code includeGroundTruth}. */
    public void getMetadata(String id, boolean includeGroundTruth, ActionListener<GroundTruthMetadata> listener) {
        GetRequest get = new GetRequest(GroundTruthIndex.INDEX, id);
        if (includeGroundTruth == false) {
            get.fetchSourceContext(FetchSourceContext.of(true, Strings.EMPTY_ARRAY, METADATA_ONLY_EXCLUDES));
        }
        client.get(get, ActionListener.wrap(response -> {
            if (response.isExists() == false) {
                listener.onFailure(notFound(id));
                return;
            }
            listener.onResponse(GroundTruthMetadata.fromSource(response.getSourceAsMap()));
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? notFound(id) : e)));
    }

    /** The metadata of every ground truth (at most 10,000), sorted by id. */
    public void list(ActionListener<List<GroundTruthMetadata>> listener) {
        SearchRequest search = new SearchRequest(GroundTruthIndex.INDEX).source(
            new SearchSourceBuilder().query(QueryBuilders.matchAllQuery())
                .size(MAX_LISTED)
                .sort("ground_truth_id", SortOrder.ASC)
                .fetchSource(FetchSourceContext.of(true, Strings.EMPTY_ARRAY, METADATA_ONLY_EXCLUDES))
        );
        client.search(search, ActionListener.wrap(response -> {
            List<GroundTruthMetadata> all = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                all.add(GroundTruthMetadata.fromSource(hit.getSourceAsMap()));
            }
            listener.onResponse(all);
        }, e -> {
            if (StoreIndices.isIndexNotFound(e)) {
                listener.onResponse(List.of());
            } else {
                listener.onFailure(e);
            }
        }));
    }

    /**
     * Stores a new ground truth (refreshed at once); fails with 409 when the id exists.
     */
    public void put(StoredGroundTruth stored, ActionListener<StoredGroundTruth> listener) {
        IndexRequest request;
        try {
            request = new IndexRequest(GroundTruthIndex.INDEX).id(stored.id()).source(GroundTruthIndex.source(stored));
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        StoreIndices.createOnce(client, request, () -> alreadyExists(stored.id()), listener.map(ignored -> stored));
    }

    /** Deletes a ground truth (404 if unknown). */
    public void delete(String id, ActionListener<Void> listener) {
        StoreIndices.deleteOrNotFound(client, GroundTruthIndex.INDEX, id, () -> notFound(id), listener);
    }
}
