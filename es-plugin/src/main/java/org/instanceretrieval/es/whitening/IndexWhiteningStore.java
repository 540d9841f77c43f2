package org.instanceretrieval.es.whitening;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.search.sort.SortOrder;
import org.elasticsearch.common.Strings;
import org.instanceretrieval.es.store.ModelIndex;
import org.instanceretrieval.es.store.StoreIndices;
import org.instanceretrieval.whitening.Whitening;
import org.instanceretrieval.whitening.WhiteningFormat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@link WhiteningStore} on the system index {@link WhiteningIndex}, plus the writes of the
 * whitening endpoints. As the model store, every request goes through an
 * {@link OriginSettingClient} (caller's context stashed, origin {@link ModelIndex#ORIGIN}).
 * Whitenings are written once ({@code op_type: create}) and never updated.
 */
public final class IndexWhiteningStore implements WhiteningStore {

    private static final int MAX_LISTED = 10_000;
    private static final String[] METADATA_ONLY_EXCLUDES = { WhiteningIndex.WHITENING_FIELD };

    private final Client client;

    public IndexWhiteningStore(Client client) {
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
    }

    /** The 404 of an unknown whitening id. */
    public static ResourceNotFoundException notFound(String whiteningId) {
        return new ResourceNotFoundException("whitening [{}] not found", whiteningId);
    }

    /** The 409 of a learn request whose id is taken. */
    public static ElasticsearchStatusException alreadyExists(String whiteningId) {
        return new ElasticsearchStatusException(
            "whitening [{}] already exists; whitenings are immutable: learn the new version under a new id, or delete this one first",
            RestStatus.CONFLICT,
            whiteningId
        );
    }

    @Override
    public void getWhitening(String whiteningId, ActionListener<Whitening> listener) {
        client.get(new GetRequest(WhiteningIndex.INDEX, whiteningId), ActionListener.wrap(response -> {
            if (response.isExists() == false) {
                listener.onFailure(notFound(whiteningId));
                return;
            }
            Object encoded = response.getSourceAsMap().get(WhiteningIndex.WHITENING_FIELD);
            listener.onResponse(WhiteningFormat.fromBytes(Base64.getDecoder().decode((String) encoded)));
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? notFound(whiteningId) : e)));
    }

    /** The metadata of one whitening (404 if unknown). */
    public void getMetadata(String whiteningId, ActionListener<StoredWhitening> listener) {
        GetRequest get = new GetRequest(WhiteningIndex.INDEX, whiteningId).fetchSourceContext(
            FetchSourceContext.of(true, Strings.EMPTY_ARRAY, METADATA_ONLY_EXCLUDES)
        );
        client.get(get, ActionListener.wrap(response -> {
            if (response.isExists() == false) {
                listener.onFailure(notFound(whiteningId));
                return;
            }
            listener.onResponse(StoredWhitening.fromSource(response.getSourceAsMap()));
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? notFound(whiteningId) : e)));
    }

    /** Whether a whitening is stored under this id. */
    public void exists(String whiteningId, ActionListener<Boolean> listener) {
        GetRequest get = new GetRequest(WhiteningIndex.INDEX, whiteningId).fetchSourceContext(FetchSourceContext.DO_NOT_FETCH_SOURCE);
        client.get(get, ActionListener.wrap(r -> listener.onResponse(r.isExists()), e -> {
            if (StoreIndices.isIndexNotFound(e)) {
                listener.onResponse(false);
            } else {
                listener.onFailure(e);
            }
        }));
    }

    /** The metadata of every whitening (at most 10,000), sorted by id. */
    public void list(ActionListener<List<StoredWhitening>> listener) {
        SearchRequest search = new SearchRequest(WhiteningIndex.INDEX).source(
            new SearchSourceBuilder().query(QueryBuilders.matchAllQuery())
                .size(MAX_LISTED)
                .sort("whitening_id", SortOrder.ASC)
                .fetchSource(FetchSourceContext.of(true, Strings.EMPTY_ARRAY, METADATA_ONLY_EXCLUDES))
        );
        client.search(search, ActionListener.wrap(response -> {
            List<StoredWhitening> all = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                all.add(StoredWhitening.fromSource(hit.getSourceAsMap()));
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
     * Stores a new whitening with its metadata (refreshed at once).
     *
     * @throws ElasticsearchStatusException 409 (through the listener) when the id exists
     */
    public void put(StoredWhitening metadata, Whitening whitening, ActionListener<StoredWhitening> listener) {
        IndexRequest request;
        try {
            request = new IndexRequest(WhiteningIndex.INDEX).id(metadata.whiteningId()).source(WhiteningIndex.source(metadata, WhiteningFormat.toBytes(whitening)));
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        StoreIndices.createOnce(client, request, () -> alreadyExists(metadata.whiteningId()), listener.map(ignored -> metadata));
    }

    /** Deletes a whitening (404 if unknown). */
    public void delete(String whiteningId, ActionListener<Void> listener) {
        StoreIndices.deleteOrNotFound(client, WhiteningIndex.INDEX, whiteningId, () -> notFound(whiteningId), listener);
    }
}
