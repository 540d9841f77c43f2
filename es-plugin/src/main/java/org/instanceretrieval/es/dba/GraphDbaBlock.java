package org.instanceretrieval.es.dba;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.support.RefCountingListener;
import org.elasticsearch.cluster.routing.IndexRouting;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.job.DocumentUpdates;
import org.instanceretrieval.es.job.TransportJobAction.Job;
import org.instanceretrieval.es.vectors.ShardVectorsByIdAction;
import org.instanceretrieval.expansion.AlphaQueryExpansion;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.math.VectorMath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One block of the DBA job on the stored graph ({@link GraphDbaJob}): the documents one {@link ShardGraphBlockAction} read
 * returned, with their vectors and lists. Takes the first {@code n - 1} entries of each list, fetches the vectors of the listed
 * documents that are not in the block with {@link ShardVectorsByIdAction}, computes each document's
 * {@code L2(w(x.x) x + sum_t w(s_t) y_t)} over L2-normalised vectors ({@code w(s) = max(s, 0)^alpha}, {@code s_t} the stored
 * similarity), and writes {@code target_field} with one bulk of partial updates ({@link DocumentUpdates}: routing kept, a document
 * deleted since it was read skipped).
 * <p>
 * The shard of a listed id is computed with the index's routing from the id alone ({@link IndexRouting#getShard}); the ids that
 * cannot be routed so (an index whose routing is required or partitioned) or that the routed shard does not hold (documents
 * indexed with a custom routing) are then asked of every shard. A listed id that no shard holds with a vector (deleted since the
 * build) is a 400 asking for a rebuild. Used once, by one thread at a time.
 */
final class GraphDbaBlock {

    /**
     * What every block of a job shares.
     *
     * @param shards   the index's number of shards
     * @param routing  the index's routing, to find the shard of a listed id
     */
    record Context(Job job, String index, String field, String targetField, int neighbours, float alpha, int shards,
                   IndexRouting routing, Executor generic) {}

    private final Context context;
    private final ShardGraphBlockAction.Result docs;

    GraphDbaBlock(Context context, ShardGraphBlockAction.Result docs) {
        this.context = context;
        this.docs = docs;
    }

    /**
     * Bytes charged on the coordinating node per document of a block, its encoded list apart, for {@code n} neighbours of
     * {@code dims} floats: {@code (2n + 4) x 4 x dims + 100 x (n + 1)}: the document's vector as read and normalised (2), its
     * {@code n - 1} neighbours' vectors as received and copied (2n - 2), the augmented vector (1) and its update's source (3),
     * and an id and map entry for each neighbour.
     */
    static long bytesPerDocument(int neighbours, int dims) {
        return (2L * neighbours + 4L) * 4L * dims + 100L * (neighbours + 1L);
    }

