package org.instanceretrieval.es.diffusion;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportSearchAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.Offline;

import java.util.function.Supplier;

/**
 * The work of a rewritten {@code diffusion} retriever on the coordinating node: the window
 * search, the window's vectors, and its diffusion (online, or from the offline build), with the
 * window's memory estimate held on the request breaker throughout (429 over the limit).
 *
 * @param inner        the inner retriever (given the window's rank documents)
 * @param mapping      the vector field as the indices searched map it
 * @param query        the query vector, of the field's dims
 * @param offlineIndex the one index searched, whose offline build may serve; null when none may
 */
record WindowRerank(RetrieverBuilder inner, VectorFieldInfo mapping, float[] query, int rankWindowSize, DiffusionParameters parameters,
                    Offline offline, Index offlineIndex, Supplier<CircuitBreaker> breaker) {

    /** Runs {@code request} (the window search) and answers the window re-ranked by diffusion. */
    void run(Client client, SearchRequest request, ActionListener<RankDoc[]> listener) {
        Releasable reserved;
        try {
            reserved = WindowDiffusion.reserve(breaker.get(), rankWindowSize, mapping.dims(), parameters.k(), DiffusionRetrieverBuilder.NAME);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        ActionListener<RankDoc[]> done = ActionListener.releaseAfter(listener, reserved);
        client.execute(TransportSearchAction.TYPE, request, done.delegateFailureAndWrap((l, response) -> {
            DiffusionWindow window = DiffusionWindow.read(response, mapping);
            inner.setRankDocs(window.docs());
            if (offlineIndex == null || window.size() == 0) {
                l.onResponse(online(window));
                return;
            }
            OfflineDiffusionBuilds.load(client, offlineIndex.getName(), mapping.field(), breaker.get(), ActionListener.wrap(stored -> {
                try (Releasable loaded = stored.reservation()) {
                    l.onResponse(window.rank(OfflineDiffusionBuilds.scores(window, stored.response(), offlineIndex, query, parameters,
                        offline)));
                }
            }, e -> {
                if (offline == Offline.AUTO && ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                    l.onResponse(online(window));
                } else if (ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                    l.onFailure(OfflineDiffusionBuilds.noBuild(offlineIndex.getName()));
                } else {
                    l.onFailure(e);
                }
            }));
        }));
    }

    private RankDoc[] online(DiffusionWindow window) {
        return window.rank(WindowDiffusion.diffuse(window.vectors(), query, parameters).solution());
    }
}
