package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.core.Releasables;
import org.elasticsearch.index.Index;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.Offline;
import org.instanceretrieval.es.model.ModelIndex;

import java.util.Base64;
import java.util.Map;

/**
 * How the {@code diffusion} retriever uses the offline diffusion build of its index and field:
 * loading it with its heap charged first ({@link #load}), and the window's scores from it when
 * it can serve them, else online ({@link #scores}). Stateless.
 */
final class OfflineDiffusionBuilds {

    private OfflineDiffusionBuilds() {}

    /** A loaded offline build and the breaker bytes charged for it (released once it is used). */
    record LoadedBuild(GetResponse response, Releasable reservation) {}

    /**
     * Reads the offline build of {@code index} in two steps so that its size is charged before it is loaded: first its
     * header ({@code items}, {@code stored_entries}, without the data), then, once {@link #bytes} of those is
     * reserved on the request breaker (429 when it does not fit), the whole document. A build without a header answers as
     * missing data ({@link #scores} then refuses or falls back).
     */
    static void load(Client client, String index, String field, CircuitBreaker breaker, ActionListener<LoadedBuild> listener) {
        Client origin = new OriginSettingClient(client, ModelIndex.ORIGIN);
        String id = OfflineDiffusionIndex.id(index, field);
        GetRequest header = new GetRequest(OfflineDiffusionIndex.INDEX, id)
            .fetchSourceContext(FetchSourceContext.of(true, null, new String[] { OfflineDiffusionIndex.DATA_FIELD }));
        origin.get(header, listener.delegateFailureAndWrap((l, head) -> {
            if (head.isExists() == false) {
                l.onResponse(new LoadedBuild(head, () -> {}));
                return;
            }
            Map<String, Object> meta = head.getSourceAsMap();
            long bytes = bytes(((Number) meta.getOrDefault("items", 0)).longValue(),
                ((Number) meta.getOrDefault("stored_entries", 0)).longValue());
            breaker.addEstimateBytesAndMaybeBreak(bytes, "<loading the offline diffusion build of [" + index + "][" + field + "]>");
            Releasable reservation = Releasables.releaseOnce(() -> breaker.addWithoutBreaking(-bytes));
            origin.get(new GetRequest(OfflineDiffusionIndex.INDEX, id), ActionListener.wrap(
                full -> l.onResponse(new LoadedBuild(full, reservation)),
                e -> {
                    reservation.close();
                    l.onFailure(e);
                }));
        }));
    }

    /**
     * The heap loading a build holds at its peak: the stored bytes (about 72 per item for its id and row length, 8 per
     * stored entry) as the document's base64 source, as its parsed string, decoded, and parsed into rows: 5 times.
     */
    static long bytes(long items, long storedEntries) {
        return 5L * (64L + 72L * items + 8L * storedEntries);
    }

    /**
     * f from the offline build when it can serve this window (see {@link Offline}), else online.
     *
     * @throws IllegalArgumentException with {@code offline: true} when the build is missing, was
     *     built with other k, gamma or alpha, or lacks a window document (indexed after the build)
     */
    static double[] scores(DiffusionWindow window, GetResponse stored, Index searched, float[] query, DiffusionParameters parameters,
                           Offline offline) {
        String index = searched.getName();
        String unusable = null;
        if (stored.isExists() == false) {
            if (offline == Offline.TRUE) {
                throw noBuild(index);
            }
        } else if (searched.getUUID().equals(stored.getSourceAsMap().get("index_uuid")) == false) {
            unusable = "the offline diffusion build of [" + index + "] was made for an earlier index of that name: rebuild it";
        } else {
            // charged before it was loaded (load)
            byte[] bytes = Base64.getDecoder().decode((String) stored.getSourceAsMap().get(OfflineDiffusionIndex.DATA_FIELD));
            OfflineDiffusionData data = OfflineDiffusionData.fromBytes(bytes);
            if (data.k() != parameters.k() || Double.compare(data.gamma(), parameters.gamma()) != 0
                || Double.compare(data.alpha(), parameters.alpha()) != 0) {
                unusable = "the offline diffusion build of index [" + index + "] has k [" + data.k() + "], gamma [" + data.gamma()
                    + "], alpha [" + data.alpha() + "] but the search asks for k [" + parameters.k() + "], gamma ["
                    + parameters.gamma() + "], alpha [" + parameters.alpha() + "]";
            }
            int[] nodes = new int[window.size()];
            for (int i = 0; i < nodes.length && unusable == null; i++) {
                nodes[i] = data.nodeOf(window.ids()[i]);
                if (nodes[i] < 0) {
                    unusable = "document [" + window.ids()[i] + "] of the window was indexed after the offline diffusion build of index ["
                        + index + "]: rebuild it";
                }
            }
            if (unusable == null) {
                return WindowDiffusion.offlineScores(window.vectors(), nodes, query, parameters, data);
            }
        }
        if (offline == Offline.TRUE) {
            throw new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] [offline] true but " + unusable);
        }
        return WindowDiffusion.diffuse(window.vectors(), query, parameters).solution();
    }

    static IllegalArgumentException noBuild(String index) {
        return new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] [offline] true but index [" + index
            + "] has no offline diffusion build: run POST " + index + "/_retrieval/diffusion/_build");
    }
}