    /** The block's augmented vectors, in block order (the listed vectors fetched, the sums on the generic pool). */
    void augment(ActionListener<float[][]> listener) {
        int count = docs.size();
        int dims = docs.dims();
        Map<String, float[]> unit = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            unit.put(docs.id(i), VectorMath.l2NormalizeInPlace(docs.vector(i)));
        }
        String[][] ids = new String[count][];
        float[][] similarities = new float[count][];
        Set<String> wanted = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            NeighbourList list = decode(i);
            int m = Math.min(context.neighbours() - 1, list.size());
            ids[i] = new String[m];
            similarities[i] = new float[m];
            for (int t = 0; t < m; t++) {
                ids[i][t] = list.id(t);
                similarities[i][t] = list.similarity(t);
                if (unit.containsKey(ids[i][t]) == false) {
                    wanted.add(ids[i][t]);
                }
            }
        }
        fetch(wanted.toArray(String[]::new), dims, unit, listener.delegateFailureAndWrap((l, v) -> context.generic()
            .execute(ActionRunnable.supply(l, () -> compute(ids, similarities, unit)))));
    }

    private NeighbourList decode(int i) {
        try {
            return NeighbourListCodec.decode(docs.list(i));
        } catch (IllegalArgumentException e) {
            throw new ElasticsearchStatusException("the neighbour list of document [{}] of index [{}] cannot be read: {}; rebuild the graph",
                RestStatus.INTERNAL_SERVER_ERROR, e, docs.id(i), context.index(), e.getMessage());
        }
    }

    private float[][] compute(String[][] ids, float[][] similarities, Map<String, float[]> unit) {
        context.job().task().checkCancelled();
        float alpha = context.alpha();
        float[][] augmented = new float[docs.size()][];
        for (int i = 0; i < augmented.length; i++) {
            float[] x = unit.get(docs.id(i));
            float[] sum = new float[x.length];
            VectorMath.addScaled(sum, AlphaQueryExpansion.weight(VectorMath.dot(x, x), alpha), x);
            for (int t = 0; t < ids[i].length; t++) {
                VectorMath.addScaled(sum, AlphaQueryExpansion.weight(similarities[i][t], alpha), unit.get(ids[i][t]));
            }
            augmented[i] = VectorMath.l2NormalizeInPlace(sum);
        }
        context.job().task().add("vectors_computed", augmented.length);
        return augmented;
    }

    /** Writes {@code augmented} (in block order) to {@code target_field}: one bulk of partial updates, routing kept. */
    void write(float[][] augmented, ActionListener<Void> listener) {
        BulkRequest bulk = new BulkRequest();
        for (int i = 0; i < augmented.length; i++) {
            bulk.add(DocumentUpdates.update(context.index(), docs.id(i), docs.routing(i), Map.of(context.targetField(), augmented[i])));
        }
        context.job().client().bulk(bulk, listener.delegateFailureAndWrap((l, response) -> {
            context.job().task().add("vectors_written", DocumentUpdates.count(DocumentUpdates.written(response,
                "writing the augmented vector", context.targetField())));
            l.onResponse(null);
        }));
    }

    /** Puts the L2-normalised vectors of {@code ids} into {@code unit}: routed shards first, then every shard for the rest. */
    private void fetch(String[] ids, int dims, Map<String, float[]> unit, ActionListener<Void> listener) {
        if (ids.length == 0) {
            listener.onResponse(null);
            return;
        }
        Map<Integer, List<String>> byShard = new HashMap<>();
        boolean unroutable = false;
        for (String id : ids) {
            int shard;
            try {
                shard = context.routing().getShard(id, null);
            } catch (RuntimeException e) {
                unroutable = true; // routing required or partitioned: asked of every shard below
                continue;
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(id);
        }
        boolean askAll = unroutable || context.shards() > 1;
        ActionListener<Void> routed = listener.delegateFailureAndWrap((l, v) -> {
            String[] missing = Arrays.stream(ids).filter(id -> unit.containsKey(id) == false).toArray(String[]::new);
            if (missing.length == 0) {
                l.onResponse(null);
            } else if (askAll == false) {
                throw missing(missing[0]);
            } else {
                Map<Integer, List<String>> everywhere = new HashMap<>();
                for (int s = 0; s < context.shards(); s++) {
                    everywhere.put(s, Arrays.asList(missing));
                }
                ask(everywhere, dims, unit, l.delegateFailureAndWrap((l2, x) -> {
                    for (String id : missing) {
                        if (unit.containsKey(id) == false) {
                            throw missing(id);
                        }
                    }
                    l2.onResponse(null);
                }));
            }
        });
        ask(byShard, dims, unit, routed);
    }

    private void ask(Map<Integer, List<String>> byShard, int dims, Map<String, float[]> unit, ActionListener<Void> listener) {
        try (RefCountingListener refs = new RefCountingListener(listener)) {
            byShard.forEach((shard, ids) -> {
                var params = new ShardVectorsByIdAction.Params(ids.toArray(String[]::new));
                ShardVectorsByIdAction.INSTANCE.execute(context.job().client(), context.index(), shard, context.field(), params,
                    refs.acquire(response -> {
                        if (response.found().length > 0 && response.dims() != dims) {
                            throw new ElasticsearchStatusException("vectors of [{}] in shard [{}] of [{}] have [{}] dimensions, others [{}]",
                                RestStatus.BAD_REQUEST, context.field(), shard, context.index(), response.dims(), dims);
                        }
                        float[] rows = response.vectors();
                        String[] found = response.found();
                        for (int i = 0; i < found.length; i++) {
                            unit.put(found[i], VectorMath.l2NormalizeInPlace(Arrays.copyOfRange(rows, i * dims, (i + 1) * dims)));
                        }
                    }));
            });
        }
    }

    private ElasticsearchStatusException missing(String id) {
        return new ElasticsearchStatusException("document [{}], listed as a neighbour in the stored graph of [{}], has no vector in [{}] "
            + "in index [{}] (deleted or changed since the graph was built); rebuild the graph with POST {}/_retrieval/graph/_build",
            RestStatus.BAD_REQUEST, id, context.field(), context.field(), context.index(), context.index());
    }
}
