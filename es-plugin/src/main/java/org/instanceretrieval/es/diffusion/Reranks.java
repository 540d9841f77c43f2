package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.rank.RankDoc;
import org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.Offline;
import org.instanceretrieval.es.graph.GraphMarker;
import org.instanceretrieval.es.graph.GraphMarkers;
import org.instanceretrieval.es.graph.StoredGraphCache;
import org.instanceretrieval.es.query.VectorFieldInfo;

import java.util.function.BiConsumer;

import static org.instanceretrieval.es.diffusion.DiffusionRetrieverBuilder.NAME;

/**
 * Chooses the work of a rewritten {@code diffusion} retriever: window or whole index ({@link DiffusionScope}), online or from the
 * offline rows ({@link Offline}: {@code true} needs usable rows, else 400; {@code auto} uses them when {@link OfflineRows#unusable}
 * finds nothing against them, else diffuses online). Errors are raised here, before any search runs. Stateless.
 */
final class Reranks {

    private Reranks() {}

    static BiConsumer<Client, ActionListener<RankDoc[]>> plan(DiffusionRetrieverBuilder b, QueryRewriteContext ctx, SearchRequest request,
                                                             VectorFieldInfo mapping, float[] query) {
        ResolvedIndices indices = ctx.getResolvedIndices();
        String field = b.field();
        DiffusionParameters parameters = b.parameters();
        Offline offline = b.offline();
        DiffusionScope scope = b.scope();
        // Offline rows and the stored graph serve one index only.
        IndexMetadata one = indices != null && indices.getConcreteLocalIndicesMetadata().size() == 1
            ? indices.getConcreteLocalIndicesMetadata().values().iterator().next() : null;
        if ((offline == Offline.TRUE || scope == DiffusionScope.INDEX) && one == null) {
            throw new IllegalArgumentException("[" + NAME + "] " + (scope == DiffusionScope.INDEX ? "[scope] index" : "[offline] true")
                + " needs a search of exactly one index");
        }
        String unusable = offline == Offline.FALSE || one == null ? "offline false" : OfflineRows.unusable(one, field, parameters);
        if (offline == Offline.TRUE && unusable != null) {
            throw new IllegalArgumentException("[" + NAME + "] [offline] true but " + unusable);
        }
        // the window search with the field's values fetched (from _source): the vectors of the window where they are not read
        // from the index
        SearchRequest withFields = new SearchRequest(request).source(request.source().shallowCopy().fetchField(field));
        BiConsumer<Client, ActionListener<RankDoc[]>> rerank;
        if (scope == DiffusionScope.INDEX) {
            StoredGraphCache cache = b.graphs().get();
            GraphMarker marker = unusable == null ? null : GraphMarkers.requireUsable(one, field, parameters.k(), "[" + NAME + "] [scope] index");
            if (cache == null && marker != null) {
                throw new IllegalStateException("[" + NAME + "] [scope] index: the node's graph cache is not available");
            }
            IndexRerank index = new IndexRerank(b.inner(), mapping, query, b.rankWindowSize(), parameters, one, marker, cache,
                ctx.getPointInTimeBuilder());
            rerank = (client, l) -> index.run(client, request, withFields, l);
        } else {
            WindowRerank window = new WindowRerank(b.inner(), mapping, query, b.rankWindowSize(), parameters, offline,
                unusable == null ? one.getIndex() : null, ctx.getPointInTimeBuilder(), b.breaker());
            rerank = (client, l) -> window.run(client, request, withFields, l);
        }
        return rerank;
    }
}
