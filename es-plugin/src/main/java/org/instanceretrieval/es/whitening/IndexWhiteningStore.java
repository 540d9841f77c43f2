package org.instanceretrieval.es.whitening;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.store.IndexItemStore;
import org.instanceretrieval.whitening.Whitening;
import org.instanceretrieval.whitening.WhiteningFormat;

import java.util.Base64;

/**
 * The {@link WhiteningStore} on the system index {@link WhiteningIndex}, plus the writes of the
 * whitening endpoints (see {@link IndexItemStore}). Whitenings are written once and never
 * updated; a metadata read never fetches the matrix.
 */
public final class IndexWhiteningStore extends IndexItemStore<Whitening, StoredWhitening> implements WhiteningStore {

    public IndexWhiteningStore(Client client) {
        super(client, WhiteningIndex.KIND, WhiteningIndex.WHITENING_FIELD,
            source -> WhiteningFormat.fromBytes(Base64.getDecoder().decode((String) source.get(WhiteningIndex.WHITENING_FIELD))),
            StoredWhitening::fromSource);
    }

    /** The 409 of a learn request whose id is taken. */
    public static ElasticsearchStatusException alreadyExists(String whiteningId) {
        return WhiteningIndex.KIND.alreadyExists(whiteningId);
    }

    /** Stores a new whitening with its metadata (refreshed at once); 409 when the id exists. */
    public void put(StoredWhitening metadata, Whitening whitening, ActionListener<StoredWhitening> listener) {
        create(metadata.whiteningId(), () -> WhiteningIndex.source(metadata, WhiteningFormat.toBytes(whitening)), listener.map(ignored -> metadata));
    }
}
