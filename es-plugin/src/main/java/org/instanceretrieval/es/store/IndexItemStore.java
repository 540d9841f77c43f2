package org.instanceretrieval.es.store;

import org.instanceretrieval.es.model.ModelIndex;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.DocWriteRequest;
import org.elasticsearch.action.DocWriteResponse;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.Strings;
import org.elasticsearch.core.CheckedSupplier;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.search.sort.SortOrder;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@link ItemStore} of one {@link StoredItemKind} on its system index, plus what its endpoints
 * read and write there: one item's metadata, the listing, a create that never overwrites, and
 * delete. Every request goes through an {@link OriginSettingClient}: the caller's thread context
 * (its user, its headers, among them the one that hides system indices from REST callers) is
 * stashed and {@link ModelIndex#ORIGIN} set, so the store works the same for any caller; who may
 * call the endpoints is decided by the action names (see docs/api.md). A managed system index is
 * created on its first write: until then every read means "nothing stored" (404, empty list).
 * <p>
 * Errors: an unknown id is {@link StoredItemKind#notFound} (404); creating under a taken id is
 * {@link StoredItemKind#alreadyExists} (409).
 *
 * @param <V> what {@link #get} returns: the whole item
 * @param <M> the metadata the GET endpoints show (the item without its payload field)
 */
public abstract class IndexItemStore<V, M extends StoredItem> implements ItemStore<V> {

    /** Most items a listing returns. */
    public static final int MAX_LISTED = 10_000;

    protected final Client client;
    private final StoredItemKind<M> kind;
    private final FetchSourceContext metadataOnly;
    private final Function<Map<String, Object>, V> parse;
    private final Function<Map<String, Object>, M> parseMetadata;

    /**
     * @param payloadField the bulky field a metadata read leaves out unless asked for, or null
     * @param parse the whole item from its document's source
     * @param parseMetadata the metadata from a document's source (which holds the payload field only when it was asked for)
     */
    protected IndexItemStore(Client client, StoredItemKind<M> kind, String payloadField, Function<Map<String, Object>, V> parse,
        Function<Map<String, Object>, M> parseMetadata) {
        this.client = new OriginSettingClient(client, ModelIndex.ORIGIN);
        this.kind = kind;
        this.metadataOnly = payloadField == null ? null : FetchSourceContext.of(true, Strings.EMPTY_ARRAY, new String[] { payloadField });
        this.parse = parse;
        this.parseMetadata = parseMetadata;
    }

    /** The client this store reaches its system index with (the caller's context stashed, the plugin's origin set). */
    public Client client() {
        return client;
    }

    public StoredItemKind<M> kind() {
        return kind;
    }

    /** The id of an item's document. */
    protected String docId(String id) {
        return id;
    }

    /** Which documents a listing reads. */
    protected QueryBuilder listQuery() {
        return QueryBuilders.matchAllQuery();
    }

    @Override
    public void get(String id, ActionListener<V> listener) {
        getDocument(id, null, listener.map(response -> parse.apply(response.getSourceAsMap())));
    }

    /** The metadata of one item, with its payload field when {@code withPayload}. */
    public void getMetadata(String id, boolean withPayload, ActionListener<M> listener) {
        getDocument(id, withPayload ? null : metadataOnly, listener.map(response -> parseMetadata.apply(response.getSourceAsMap())));
    }

    /** Whether an item is stored under this id. */
    public void exists(String id, ActionListener<Boolean> listener) {
        GetRequest get = new GetRequest(kind.index(), docId(id)).fetchSourceContext(FetchSourceContext.DO_NOT_FETCH_SOURCE);
        client.get(get, ActionListener.wrap(r -> listener.onResponse(r.isExists()), e -> {
            if (StoreIndices.isIndexNotFound(e)) {
                listener.onResponse(false);
            } else {
                listener.onFailure(e);
            }
        }));
    }

    /** An item's document, read with {@code fetch} (null: the whole source); 404 when it or the index does not exist. */
    protected void getDocument(String id, FetchSourceContext fetch, ActionListener<GetResponse> listener) {
        client.get(new GetRequest(kind.index(), docId(id)).fetchSourceContext(fetch), ActionListener.wrap(response -> {
            if (response.isExists()) {
                listener.onResponse(response);
            } else {
                listener.onFailure(kind.notFound(id));
            }
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? kind.notFound(id) : e)));
    }

    /** The metadata of every item (at most {@value #MAX_LISTED}), sorted by id. */
    public void list(ActionListener<List<M>> listener) {
        SearchRequest search = new SearchRequest(kind.index()).source(
            new SearchSourceBuilder().query(listQuery()).size(MAX_LISTED).sort(kind.idParameter(), SortOrder.ASC).fetchSource(metadataOnly)
        );
        client.search(search, ActionListener.wrap(response -> {
            List<M> all = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                all.add(parseMetadata.apply(hit.getSourceAsMap()));
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

    /** Stores a new item's document (op type create, refresh immediate); 409 when the id is taken. */
    protected void create(String id, CheckedSupplier<XContentBuilder, IOException> source, ActionListener<Void> listener) {
        IndexRequest request;
        try {
            request = new IndexRequest(kind.index()).id(docId(id))
                .opType(DocWriteRequest.OpType.CREATE)
                .source(source.get())
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        client.index(request, ActionListener.wrap(r -> listener.onResponse(null), e -> listener.onFailure(
            ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException ? kind.alreadyExists(id) : e)));
    }

    /** Deletes an item (refresh immediate); 404 when it or the index does not exist. */
    public void delete(String id, ActionListener<Void> listener) {
        DeleteRequest delete = new DeleteRequest(kind.index(), docId(id)).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        client.delete(delete, ActionListener.wrap(r -> {
            if (r.getResult() == DocWriteResponse.Result.NOT_FOUND) {
                listener.onFailure(kind.notFound(id));
            } else {
                listener.onResponse(null);
            }
        }, e -> listener.onFailure(StoreIndices.isIndexNotFound(e) ? kind.notFound(id) : e)));
    }
}
